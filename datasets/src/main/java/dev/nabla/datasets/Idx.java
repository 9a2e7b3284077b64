package dev.nabla.datasets;

import dev.nabla.api.Tensor;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads IDX files (the format of MNIST and its look-alikes), gzipped or not, as
 * {@code torchvision.datasets.mnist.read_sn3_pascalvincent_tensor}.
 *
 * <p>Every field is checked: the magic number, the element type, the dimensions against the data that follows
 * (neither fewer nor more bytes), and for gzip every member's CRC-32 and length, with nothing after the last
 * member (as Python's {@code gzip}, which raises {@code BadGzipFile}). A failure is an {@link IOException}
 * naming the file.
 *
 * <pre>{@code
 * Tensor images = Idx.read(Path.of("data/mnist/t10k-images-idx3-ubyte.gz"));   // uint8 [10000, 28, 28]
 * }</pre>
 */
public final class Idx {
    private Idx() {}

    /** Above this many declared bytes the data is read in chunks, so that a lying header costs only what the stream holds. */
    private static final int TRUST = 64 << 20, CHUNK = 1 << 20;

    /** The dimensions and the bytes of an IDX file of unsigned bytes. */
    record Data(int[] dims, byte[] bytes) {
        int count() { return dims[0]; }
    }

    /** The element types of IDX (the third byte of the magic number), with their sizes in bytes. */
    private enum Type {
        UINT8(0x08, 1), INT8(0x09, 1), INT16(0x0b, 2), INT32(0x0c, 4), FLOAT32(0x0d, 4), FLOAT64(0x0e, 8);

        final int code, size;

        Type(int code, int size) {
            this.code = code;
            this.size = size;
        }

        static Type of(int code, String name) throws IOException {
            for (Type t : values()) if (t.code == code) return t;
            throw new IOException(String.format("%s: unknown IDX type code 0x%02x in the magic number; expected 0x08 (uint8),"
                    + " 0x09 (int8), 0x0b (int16), 0x0c (int32), 0x0d (float32) or 0x0e (float64)", name, code));
        }
    }

    /**
     * The IDX file {@code file} as a tensor of its shape and element type (uint8, int8, int16, int32, float32 or
     * float64); gzip is detected from its magic bytes.
     */
    public static Tensor read(Path file) throws IOException {
        try (InputStream in = open(file)) {
            String name = file.toString();
            InputStream data = decompress(in, name);
            int[] head = header(data, name, -1);
            Type type = Type.of(head[0], name);
            int[] dims = java.util.Arrays.copyOfRange(head, 1, head.length);
            byte[] bytes = body(data, name, dims, type.size, plainSize(file, data));
            long[] shape = new long[dims.length];
            for (int d = 0; d < dims.length; d++) shape[d] = dims[d];
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
            int n = bytes.length / type.size;
            return switch (type) {
                case UINT8 -> Collation.uint8(bytes, 0, shape);
                case INT8 -> Tensor.from(Nd4j.createFromArray(bytes).reshape(shape));
                case INT16 -> {
                    short[] v = new short[n];
                    b.asShortBuffer().get(v);
                    yield Tensor.from(Nd4j.createFromArray(v).reshape(shape));
                }
                case INT32 -> {
                    int[] v = new int[n];
                    b.asIntBuffer().get(v);
                    yield Tensor.from(Nd4j.createFromArray(v).reshape(shape));
                }
                case FLOAT32 -> {
                    float[] v = new float[n];
                    b.asFloatBuffer().get(v);
                    yield Tensor.from(Nd4j.createFromArray(v).reshape(shape));
                }
                case FLOAT64 -> {
                    double[] v = new double[n];
                    b.asDoubleBuffer().get(v);
                    yield Tensor.from(Nd4j.createFromArray(v).reshape(shape));
                }
            };
        }
    }

    /** An IDX file of unsigned bytes with {@code rank} dimensions. */
    static Data read(Path file, int rank) throws IOException {
        try (InputStream in = open(file)) {
            InputStream data = decompress(in, file.toString());
            return read(data, file.toString(), rank, plainSize(file, data));
        }
    }

    /** Reads an IDX stream named {@code name} in errors; gzip is detected from its magic bytes. */
    static Data read(InputStream raw, String name, int rank) throws IOException {
        return read(decompress(raw, name), name, rank, -1);
    }

    private static Data read(InputStream data, String name, int rank, long plainSize) throws IOException {
        int[] head = header(data, name, rank);
        int[] dims = java.util.Arrays.copyOfRange(head, 1, head.length);
        return new Data(dims, body(data, name, dims, 1, plainSize));
    }

    private static InputStream open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a directory, not an IDX file; expected the file itself (for MNIST e.g."
                    + " t10k-images-idx3-ubyte.gz), or remove the directory");
        }
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such IDX file");
        }
    }

    /** The size of the file if {@code data} reads it as is (not gzipped), else -1. */
    private static long plainSize(Path file, InputStream data) throws IOException {
        return data instanceof Named ? -1 : Files.size(file);
    }

    /** The stream, decompressed and checked if it starts with the gzip magic bytes. */
    private static InputStream decompress(InputStream raw, String name) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read(), b1 = in.read();
        in.reset();
        if (b0 != 0x1f || b1 != 0x8b) return in;
        try {
            return new Named(new GzipCompressorInputStream(in, true), name);
        } catch (IOException e) {
            throw Named.wrap(e, name);
        }
    }

    /** {magic type code, dims…}; for {@code rank >= 0} an unsigned-byte file of that rank is required. */
    private static int[] header(InputStream in, String name, int rank) throws IOException {
        byte[] head = in.readNBytes(4);
        if (head.length < 4) throw new IOException(name + ": truncated: the file ends inside the IDX header (" + head.length + " bytes)");
        int magic = (head[0] & 0xff) << 24 | (head[1] & 0xff) << 16 | (head[2] & 0xff) << 8 | (head[3] & 0xff);
        if (rank >= 0 && magic != (0x0800 | rank)) {
            throw new IOException(String.format("%s: wrong magic number 0x%08x, expected 0x%08x (an IDX file of unsigned"
                    + " bytes with %d dimension%s: %s)", name, magic, 0x0800 | rank, rank, rank == 1 ? "" : "s",
                    rank == 1 ? "labels" : "images"));
        }
        if ((magic >>> 16) != 0) {
            throw new IOException(String.format("%s: wrong magic number 0x%08x: an IDX file starts with two zero bytes", name, magic));
        }
        int r = magic & 0xff;
        byte[] dimBytes = in.readNBytes(4 * r);
        if (dimBytes.length < 4 * r) throw new IOException(name + ": truncated: the file ends inside the IDX header");
        int[] out = new int[r + 1];
        out[0] = (magic >> 8) & 0xff;
        for (int d = 0; d < r; d++) {
            int k = 4 * d;
            out[d + 1] = (dimBytes[k] & 0xff) << 24 | (dimBytes[k + 1] & 0xff) << 16 | (dimBytes[k + 2] & 0xff) << 8 | (dimBytes[k + 3] & 0xff);
            if (out[d + 1] < 0) throw new IOException(name + ": negative dimension " + out[d + 1] + " in the IDX header");
        }
        return out;
    }

    /**
     * Exactly the declared data, then the end of the stream (which, for gzip, checks the CRC-32 and length of
     * every member). A plausible size is read into one array; a larger one in chunks, so that a header that
     * lies costs only what the stream holds; a plain file's size is checked before anything is read.
     */
    private static byte[] body(InputStream in, String name, int[] dims, int elementSize, long plainSize) throws IOException {
        long total = elementSize;
        for (int d : dims) total *= d;
        String declared = describe(dims) + (elementSize == 1 ? "" : "×" + elementSize) + " = " + total + " bytes";
        if (total > Integer.MAX_VALUE - 16) throw new IOException(name + ": " + declared + " of data are too many for one array");
        long headerSize = 4 + 4L * dims.length;
        if (plainSize >= 0 && plainSize - headerSize < total) {
            throw new IOException(name + ": truncated: the header announces " + declared + " of data, but the file holds only "
                    + (plainSize - headerSize));
        }
        byte[] bytes;
        if (total <= TRUST) {
            bytes = new byte[(int) total];
            int n = in.readNBytes(bytes, 0, bytes.length);
            if (n < total) throw truncated(name, declared, n);
        } else {
            List<byte[]> chunks = new ArrayList<>();
            long got = 0;
            while (got < total) {
                byte[] c = new byte[(int) Math.min(CHUNK, total - got)];
                int n = in.readNBytes(c, 0, c.length);
                got += n;
                if (n < c.length) throw truncated(name, declared, got);
                chunks.add(c);
            }
            bytes = new byte[(int) total];
            int off = 0;
            for (byte[] c : chunks) {
                System.arraycopy(c, 0, bytes, off, c.length);
                off += c.length;
            }
        }
        if (in.read() >= 0) {
            throw new IOException(name + ": more data than the header declares (" + declared + "); the file is not what its"
                    + " header says, or two files were joined");
        }
        return bytes;
    }

    private static IOException truncated(String name, String declared, long got) {
        return new IOException(name + ": truncated: the header announces " + declared + " of data, but the file holds only " + got);
    }

    private static String describe(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int d = 0; d < dims.length; d++) sb.append(d == 0 ? "" : "×").append(dims[d]);
        return sb.length() == 0 ? "1" : sb.toString();
    }

    /** A gzip stream whose errors name the file. */
    private static final class Named extends FilterInputStream {
        private final String name;

        Named(InputStream in, String name) {
            super(in);
            this.name = name;
        }

        static IOException wrap(IOException e, String name) {
            if (e instanceof EOFException) {
                return new IOException(name + ": truncated gzip stream: the file ends inside the compressed data", e);
            }
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new IOException(name + ": corrupt gzip file: " + m, e);
        }

        @Override public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                throw wrap(e, name);
            }
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw wrap(e, name);
            }
        }
    }
}
