package dev.nabla.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.nd4j.linalg.api.ndarray.INDArray;

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
    /** Bytes written per call when a tensor is copied from ND4J's memory to the file. */
    private static final int CHUNK = 16 << 20;

    private Safetensors() {}

    /** Writes the tensors to {@code file} through a temporary file that is then moved into place ({@link AtomicFile}). */
    public static void save(Map<String, Tensor> tensors, Path file) throws IOException { save(tensors, Map.of(), file); }

    /**
     * As {@link #save(Map, Path)}, with {@code __metadata__} strings. Each tensor goes from ND4J's memory to the file
     * in chunks (a C-ordered copy first only when it is a strided view), so saving needs no Java copy of the data.
     */
    public static void save(Map<String, Tensor> tensors, Map<String, String> metadata, Path file) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) header.set("__metadata__", JSON.valueToTree(metadata));
        List<INDArray> arrays = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) throw new IllegalArgumentException("Safetensors.save: '__metadata__' is reserved");
            INDArray a = e.getValue().nd();
            long bytes = a.length() * a.dataType().width();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", code(e.getValue().dtype()));
            var shape = entry.putArray("shape");
            for (long s : a.shape()) shape.add(s);
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
            arrays.add(a);
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
                for (INDArray a : arrays) write(ch, a);
                ch.force(true);
            }
        });
    }

    /** The raw little-endian bytes of an array, in C order, from ND4J's memory (ND4J's native builds are all little-endian). */
    private static void write(FileChannel ch, INDArray a) throws IOException {
        long width = a.dataType().width(), bytes = a.length() * width;
        if (bytes == 0) return;
        INDArray c = a.ordering() == 'c' && Blas.dense(a) ? a : a.dup('c');
        try {
            long base = c.offset() * width;
            BytePointer p = new BytePointer(c.data().pointer()).capacity(base + bytes);
            for (long done = 0; done < bytes; ) {
                int chunk = (int) Math.min(CHUNK, bytes - done);
                p.position(base + done).limit(base + done + chunk);
                ByteBuffer b = p.asByteBuffer();
                while (b.hasRemaining()) ch.write(b);
                done += chunk;
            }
        } finally {
            if (c != a) c.close();
        }
    }

    /** The {@code __metadata__} string map of a safetensors file (empty when it has none), checking the header but reading no tensor. */
    public static Map<String, String> metadata(Path file) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return f.metadata();
        }
    }

    /**
     * Reads every tensor of a safetensors file, in header order, one at a time into ND4J's memory (a file of S bytes
     * needs about S bytes; use {@link SafetensorsFile} to read only some). A malformed file is a
     * {@link FileFormatException} naming it and the problem.
     */
    public static Map<String, Tensor> load(Path file) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return f.all();
        }
    }

    private static String code(DType d) {
        return switch (d) {
            case FLOAT16 -> "F16"; case FLOAT32 -> "F32"; case FLOAT64 -> "F64"; case UINT8 -> "U8"; case INT8 -> "I8";
            case INT16 -> "I16"; case INT32 -> "I32"; case INT64 -> "I64"; case BOOL -> "BOOL";
        };
    }
}
