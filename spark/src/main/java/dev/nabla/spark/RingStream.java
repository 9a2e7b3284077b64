package dev.nabla.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * The data path of a connected ring: the schedule of one operation's messages, and the loop that sends to rank+1
 * while it receives from rank−1 on one selector.
 *
 * <p>An operation over {@code length} elements is cut into buckets; each bucket is cut into N chunks and takes
 * 2(N−1) steps: in reduce-scatter step t rank r sends chunk r−t and adds the received chunk r−t−1 into its own (the
 * last of these adds also multiplies by 1/N for a mean), so that rank r ends owning the reduced chunk r+1; in
 * all-gather step u it sends chunk r+1−u and copies the received chunk r−u. The messages of two buckets alternate on
 * the wire, so a rank sends the other bucket's chunk while it waits for the one it needs. Each message is a 32-byte
 * header (magic, operation, operation number, length, message number, payload bytes) that the receiver checks
 * against its own, then the payload in little-endian order.
 */
final class RingStream {
    static final int HEADER = 32;
    /** "RING". */
    static final int MAGIC = 0x52494E47;
    /** Buckets in flight together. */
    private static final int DEPTH = 2;

    /** The operations; the code goes into each header so that ranks calling different ones fail on the first message. */
    enum Kind {
        MEAN_F32(1, 4, "allReduceMean(float[])"),
        MEAN_F64(2, 8, "allReduceMean(double[])"),
        SUM_I64(3, 8, "allReduceSum(long[])"),
        GATHER_I64(4, 8, "allGather(long)");

        final int code, bytes;
        final String op;

        Kind(int code, int bytes, String op) {
            this.code = code;
            this.bytes = bytes;
            this.op = op;
        }

        static String name(int code) {
            for (Kind k : values()) if (k.code == code) return k.op;
            return "an unknown operation (code " + code + ")";
        }
    }

    /** The array an operation works on: what goes into a message, and what a received one does to it. */
    abstract static class Payload {
        /** Appends elements [from, from+len) to {@code dst}. */
        abstract void put(ByteBuffer dst, int from, int len);

        /**
         * Adds the received elements into [from, from+len), then scales them for a mean when {@code last} is set; the
         * elements are first copied in bulk to heap scratch, so that the loop is over arrays (which C2 vectorizes).
         */
        abstract void add(ByteBuffer src, int from, int len, boolean last, Scratch s);

        /** Copies the received elements into [from, from+len). */
        abstract void copy(ByteBuffer src, int from, int len);

        static Payload of(float[] a, float scale) {
            return new Payload() {
                void put(ByteBuffer dst, int from, int len) {
                    dst.asFloatBuffer().put(a, from, len);
                    dst.position(dst.position() + 4 * len);
                }

                void add(ByteBuffer src, int from, int len, boolean last, Scratch s) {
                    float[] f = s.floats(len);
                    src.asFloatBuffer().get(f, 0, len);
                    if (last) {
                        for (int i = 0; i < len; i++) a[from + i] = (a[from + i] + f[i]) * scale;
                    } else {
                        for (int i = 0; i < len; i++) a[from + i] += f[i];
                    }
                }

                void copy(ByteBuffer src, int from, int len) { src.asFloatBuffer().get(a, from, len); }
            };
        }

        static Payload of(double[] a, double scale) {
            return new Payload() {
                void put(ByteBuffer dst, int from, int len) {
                    dst.asDoubleBuffer().put(a, from, len);
                    dst.position(dst.position() + 8 * len);
                }

                void add(ByteBuffer src, int from, int len, boolean last, Scratch s) {
                    double[] d = s.doubles(len);
                    src.asDoubleBuffer().get(d, 0, len);
                    if (last) {
                        for (int i = 0; i < len; i++) a[from + i] = (a[from + i] + d[i]) * scale;
                    } else {
                        for (int i = 0; i < len; i++) a[from + i] += d[i];
                    }
                }

                void copy(ByteBuffer src, int from, int len) { src.asDoubleBuffer().get(a, from, len); }
            };
        }

        /** Sums exactly (wrapping on overflow, as Java's long addition). */
        static Payload of(long[] a) {
            return new Payload() {
                void put(ByteBuffer dst, int from, int len) {
                    dst.asLongBuffer().put(a, from, len);
                    dst.position(dst.position() + 8 * len);
                }

                void add(ByteBuffer src, int from, int len, boolean last, Scratch s) {
                    long[] l = s.longs(len);
                    src.asLongBuffer().get(l, 0, len);
                    for (int i = 0; i < len; i++) a[from + i] += l[i];
                }

                void copy(ByteBuffer src, int from, int len) { src.asLongBuffer().get(a, from, len); }
            };
        }
    }

    /** Heap arrays a stream reuses for received elements, grown on demand. */
    static final class Scratch {
        private float[] f = new float[0];
        private double[] d = new double[0];
        private long[] l = new long[0];

        float[] floats(int n) { return f.length >= n ? f : (f = new float[n]); }

        double[] doubles(int n) { return d.length >= n ? d : (d = new double[n]); }

        long[] longs(int n) { return l.length >= n ? l : (l = new long[n]); }
    }

    private final Scratch scratch = new Scratch();
    private final int rank, n, next, prev;
    private final SocketChannel out, in;
    private final Selector selector;
    private final SelectionKey outKey, inKey;
    private final long timeoutMillis;
    private final ByteBuffer header = ByteBuffer.allocateDirect(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    private ByteBuffer sendBuf = ByteBuffer.allocateDirect(0), recvBuf = ByteBuffer.allocateDirect(0);
    private long opNumber;
    private String failure;

    RingStream(int rank, int n, SocketChannel out, SocketChannel in, long timeoutMillis) throws IOException {
        this.rank = rank;
        this.n = n;
        this.next = (rank + 1) % n;
        this.prev = (rank - 1 + n) % n;
        this.out = out;
        this.in = in;
        this.timeoutMillis = timeoutMillis;
        this.selector = Selector.open();
        this.outKey = out.register(selector, 0);
        this.inKey = in.register(selector, 0);
    }

    /** The message of the failure that ended this stream, or null. */
    String failure() { return failure; }

    /** One operation on {@code length} elements of {@code p}, in buckets of {@code bucketBytes}. */
    void run(Kind kind, Payload p, int length, int bucketBytes) {
        long op = ++opNumber;
        int bucket = Math.max(1, bucketBytes / kind.bytes);
        int buckets = Math.max(1, (int) ((length + (long) bucket - 1) / bucket));   // an empty array still checks the step
        int steps = 2 * (n - 1);
        long messages = (long) buckets * steps;
        int maxChunk = (Math.min(bucket, Math.max(length, 1)) + n - 1) / n;
        sendBuf = ensure(sendBuf, HEADER + maxChunk * kind.bytes);
        recvBuf = ensure(recvBuf, maxChunk * kind.bytes);

        long start = System.nanoTime(), lastProgress = start;
        long sent = 0, received = 0;
        boolean sending = false, headerRead = false;
        int recvFrom = 0, recvLen = 0;
        boolean recvAdd = false, recvLast = false;
        header.clear();
        try {
            while (sent < messages || received < messages) {
                boolean progress = false;
                if (!sending && sent < messages && ready(sent, received, buckets, steps)) {
                    int[] m = message(sent, buckets, steps);
                    int b = m[0], t = m[1];
                    int chunk = t < n - 1 ? rank - t : rank + 1 - (t - (n - 1));
                    long[] range = chunk(length, bucket, b, chunk);
                    sendBuf.clear();
                    sendBuf.putInt(MAGIC).putInt(kind.code).putLong(op).putLong(length).putInt((int) sent).putInt((int) (range[1] * kind.bytes));
                    p.put(sendBuf, (int) range[0], (int) range[1]);
                    sendBuf.flip();
                    sending = true;
                }
                if (sending) {
                    if (write(sendBuf, kind, op, start) > 0) progress = true;
                    if (!sendBuf.hasRemaining()) {
                        sending = false;
                        sent++;
                    }
                }
                if (received < messages) {
                    ByteBuffer target = headerRead ? recvBuf : header;
                    int r = read(target, kind, op, start);
                    if (r < 0) throw fail(prev, kind, op, "rank " + prev + " closed the connection", start);
                    if (r > 0) progress = true;
                    if (!headerRead && !header.hasRemaining()) {
                        int[] m = message(received, buckets, steps);
                        int b = m[0], t = m[1];
                        int chunk = t < n - 1 ? rank - t - 1 : rank - (t - (n - 1));
                        long[] range = chunk(length, bucket, b, chunk);
                        recvFrom = (int) range[0];
                        recvLen = (int) range[1];
                        recvAdd = t < n - 1;
                        recvLast = t == n - 2;
                        check(kind, op, length, received, recvLen * kind.bytes, start);
                        headerRead = true;
                        recvBuf.clear().limit(recvLen * kind.bytes);
                    }
                    if (headerRead && !recvBuf.hasRemaining()) {
                        recvBuf.flip();
                        if (recvAdd) p.add(recvBuf, recvFrom, recvLen, recvLast, scratch);
                        else p.copy(recvBuf, recvFrom, recvLen);
                        received++;
                        headerRead = false;
                        header.clear();
                        progress = true;
                    }
                }
                long now = System.nanoTime();
                if (progress) {
                    lastProgress = now;
                    continue;
                }
                long left = timeoutMillis - TimeUnit.NANOSECONDS.toMillis(now - lastProgress);
                if (left <= 0) {
                    String what = received < messages ? "received nothing from rank " + prev : "rank " + next + " accepted no data";
                    if (received < messages && sending) what += " (and rank " + next + " accepted no data)";
                    throw fail(received < messages ? prev : next, kind, op, what + " for " + TimeUnit.NANOSECONDS.toMillis(now - lastProgress)
                            + " ms (timeout " + timeoutMillis + " ms): it stalled or died", start);
                }
                outKey.interestOps(sending ? SelectionKey.OP_WRITE : 0);
                inKey.interestOps(received < messages ? SelectionKey.OP_READ : 0);
                selector.select(left);
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw fail(prev, kind, op, "waiting on the connections failed (" + e + ")", start);
        }
    }

    private int write(ByteBuffer b, Kind kind, long op, long start) {
        try {
            return out.write(b);
        } catch (IOException e) {
            throw fail(next, kind, op, "sending to rank " + next + " failed (" + e + "): it closed the connection or died", start);
        }
    }

    private int read(ByteBuffer b, Kind kind, long op, long start) {
        try {
            return in.read(b);
        } catch (IOException e) {
            throw fail(prev, kind, op, "receiving from rank " + prev + " failed (" + e + "): it closed the connection or died", start);
        }
    }

    /** Whether message {@code m} may be sent: its bucket's previous step has been received (reduce-scatter needs it). */
    private static boolean ready(long m, long received, int buckets, int steps) {
        int[] bt = message(m, buckets, steps);
        if (bt[1] == 0) return true;
        int groupSize = Math.min(DEPTH, buckets - (bt[0] / DEPTH) * DEPTH);
        return received > m - groupSize;
    }

    /** Message m's bucket and step: buckets go in groups of {@link #DEPTH}, whose messages alternate step by step. */
    private static int[] message(long m, int buckets, int steps) {
        long group = m / ((long) DEPTH * steps);
        long base = group * DEPTH;
        int size = (int) Math.min(DEPTH, buckets - base);
        long within = m - group * DEPTH * steps;
        return new int[] {(int) (base + within % size), (int) (within / size)};
    }

    /** Start and length of chunk c (taken mod N) of bucket b. */
    private long[] chunk(int length, int bucket, int b, int c) {
        c = Math.floorMod(c, n);
        long from = (long) b * bucket, len = Math.min(bucket, length - from);
        long lo = len * c / n, hi = len * (c + 1) / n;
        return new long[] {from + lo, hi - lo};
    }

    /** Checks rank−1's header against this rank's own step. */
    private void check(Kind kind, long op, int length, long index, int payloadBytes, long start) {
        header.flip();
        int magic = header.getInt(), code = header.getInt();
        long theirOp = header.getLong(), theirLength = header.getLong();
        int theirIndex = header.getInt(), theirBytes = header.getInt();
        if (magic != MAGIC) {
            throw fail(prev, kind, op, String.format("rank %d sent 0x%08X where a message starts, expected 0x%08X: the stream is out of step",
                    prev, magic, MAGIC), start);
        }
        if (code != kind.code || theirOp != op) {
            throw fail(prev, kind, op, "rank " + prev + " is in " + Kind.name(code) + " (operation #" + theirOp + ") while this rank is in "
                    + kind.op + " (operation #" + op + "): every rank must call the same collectives in the same order", start);
        }
        if (theirLength != length) {
            throw fail(prev, kind, op, "rank " + prev + " passed " + theirLength + " elements, this rank " + length
                    + ": every rank must pass arrays of the same length", start);
        }
        if (theirIndex != index || theirBytes != payloadBytes) {
            throw fail(prev, kind, op, "rank " + prev + " sent message #" + theirIndex + " of " + theirBytes + " bytes, expected #" + index
                    + " of " + payloadBytes + " bytes: do the ranks use different bucket sizes?", start);
        }
    }

    private CollectiveException fail(int peer, Kind kind, long op, String what, long start) {
        failure = "RingCollective(rank " + rank + " of " + n + "): " + kind.op + " (operation #" + op + ") failed after "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms: " + what;
        close();
        return new CollectiveException(peer, failure, null);
    }

    private static ByteBuffer ensure(ByteBuffer b, int capacity) {
        return b.capacity() >= capacity ? b : ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Closes the selector and both sockets; idempotent. */
    void close() {
        for (AutoCloseable c : new AutoCloseable[] {selector, out, in}) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing after use or after a failure: nothing to recover
            }
        }
    }
}
