package dev.nabla.datasets;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reads IDX files of unsigned bytes (the MNIST format), gzipped or not. */
final class Idx {
    private Idx() {}

    /** The dimensions and the bytes of an IDX file. */
    record Data(int[] dims, byte[] bytes) {
        int count() { return dims[0]; }
    }

    static Data read(Path file, int rank) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), rank);
        }
    }

    /** Reads an IDX stream named {@code name} in errors; gzip is detected from its magic bytes. */
    static Data read(InputStream raw, String name, int rank) throws IOException {
        InputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read(), b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        try {
            byte[] head = in.readNBytes(4);
            if (head.length < 4) throw new IOException(name + ": truncated: the file ends inside the IDX header (" + head.length + " bytes)");
            int magic = (head[0] & 0xff) << 24 | (head[1] & 0xff) << 16 | (head[2] & 0xff) << 8 | (head[3] & 0xff);
            int expected = 0x0800 | rank;
            if (magic != expected) {
                throw new IOException(String.format("%s: wrong magic number 0x%08x, expected 0x%08x (an IDX file of unsigned"
                        + " bytes with %d dimension%s: %s)", name, magic, expected, rank, rank == 1 ? "" : "s",
                        rank == 1 ? "labels" : "images"));
            }
            byte[] dimBytes = in.readNBytes(4 * rank);
            if (dimBytes.length < 4 * rank) throw new IOException(name + ": truncated: the file ends inside the IDX header");
            int[] dims = new int[rank];
            long total = 1;
            for (int d = 0; d < rank; d++) {
                int k = 4 * d;
                dims[d] = (dimBytes[k] & 0xff) << 24 | (dimBytes[k + 1] & 0xff) << 16 | (dimBytes[k + 2] & 0xff) << 8 | (dimBytes[k + 3] & 0xff);
                if (dims[d] < 0) throw new IOException(name + ": negative dimension " + dims[d] + " in the IDX header");
                total *= dims[d];
            }
            if (total > Integer.MAX_VALUE - 16) throw new IOException(name + ": " + total + " bytes of data are too many for one array");
            byte[] bytes = in.readNBytes((int) total);
            if (bytes.length < total) {
                throw new IOException(name + ": truncated: the header announces " + describe(dims) + " = " + total
                        + " bytes of data, but the file holds only " + bytes.length);
            }
            return new Data(dims, bytes);
        } catch (EOFException | ZipException e) {
            throw new IOException(name + ": truncated or corrupt gzip stream (" + e.getMessage() + ")", e);
        }
    }

    private static String describe(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int d = 0; d < dims.length; d++) sb.append(d == 0 ? "" : "×").append(dims[d]);
        return sb.toString();
    }
}
