package dev.nabla.spark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The first bytes on a ring connection, both ways: the connecting rank's hello (magic, protocol version, its rank, the
 * world size, the job/attempt id) and the accepting rank's answer (accepted, or refused with the reason).
 *
 * <p>Both are a fixed prefix followed by a UTF-8 string whose length the prefix gives; a reader takes bytes as they
 * come ({@link Reader#offer}) and validates each field before it trusts the next one.
 */
final class Handshake {
    private Handshake() {}

    /** "NABLARNG": the first eight bytes of every hello and answer. */
    static final long MAGIC = 0x4E41424C41524E47L;
    static final int VERSION = 1;
    /** The longest job id or refusal reason, in UTF-8 bytes. */
    static final int MAX_TEXT = 4096;
    /** magic, version, rank, world size (hello) or status (answer), text length. */
    static final int PREFIX = 8 + 4 + 4 + 4 + 4;

    static final int ACCEPTED = 0, REFUSED = 1;

    /** The connecting rank's hello. */
    static ByteBuffer hello(int rank, int worldSize, String jobId) { return frame(rank, worldSize, jobId); }

    /** The accepting rank's answer: {@link #ACCEPTED} with an empty reason, or {@link #REFUSED} with why. */
    static ByteBuffer answer(int rank, int status, String reason) { return frame(rank, status, reason); }

    private static ByteBuffer frame(int rank, int third, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        if (t.length > MAX_TEXT) {
            throw new IllegalArgumentException("RingCollective: a job id or reason is at most " + MAX_TEXT + " UTF-8 bytes, got " + t.length);
        }
        ByteBuffer b = ByteBuffer.allocate(PREFIX + t.length).order(ByteOrder.BIG_ENDIAN);
        b.putLong(MAGIC).putInt(VERSION).putInt(rank).putInt(third).putInt(t.length).put(t);
        return b.flip();
    }

    /** Reads one hello or answer from bytes as they arrive; a malformed prefix ends it with {@link #error()}. */
    static final class Reader {
        private final ByteBuffer prefix = ByteBuffer.allocate(PREFIX).order(ByteOrder.BIG_ENDIAN);
        private ByteBuffer text;
        private String error;
        private int rank, third;

        /** The buffer the next bytes go into (null once complete or failed). */
        ByteBuffer target() {
            if (error != null) return null;
            if (prefix.hasRemaining()) return prefix;
            return text.hasRemaining() ? text : null;
        }

        /** Checks what has arrived; returns true when the frame is complete or malformed (see {@link #error()}). */
        boolean offer() {
            if (error != null) return true;
            if (prefix.hasRemaining()) return false;
            if (text == null) {
                prefix.flip();
                long magic = prefix.getLong();
                int version = prefix.getInt();
                rank = prefix.getInt();
                third = prefix.getInt();
                int length = prefix.getInt();
                if (magic != MAGIC) {
                    error = String.format("it sent magic 0x%016X, expected 0x%016X: not a Nabla ring peer", magic, MAGIC);
                    return true;
                }
                if (version != VERSION) {
                    error = "it speaks ring protocol version " + version + ", this rank speaks " + VERSION
                            + ": run the same Nabla version on every executor";
                    return true;
                }
                if (length < 0 || length > MAX_TEXT) {
                    error = "it announced a text of " + length + " bytes, expected 0 to " + MAX_TEXT;
                    return true;
                }
                text = ByteBuffer.allocate(length);
            }
            return !text.hasRemaining();
        }

        /** Why the frame is malformed, or null. */
        String error() { return error; }

        int rank() { return rank; }

        /** The world size of a hello, or the status of an answer. */
        int third() { return third; }

        String text() { return new String(text.array(), StandardCharsets.UTF_8); }
    }
}
