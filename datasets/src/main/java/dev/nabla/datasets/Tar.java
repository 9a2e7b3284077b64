package dev.nabla.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/** A minimal reader of (ustar / GNU) tar streams: enough to extract the files of an archive. */
final class Tar {
    private Tar() {}

    interface EntryHandler {
        void handle(String name, InputStream content, long size) throws IOException;
    }

    /** Calls {@code handler} for each regular file whose name passes {@code wanted}. */
    static void read(InputStream in, String archive, Predicate<String> wanted, EntryHandler handler) throws IOException {
        byte[] header = new byte[512];
        String longName = null;
        while (true) {
            int n = in.readNBytes(header, 0, 512);
            if (n == 0) return;
            if (n < 512) throw new IOException(archive + ": truncated tar archive (a header of " + n + " bytes)");
            if (isZero(header)) return;
            String name = longName != null ? longName : string(header, 0, 100);
            String prefix = string(header, 345, 155);
            if (longName == null && !prefix.isEmpty()) name = prefix + "/" + name;
            longName = null;
            long size = octal(header, 124, 12, archive);
            char type = (char) header[156];
            long padded = (size + 511) / 512 * 512;
            if (type == 'L') {
                byte[] b = readFully(in, (int) padded, archive);
                longName = new String(b, 0, (int) size, StandardCharsets.UTF_8).replace("\0", "");
                continue;
            }
            if ((type == '0' || type == '\0') && wanted.test(name)) {
                Bounded content = new Bounded(in, size);
                handler.handle(name, content, size);
                if (content.remaining > 0) skip(in, content.remaining, archive);
                skip(in, padded - size, archive);
            } else {
                skip(in, padded, archive);
            }
        }
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private static String string(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int off, int len, String archive) throws IOException {
        String s = string(b, off, len).trim();
        try {
            return s.isEmpty() ? 0 : Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IOException(archive + ": corrupt tar header (size field '" + s + "')", e);
        }
    }

    private static byte[] readFully(InputStream in, int n, String archive) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) throw new IOException(archive + ": truncated tar archive");
        return b;
    }

    private static void skip(InputStream in, long n, String archive) throws IOException {
        while (n > 0) {
            long k = in.skip(n);
            if (k <= 0) {
                if (in.read() < 0) throw new IOException(archive + ": truncated tar archive");
                k = 1;
            }
            n -= k;
        }
    }

    /** The content of one entry: at most {@code size} bytes of the underlying stream. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        long remaining;

        Bounded(InputStream in, long size) {
            this.in = in;
            this.remaining = size;
        }

        @Override public int read() throws IOException {
            if (remaining <= 0) return -1;
            int b = in.read();
            if (b >= 0) remaining--;
            return b;
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) remaining -= n;
            return n;
        }

        @Override public void close() {}
    }
}
