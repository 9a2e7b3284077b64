package dev.nabla.api;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.BytePointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An open safetensors file whose header has been read and checked, from which tensors are read one at a time
 * straight into ND4J's off-heap memory: reading a file of S bytes needs about S bytes, and files over 2 GB work.
 *
 * <p>The header is held to the format: valid UTF-8, one JSON object (only white space after it), no duplicate
 * names, for each tensor a known dtype, a shape of non-negative integers whose element count fits 64 bits, and
 * two integer data offsets matching that size; the tensors cover the data section exactly, without overlap.
 * Any other header is an {@link FileFormatException} (an {@code IOException}) naming the file and the problem.
 *
 * <pre>{@code
 * try (SafetensorsFile f = SafetensorsFile.open(Path.of("model.safetensors"))) {
 *     Tensor w = f.get("fc1.weight");
 * }
 * }</pre>
 */
public final class SafetensorsFile implements Closeable {
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    /** The largest header read (the Rust reference implementation's limit is the same 100 MB). */
    static final long MAX_HEADER = 100L << 20;
    /** Bytes read from the file per call: large enough for full speed, small enough to keep no big buffers. */
    private static final int CHUNK = 16 << 20;

    private record Entry(String dtype, long[] shape, long begin, long end) {}

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, String> metadata;
    private final Map<String, Entry> entries;

    private SafetensorsFile(Path file, FileChannel channel, long dataStart, Map<String, String> metadata, Map<String, Entry> entries) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.metadata = metadata;
        this.entries = entries;
    }

    /** Opens {@code file} and checks its header (not the tensors' values, which are read by {@link #get}). */
    public static SafetensorsFile open(Path file) throws IOException {
        if (Files.isDirectory(file)) throw bad(file, null, "it is a directory; expected a .safetensors file");
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "Safetensors: no such file (expected a .safetensors file)");
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            SafetensorsFile f = parse(file, ch);
            ch = null;
            return f;
        } finally {
            if (ch != null) ch.close();
        }
    }

    private static SafetensorsFile parse(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) throw bad(file, null, "the file has " + size + " bytes, fewer than the 8-byte header length");
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, ch, len, 0);
        long n = len.flip().getLong();
        if (n < 2 || n > MAX_HEADER || n > size - 8) {
            throw bad(file, null, "header length " + n + " does not fit the file of " + size + " bytes (at most " + MAX_HEADER + ")");
        }
        ByteBuffer h = ByteBuffer.allocate((int) n);
        readFully(file, ch, h, 8);
        String text;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(h.flip());
            text = chars.toString();
        } catch (CharacterCodingException e) {
            throw bad(file, null, "the header is not valid UTF-8 (" + e + ")");
        }
        JsonNode header;
        try {
            header = JSON.readTree(text);
        } catch (IOException e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw bad(file, null, "the header is not one JSON object without duplicate names (only white space may follow it): " + why);
        }
        if (header == null || !header.isObject()) throw bad(file, null, "the header is not a JSON object");
        long dataLength = size - 8 - n;
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) metadata(file, e.getValue(), metadata);
            else entries.put(e.getKey(), entry(file, e.getKey(), e.getValue(), dataLength));
        }
        List<Entry> byOffset = new ArrayList<>(entries.values());
        byOffset.sort((a, b) -> a.begin() != b.begin() ? Long.compare(a.begin(), b.begin()) : Long.compare(a.end(), b.end()));
        long at = 0;
        for (Entry r : byOffset) {
            if (r.begin() != at) throw bad(file, null, "the data regions overlap or leave a hole at byte " + at);
            at = r.end();
        }
        if (at != dataLength) throw bad(file, null, "the data section has " + dataLength + " bytes but the tensors cover " + at);
        return new SafetensorsFile(file, ch, 8 + n, Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(entries));
    }

    private static void metadata(Path file, JsonNode meta, Map<String, String> out) throws FileFormatException {
        if (!meta.isObject()) throw bad(file, "__metadata__", "expected an object of strings, got " + meta);
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw bad(file, "__metadata__." + e.getKey(), "expected a string, got " + abbreviate(e.getValue().toString()));
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static Entry entry(Path file, String key, JsonNode v, long dataLength) throws FileFormatException {
        if (!v.isObject()) throw bad(file, key, "expected {dtype, shape, data_offsets}, got " + abbreviate(v.toString()));
        JsonNode dtype = v.get("dtype"), shapeNode = v.get("shape"), offs = v.get("data_offsets");
        if (dtype == null || !dtype.isTextual()) throw bad(file, key, "expected a dtype string, got " + dtype);
        int width = width(file, key, dtype.textValue());
        if (shapeNode == null || !shapeNode.isArray()) throw bad(file, key, "expected a shape array, got " + shapeNode);
        if (shapeNode.size() > 32) throw bad(file, key, "expected a shape of at most 32 dimensions, got " + shapeNode.size());
        long[] shape = new long[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
                throw bad(file, key, "expected a shape of non-negative integers, got " + shapeNode);
            }
            shape[i] = d.longValue();
            try {
                numel = Math.multiplyExact(numel, shape[i]);
            } catch (ArithmeticException overflow) {
                throw bad(file, key, "the element count of shape " + shapeNode + " overflows 64 bits");
            }
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(numel, width);
        } catch (ArithmeticException overflow) {
            throw bad(file, key, "shape " + shapeNode + " of dtype " + dtype.textValue() + " needs more than 2^63 bytes");
        }
        if (offs == null || !offs.isArray() || offs.size() != 2) throw bad(file, key, "expected two data_offsets, got " + offs);
        for (JsonNode o : offs) {
            if (!o.isIntegralNumber() || !o.canConvertToLong() || o.longValue() < 0) {
                throw bad(file, key, "expected data_offsets of two non-negative integers, got " + offs);
            }
        }
        long begin = offs.get(0).longValue(), end = offs.get(1).longValue();
        if (end < begin || end > dataLength) {
            throw bad(file, key, "data_offsets [" + begin + ", " + end + "] are outside the " + dataLength + " data bytes");
        }
        if (end - begin != bytes) {
            throw bad(file, key, "shape " + shapeNode + " of dtype " + dtype.textValue() + " needs " + bytes + " bytes, its data_offsets give " + (end - begin));
        }
        return new Entry(dtype.textValue(), shape, begin, end);
    }

    /** The file. */
    public Path path() { return file; }

    /** The tensors' names, in the header's order. */
    public Set<String> names() { return entries.keySet(); }

    /** The header's {@code __metadata__} strings (empty when it has none). */
    public Map<String, String> metadata() { return metadata; }

    /** Reads one tensor; BF16 comes back as float32 (Nabla has no bfloat16 dtype). */
    public Tensor get(String name) throws IOException {
        Entry e = entries.get(name);
        if (e == null) throw new IllegalArgumentException("SafetensorsFile: " + file + " has no tensor '" + name + "'; it has " + entries.keySet());
        DataType raw = switch (e.dtype()) {
            case "F64" -> DataType.DOUBLE;
            case "F32" -> DataType.FLOAT;
            case "F16" -> DataType.HALF;
            case "BF16" -> DataType.BFLOAT16;
            case "I64" -> DataType.LONG;
            case "I32" -> DataType.INT;
            case "I16" -> DataType.SHORT;
            case "I8" -> DataType.BYTE;
            case "U8", "BOOL" -> DataType.UINT8;
            default -> throw new IllegalStateException("unreachable: " + e.dtype());
        };
        long bytes = e.end() - e.begin();
        if (bytes == 0) return Tensor.from(Nd4j.create(target(e.dtype(), raw), e.shape(), 'c'));
        INDArray a = Nd4j.createUninitialized(raw, e.shape(), 'c');
        // ND4J's native builds are all little-endian, as the format is: the bytes are copied as they are
        BytePointer p = new BytePointer(a.data().pointer()).capacity(bytes);
        for (long done = 0; done < bytes; ) {
            int chunk = (int) Math.min(CHUNK, bytes - done);
            p.position(done).limit(done + chunk);
            readFully(file, channel, p.asByteBuffer(), dataStart + e.begin() + done);
            done += chunk;
        }
        DataType want = target(e.dtype(), raw);
        if (want == raw) return Tensor.from(a);
        INDArray cast = a.castTo(want);
        a.close();
        return Tensor.from(cast);
    }

    private static DataType target(String code, DataType raw) {
        return switch (code) {
            case "BF16" -> DataType.FLOAT;
            case "BOOL" -> DataType.BOOL;
            default -> raw;
        };
    }

    /** Reads every tensor, in the header's order. */
    public Map<String, Tensor> all() throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : entries.keySet()) out.put(name, get(name));
        return out;
    }

    @Override public void close() throws IOException { channel.close(); }

    private static void readFully(Path file, FileChannel ch, ByteBuffer dst, long position) throws IOException {
        while (dst.hasRemaining()) {
            int r = ch.read(dst, position);
            if (r < 0) throw bad(file, null, "the file ended at byte " + position + " while its header promised more (was it truncated while open?)");
            position += r;
        }
    }

    static int width(Path file, String key, String code) throws FileFormatException {
        return switch (code) {
            case "F64", "I64" -> 8;
            case "F32", "I32" -> 4;
            case "F16", "BF16", "I16" -> 2;
            case "U8", "I8", "BOOL" -> 1;
            default -> throw bad(file, key, "dtype '" + code + "' is not one of F16, BF16, F32, F64, U8, I8, I16, I32, I64, BOOL");
        };
    }

    static FileFormatException bad(Path file, String field, String what) {
        return new FileFormatException("Safetensors", file, field == null ? null : field, "not a valid safetensors file: " + what);
    }

    private static String abbreviate(String s) { return s.length() <= 80 ? s : s.substring(0, 80) + "…"; }
}
