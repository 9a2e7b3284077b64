package dev.nabla.spark;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;

/**
 * The ring all-reduce over TCP: rank r sends to rank r+1 and receives from rank r−1 (NIO, TCP_NODELAY), each array
 * cut into buckets ({@link #setBucketBytes}, 1 MB by default) that go round the ring by reduce-scatter then
 * all-gather, two buckets interleaved so that one travels while the other waits.
 *
 * <p>Each chunk of a bucket is summed on one rank only, in ring order, and a mean is that sum times 1/N once, so every
 * rank ends with the same bits; each rank sends and receives 2(N−1)/N of the array. Every wait is bounded: when no
 * byte moves for the timeout, or a peer closes its socket or sends something else than the ring expects, the
 * operation throws {@link CollectiveException} naming the peer, and the collective is closed. No thread is started:
 * the caller's thread does the work through one {@link java.nio.channels.Selector}. Not for concurrent use.
 *
 * <pre>{@code
 * RingCollective.Listener l = RingCollective.listen("0.0.0.0", Duration.ofSeconds(30));
 * String me = l.address();                       // "10.0.0.5:41234": exchange these through the driver
 * try (RingCollective ring = l.connect(rank, addressesByRank, "job-7/attempt-0")) {
 *     ring.allReduceMean(gradients);             // float[]: the same mean on every rank
 * }
 * }</pre>
 */
public final class RingCollective implements Collective {
    /** Buckets of 1 MB unless {@link #setBucketBytes} says otherwise (the bucket sweep in BENCHMARKS.md). */
    public static final int DEFAULT_BUCKET_BYTES = 1 << 20;

    private final int rank, worldSize;
    private final RingStream stream;   // null when worldSize is 1
    private final long timeoutMillis;
    private int bucketBytes = DEFAULT_BUCKET_BYTES;
    private boolean closed;

    private RingCollective(int rank, int worldSize, RingStream stream, long timeoutMillis) {
        this.rank = rank;
        this.worldSize = worldSize;
        this.stream = stream;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Binds an ephemeral port on {@code bindHost} ("0.0.0.0" for every interface) for the rank before this one; every
     * later wait of this rank's set-up and of its collectives is bounded by {@code timeout}.
     */
    public static Listener listen(String bindHost, Duration timeout) {
        if (bindHost == null || bindHost.isBlank()) throw new IllegalArgumentException("RingCollective.listen: bindHost must be a host name or address, got '" + bindHost + "'");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("RingCollective.listen: timeout must be positive, got " + timeout);
        }
        return new Listener(bindHost, timeout);
    }

    @Override public int rank() { return rank; }

    @Override public int worldSize() { return worldSize; }

    /** How long an operation may go without a byte moving before it fails (the set-up had it as its whole budget). */
    public Duration timeout() { return Duration.ofMillis(timeoutMillis); }

    /** The bucket size in bytes ({@link #DEFAULT_BUCKET_BYTES} unless set). */
    public int bucketBytes() { return bucketBytes; }

    /**
     * Sets the bucket size in bytes (at least 64); every rank must use the same, or the next operation fails with a
     * message that says so. Returns this.
     */
    public RingCollective setBucketBytes(int bytes) {
        if (bytes < 64) throw new IllegalArgumentException("RingCollective.setBucketBytes: at least 64 bytes, got " + bytes);
        bucketBytes = bytes;
        return this;
    }

    @Override public void allReduceMean(float[] data) {
        if (data == null) throw new IllegalArgumentException("RingCollective.allReduceMean: data must not be null");
        run(RingStream.Kind.MEAN_F32, RingStream.Payload.of(data, 1f / worldSize), data.length);
    }

    @Override public void allReduceMean(double[] data) {
        if (data == null) throw new IllegalArgumentException("RingCollective.allReduceMean: data must not be null");
        run(RingStream.Kind.MEAN_F64, RingStream.Payload.of(data, 1.0 / worldSize), data.length);
    }

    @Override public void allReduceSum(long[] data) {
        if (data == null) throw new IllegalArgumentException("RingCollective.allReduceSum: data must not be null");
        run(RingStream.Kind.SUM_I64, RingStream.Payload.of(data), data.length);
    }

    @Override public long[] allGather(long value) {
        long[] all = new long[worldSize];
        all[rank] = value;
        run(RingStream.Kind.GATHER_I64, RingStream.Payload.of(all), all.length);
        return all;
    }

    private void run(RingStream.Kind kind, RingStream.Payload payload, int length) {
        if (closed) {
            String why = stream != null && stream.failure() != null ? " after an earlier failure: " + stream.failure() : "";
            throw new IllegalStateException("RingCollective(rank " + rank + " of " + worldSize + "): " + kind.op + " on a closed collective" + why);
        }
        if (stream == null) return;   // one rank: the mean and the sum are the data itself
        try {
            stream.run(kind, payload, length, bucketBytes);
        } catch (CollectiveException e) {
            close();
            throw e;
        }
    }

    /** Closes both connections; idempotent. */
    @Override public void close() {
        if (closed) return;
        closed = true;
        if (stream != null) stream.close();
    }

    @Override public String toString() {
        return "RingCollective(rank=" + rank + ", worldSize=" + worldSize + ", bucketBytes=" + bucketBytes + ", timeout=" + timeout() + ")";
    }

    /**
     * A bound port waiting for the rank before this one: {@link #address()} is what the other ranks need, and
     * {@link #connect} joins the ring once every rank's address is known. Close it if {@code connect} is never called.
     */
    public static final class Listener implements AutoCloseable {
        private final ServerSocketChannel server;
        private final String address;
        private final Duration timeout;
        private boolean used;

        private Listener(String bindHost, Duration timeout) {
            this.timeout = timeout;
            try {
                server = ServerSocketChannel.open();
                server.bind(new InetSocketAddress(bindHost, 0), 64);
                server.configureBlocking(false);
                InetAddress bound = ((InetSocketAddress) server.getLocalAddress()).getAddress();
                String host = bound.isAnyLocalAddress() ? InetAddress.getLocalHost().getHostAddress() : bindHost;
                address = (host.contains(":") ? "[" + host + "]" : host) + ":" + ((InetSocketAddress) server.getLocalAddress()).getPort();
            } catch (IOException e) {
                throw new CollectiveException(-1, "RingCollective.listen: cannot bind a port on '" + bindHost + "': " + e, e);
            }
        }

        /** "host:port" as the other ranks reach this one (the bound host, or this machine's address for a wildcard). */
        public String address() { return address; }

        /** {@link #connect(int, List, String)} with an empty job id. */
        public RingCollective connect(int rank, List<String> addressesByRank) { return connect(rank, addressesByRank, ""); }

        /**
         * Joins the ring as {@code rank} of {@code addressesByRank.size()}: connects to rank+1, accepts rank−1, and
         * both sides check magic, protocol version, ranks, world size and {@code jobId} (a peer of another job or
         * attempt is refused, and this rank keeps waiting for the right one), all within the timeout. One rank needs
         * no socket. Consumes this listener.
         */
        public RingCollective connect(int rank, List<String> addressesByRank, String jobId) {
            if (used) throw new IllegalStateException("RingCollective.Listener.connect: this listener was used already; listen again");
            used = true;
            if (addressesByRank == null || addressesByRank.isEmpty()) {
                close();
                throw new IllegalArgumentException("RingCollective.connect: expected one address per rank, got " + addressesByRank);
            }
            int n = addressesByRank.size();
            if (rank < 0 || rank >= n) {
                close();
                throw new IllegalArgumentException("RingCollective.connect: rank must be 0 to " + (n - 1) + " for " + n + " addresses, got " + rank);
            }
            if (jobId == null) throw new IllegalArgumentException("RingCollective.connect: jobId must not be null (use \"\")");
            long timeoutMillis = Math.max(1, timeout.toMillis());
            if (n == 1) {
                close();
                return new RingCollective(rank, 1, null, timeoutMillis);
            }
            InetSocketAddress nextAddress = parse(addressesByRank.get((rank + 1) % n), (rank + 1) % n);
            RingSetup setup = new RingSetup(rank, n, jobId, server, nextAddress, timeoutMillis);
            try {
                return new RingCollective(rank, n, setup.run(), timeoutMillis);
            } finally {
                close();
            }
        }

        private static InetSocketAddress parse(String address, int rank) {
            int colon = address == null ? -1 : address.lastIndexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("RingCollective.connect: rank " + rank + "'s address must be host:port, got '" + address + "'");
            String host = address.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            int port;
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("RingCollective.connect: rank " + rank + "'s address must be host:port, got '" + address + "'");
            }
            try {
                return new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException e) {
                throw new CollectiveException(rank, "RingCollective.connect: cannot resolve rank " + rank + "'s host '" + host + "'", e);
            }
        }

        /** Releases the port; idempotent. */
        @Override public void close() {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing a listening socket: nothing to recover
            }
        }

        @Override public String toString() { return "RingCollective.Listener(" + address + ")"; }
    }

    /** The socket options of both ring connections: non-blocking, TCP_NODELAY, keep-alive. */
    static void configure(SocketChannel c) throws IOException {
        c.configureBlocking(false);
        c.setOption(StandardSocketOptions.TCP_NODELAY, true);
        c.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
    }
}
