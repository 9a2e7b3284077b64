package dev.nabla.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
 * ({@code name → {dtype, shape, data_offsets}}), then the raw little-endian data. Nothing runs on
 * load; files written by PyTorch's {@code safetensors.torch.save_file} load here and the reverse.
 *
 * <pre>{@code
 * Safetensors.save(model.stateDict(), Path.of("model.safetensors"));
 * model.loadStateDict(Safetensors.load(Path.of("model.safetensors")), true);
 * }</pre>
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private Safetensors() {}

    /** Writes the tensors to {@code file} through a temporary file that is then moved into place. */
    public static void save(Map<String, Tensor> tensors, Path file) throws IOException { save(tensors, Map.of(), file); }

    public static void save(Map<String, Tensor> tensors, Map<String, String> metadata, Path file) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) header.set("__metadata__", JSON.valueToTree(metadata));
        List<byte[]> blobs = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) throw new IllegalArgumentException("Safetensors.save: '__metadata__' is reserved");
            Tensor t = e.getValue();
            byte[] bytes = toBytes(t.nd());
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", code(t.dtype()));
            var shape = entry.putArray("shape");
            for (long s : t.shape().toArray()) shape.add(s);
            entry.putArray("data_offsets").add(offset).add(offset + bytes.length);
            offset += bytes.length;
            blobs.add(bytes);
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();

        AtomicFile.write(file, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                while (head.hasRemaining()) ch.write(head);
                for (byte[] b : blobs) {
                    ByteBuffer bb = ByteBuffer.wrap(b);
                    while (bb.hasRemaining()) ch.write(bb);
                }
                ch.force(true);
            }
        });
    }

    /** The {@code __metadata__} string map of a safetensors file (empty when it has none), without reading the tensors. */
    public static Map<String, String> metadata(Path file) throws IOException {
        long size = Files.size(file);
        if (size < 8) throw bad(file, "the file has " + size + " bytes, fewer than the 8-byte header length");
        long n;
        byte[] head;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            while (len.hasRemaining() && ch.read(len) >= 0) { }
            n = len.flip().getLong();
            if (n < 2 || n > MAX_HEADER || 8 + n > size) throw bad(file, "header length " + n + " does not fit the file of " + size + " bytes");
            ByteBuffer h = ByteBuffer.allocate((int) n);
            while (h.hasRemaining() && ch.read(h) >= 0) { }
            head = h.array();
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(head, java.nio.charset.StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw bad(file, "the header is not valid JSON: " + e.getMessage());
        }
        if (header == null || !header.isObject()) throw bad(file, "the header is not a JSON object");
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode meta = header.path("__metadata__");
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /** Reads every tensor of a safetensors file, in header order. */
    public static Map<String, Tensor> load(Path file) throws IOException {
        long size = Files.size(file);
        if (size < 8) throw bad(file, "the file has " + size + " bytes, fewer than the 8-byte header length");
        byte[] all = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        if (n < 2 || n > MAX_HEADER || 8 + n > size) {
            throw bad(file, "header length " + n + " does not fit the file of " + size + " bytes");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(all, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw bad(file, "the header is not valid JSON: " + e.getMessage());
        }
        if (header == null || !header.isObject()) throw bad(file, "the header is not a JSON object");
        long dataStart = 8 + n, dataLength = size - dataStart;
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) continue;
            String key = e.getKey();
            JsonNode v = e.getValue();
            String code = v.path("dtype").asText("");
            JsonNode shapeNode = v.path("shape"), offs = v.path("data_offsets");
            if (!shapeNode.isArray() || !offs.isArray() || offs.size() != 2) {
                throw bad(file, "tensor '" + key + "' needs a shape array and two data_offsets, got " + v);
            }
            long[] shape = new long[shapeNode.size()];
            long numel = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).asLong(-1);
                if (shape[i] < 0) throw bad(file, "tensor '" + key + "' has a negative dimension in " + shapeNode);
                numel *= shape[i];
            }
            long begin = offs.get(0).asLong(-1), end = offs.get(1).asLong(-1);
            int width = width(file, key, code);
            if (begin < 0 || end < begin || end > dataLength) {
                throw bad(file, "tensor '" + key + "' has data_offsets [" + begin + ", " + end + "] outside the " + dataLength + " data bytes");
            }
            if (end - begin != numel * width) {
                throw bad(file, "tensor '" + key + "' of dtype " + code + " and shape " + shapeNode + " needs " + numel * width
                        + " bytes, its data_offsets give " + (end - begin));
            }
            ranges.add(new long[] {begin, end});
            ByteBuffer data = ByteBuffer.wrap(all, (int) (dataStart + begin), (int) (end - begin)).slice().order(ByteOrder.LITTLE_ENDIAN);
            out.put(key, Tensor.from(fromBytes(code, data, (int) numel, shape)));
        }
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        long at = 0;
        for (long[] r : ranges) {
            if (r[0] != at) throw bad(file, "the data regions overlap or leave a hole at byte " + at);
            at = r[1];
        }
        if (at != dataLength) throw bad(file, "the data section has " + dataLength + " bytes but the tensors cover " + at);
        return out;
    }

    private static IOException bad(Path file, String what) {
        return new IOException("Safetensors: " + file + " is not a valid safetensors file: " + what);
    }

    private static String code(DType d) {
        return switch (d) {
            case FLOAT16 -> "F16"; case FLOAT32 -> "F32"; case FLOAT64 -> "F64"; case UINT8 -> "U8"; case INT8 -> "I8";
            case INT16 -> "I16"; case INT32 -> "I32"; case INT64 -> "I64"; case BOOL -> "BOOL";
        };
    }

    private static int width(Path file, String key, String code) throws IOException {
        return switch (code) {
            case "F64", "I64" -> 8;
            case "F32", "I32" -> 4;
            case "F16", "BF16", "I16" -> 2;
            case "U8", "I8", "BOOL" -> 1;
            default -> throw bad(file, "tensor '" + key + "' has dtype '" + code
                    + "'; expected one of F16, BF16, F32, F64, U8, I8, I16, I32, I64, BOOL");
        };
    }

    private static byte[] toBytes(INDArray a) {
        INDArray c = a.dup('c');
        int n = (int) c.length();
        DType d = DType.of(c.dataType());
        ByteBuffer b = ByteBuffer.allocate(n * (int) Math.max(1, c.dataType().width())).order(ByteOrder.LITTLE_ENDIAN);
        INDArray flat = c.reshape(n);
        switch (d) {
            case FLOAT64 -> { for (double v : flat.toDoubleVector()) b.putDouble(v); }
            case FLOAT32 -> { for (float v : flat.toFloatVector()) b.putFloat(v); }
            case FLOAT16 -> { for (float v : flat.castTo(DataType.FLOAT).toFloatVector()) b.putShort(Half.fromFloat(v)); }
            case INT64 -> { for (long v : flat.toLongVector()) b.putLong(v); }
            case INT32 -> { for (int v : flat.toIntVector()) b.putInt(v); }
            case INT16 -> { for (int v : flat.castTo(DataType.INT).toIntVector()) b.putShort((short) v); }
            case INT8, UINT8 -> { for (int v : flat.castTo(DataType.INT).toIntVector()) b.put((byte) v); }
            case BOOL -> { for (int v : flat.castTo(DataType.INT).toIntVector()) b.put((byte) (v != 0 ? 1 : 0)); }
        }
        return b.array();
    }

    private static INDArray fromBytes(String code, ByteBuffer b, int n, long[] shape) {
        INDArray flat = switch (code) {
            case "F64" -> { double[] v = new double[n]; b.asDoubleBuffer().get(v); yield Nd4j.createFromArray(v); }
            case "F32" -> { float[] v = new float[n]; b.asFloatBuffer().get(v); yield Nd4j.createFromArray(v); }
            case "F16" -> { float[] v = new float[n]; for (int i = 0; i < n; i++) v[i] = Half.toFloat(b.getShort()); yield Nd4j.createFromArray(v).castTo(DataType.HALF); }
            case "BF16" -> { float[] v = new float[n]; for (int i = 0; i < n; i++) v[i] = Float.intBitsToFloat((b.getShort() & 0xffff) << 16); yield Nd4j.createFromArray(v); }
            case "I64" -> { long[] v = new long[n]; b.asLongBuffer().get(v); yield Nd4j.createFromArray(v); }
            case "I32" -> { int[] v = new int[n]; b.asIntBuffer().get(v); yield Nd4j.createFromArray(v); }
            case "I16" -> { int[] v = new int[n]; for (int i = 0; i < n; i++) v[i] = b.getShort(); yield Nd4j.createFromArray(v).castTo(DataType.SHORT); }
            case "I8" -> { int[] v = new int[n]; for (int i = 0; i < n; i++) v[i] = b.get(); yield Nd4j.createFromArray(v).castTo(DataType.BYTE); }
            case "U8" -> { int[] v = new int[n]; for (int i = 0; i < n; i++) v[i] = b.get() & 0xff; yield Nd4j.createFromArray(v).castTo(DataType.UINT8); }
            case "BOOL" -> { boolean[] v = new boolean[n]; for (int i = 0; i < n; i++) v[i] = b.get() != 0; yield Nd4j.createFromArray(v); }
            default -> throw new IllegalStateException("unreachable: " + code);
        };
        return shape.length == 0 ? flat.reshape(new long[0]) : n == 0 ? Nd4j.create(flat.dataType(), shape) : flat.reshape(shape);
    }

    /** IEEE 754 half precision bits, round to nearest even (Java 17 has no Float.floatToFloat16). */
    static final class Half {
        private Half() {}

        static short fromFloat(float f) {
            int bits = Float.floatToRawIntBits(f);
            int sign = (bits >>> 16) & 0x8000;
            int exp = (bits >>> 23) & 0xff;
            int mant = bits & 0x7fffff;
            if (exp == 0xff) return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
            int e = exp - 127 + 15;
            if (e >= 0x1f) return (short) (sign | 0x7c00);
            if (e <= 0) {
                if (e < -10) return (short) sign;
                mant |= 0x800000;
                int shift = 14 - e;
                int half = mant >> shift;
                int rem = mant & ((1 << shift) - 1), mid = 1 << (shift - 1);
                if (rem > mid || (rem == mid && (half & 1) != 0)) half++;
                return (short) (sign | half);
            }
            int half = (e << 10) | (mant >> 13);
            int rem = mant & 0x1fff;
            if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) half++;
            return (short) (sign | half);
        }

        static float toFloat(short h) {
            int bits = h & 0xffff;
            int sign = (bits & 0x8000) << 16;
            int exp = (bits >>> 10) & 0x1f;
            int mant = bits & 0x3ff;
            if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
            if (exp == 0) {
                if (mant == 0) return Float.intBitsToFloat(sign);
                float v = mant / 1024f / 16384f;
                return sign != 0 ? -v : v;
            }
            return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
        }
    }
}
