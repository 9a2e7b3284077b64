package dev.nabla.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RingCollectiveTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** Rank r's data: reproducible, of mixed sign and magnitude, so that the order of additions shows in float. */
    static float[] floats(int rank, int length) {
        Random rnd = new Random(1000L * rank + length);
        float[] a = new float[length];
        for (int i = 0; i < length; i++) a[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(5) - 2));
        return a;
    }

    private static double[] doubles(int rank, int length) {
        Random rnd = new Random(7000L * rank + length);
        double[] a = new double[length];
        for (int i = 0; i < length; i++) a[i] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 4);
        return a;
    }

    /** Lengths that are not multiples of N nor of the bucket: 0, 1, N−1, and around the 16-float bucket. */
    private static int[] lengths(int n) {
        return new int[] {0, 1, n - 1, n + 1, 15, 17, 16 * n + 3, 1001};
    }

    @ParameterizedTest(name = "N = {0}")
    @ValueSource(ints = {1, 2, 3, 4})
    @Timeout(60)
    void floatMeanIsTheExactMeanWithinFloatRoundingAndTheSameBitsOnEveryRank(int n) throws Exception {
        for (int bucketBytes : new int[] {64, RingCollective.DEFAULT_BUCKET_BYTES}) {
            for (int length : lengths(n)) {
                List<float[]> results = Ring.values(Ring.run(n, TIMEOUT, ring -> {
                    float[] a = floats(ring.rank(), length);
                    ring.setBucketBytes(bucketBytes).allReduceMean(a);
                    return a;
                }));
                float[][] inputs = new float[n][];
                for (int r = 0; r < n; r++) inputs[r] = floats(r, length);
                for (int i = 0; i < length; i++) {
                    double sum = 0, abs = 0;
                    for (int r = 0; r < n; r++) {
                        sum += inputs[r][i];
                        abs += Math.abs(inputs[r][i]);
                    }
                    double tolerance = 2 * n * Math.ulp((float) (abs / n));
                    assertThat((double) results.get(0)[i]).as("N=%d length=%d bucket=%d element %d", n, length, bucketBytes, i)
                            .isCloseTo(sum / n, org.assertj.core.data.Offset.offset(tolerance));
                }
                for (int r = 1; r < n; r++) {
                    assertThat(bits(results.get(r))).as("rank %d against rank 0, length %d", r, length).isEqualTo(bits(results.get(0)));
                }
            }
        }
    }

    @Test
    @Timeout(60)
    void aLargeFloatArrayGoesThroughManyPipelinedBuckets() throws Exception {
        int n = 3, length = 300_007;
        List<float[]> results = Ring.values(Ring.run(n, TIMEOUT, ring -> {
            float[] a = floats(ring.rank(), length);
            ring.setBucketBytes(64 * 1024 + 4).allReduceMean(a);   // 19 buckets of 16,385 floats, the last one short
            return a;
        }));
        float[][] inputs = {floats(0, length), floats(1, length), floats(2, length)};
        for (int i = 0; i < length; i++) {
            double mean = ((double) inputs[0][i] + inputs[1][i] + inputs[2][i]) / 3;
            double abs = (Math.abs(inputs[0][i]) + Math.abs(inputs[1][i]) + Math.abs(inputs[2][i])) / 3;
            if (Math.abs(results.get(0)[i] - mean) > 6 * Math.ulp((float) abs)) {
                throw new AssertionError("element " + i + ": " + results.get(0)[i] + ", expected " + mean);
            }
        }
        assertThat(bits(results.get(1))).isEqualTo(bits(results.get(0)));
        assertThat(bits(results.get(2))).isEqualTo(bits(results.get(0)));
    }

    @ParameterizedTest(name = "N = {0}")
    @ValueSource(ints = {1, 2, 3, 4})
    @Timeout(60)
    void doubleMeanIsTheExactMeanWithinDoubleRoundingAndTheSameBitsOnEveryRank(int n) throws Exception {
        for (int length : lengths(n)) {
            List<double[]> results = Ring.values(Ring.run(n, TIMEOUT, ring -> {
                double[] a = doubles(ring.rank(), length);
                ring.setBucketBytes(128).allReduceMean(a);
                return a;
            }));
            double[][] inputs = new double[n][];
            for (int r = 0; r < n; r++) inputs[r] = doubles(r, length);
            for (int i = 0; i < length; i++) {
                java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
                double abs = 0;
                for (int r = 0; r < n; r++) {
                    sum = sum.add(new java.math.BigDecimal(inputs[r][i]));
                    abs += Math.abs(inputs[r][i]);
                }
                double exact = sum.divide(java.math.BigDecimal.valueOf(n), java.math.MathContext.DECIMAL128).doubleValue();
                assertThat(results.get(0)[i]).isCloseTo(exact, org.assertj.core.data.Offset.offset(2 * n * Math.ulp(abs / n)));
            }
            for (int r = 1; r < n; r++) {
                for (int i = 0; i < length; i++) {
                    assertThat(Double.doubleToRawLongBits(results.get(r)[i])).isEqualTo(Double.doubleToRawLongBits(results.get(0)[i]));
                }
            }
        }
    }

    @ParameterizedTest(name = "N = {0}")
    @ValueSource(ints = {1, 2, 3, 4})
    @Timeout(60)
    void longSumsAreExactAndAllGatherIndexesByRank(int n) throws Exception {
        for (int length : lengths(n)) {
            List<long[]> results = Ring.values(Ring.run(n, TIMEOUT, ring -> {
                long[] a = longs(ring.rank(), length);
                ring.setBucketBytes(64).allReduceSum(a);
                long[] gathered = ring.allGather(1_000_000_007L * (ring.rank() + 1) - (1L << 50));
                long[] both = Arrays.copyOf(a, length + n);
                System.arraycopy(gathered, 0, both, length, n);
                return both;
            }));
            long[] expected = new long[length + n];
            for (int r = 0; r < n; r++) {
                long[] a = longs(r, length);
                for (int i = 0; i < length; i++) expected[i] += a[i];
                expected[length + r] = 1_000_000_007L * (r + 1) - (1L << 50);
            }
            for (int r = 0; r < n; r++) assertThat(results.get(r)).as("rank %d, length %d", r, length).isEqualTo(expected);
        }
    }

    private static long[] longs(int rank, int length) {
        Random rnd = new Random(31L * rank + length);
        long[] a = new long[length];
        for (int i = 0; i < length; i++) a[i] = rnd.nextLong() >> 4;   // sums of four stay in range
        return a;
    }

    @Test
    @Timeout(30)
    void aPeerThatClosesItsSocketMidOperationIsNamedOnTheOthersWithinTheTimeout() throws Exception {
        Duration timeout = Duration.ofSeconds(5);
        List<Ring.Outcome<float[]>> outcomes = Ring.run(3, timeout, ring -> {
            float[] a = floats(ring.rank(), 1_000_000);
            if (ring.rank() == 1) {   // the others are already sending their first buckets
                Thread.sleep(300);
                ring.close();
                return a;
            }
            ring.allReduceMean(a);
            return a;
        });
        for (int r : new int[] {0, 2}) {
            Ring.Outcome<float[]> o = outcomes.get(r);
            assertThat(o.error()).as("rank %d", r).isInstanceOf(CollectiveException.class);
            assertThat(o.millis()).as("rank %d's wait", r).isLessThan(timeout.toMillis() + 300 + 2000);
        }
        // rank 2 receives from rank 1: it sees the close itself
        assertThat(((CollectiveException) outcomes.get(2).error()).peerRank()).isEqualTo(1);
        assertThat(outcomes.get(2).error()).hasMessageContaining("rank 2 of 3").hasMessageContaining("allReduceMean(float[])")
                .hasMessageContaining("rank 1").hasMessageContaining(" ms");
    }

    @Test
    @Timeout(30)
    void aPeerThatStopsAnsweringEndsTheOperationWithinTheTimeoutNamingIt() throws Exception {
        Duration timeout = Duration.ofSeconds(2);
        List<Ring.Outcome<double[]>> outcomes = Ring.run(3, timeout, ring -> {
            double[] a = doubles(ring.rank(), 100_000);
            if (ring.rank() == 1) {
                Thread.sleep(6000);   // connected, then silent: not closed, not answering
                return a;
            }
            ring.allReduceMean(a);
            return a;
        });
        Ring.Outcome<double[]> successor = outcomes.get(2);
        assertThat(successor.error()).isInstanceOf(CollectiveException.class)
                .hasMessageContaining("received nothing from rank 1").hasMessageContaining("timeout 2000 ms")
                .hasMessageContaining("allReduceMean(double[])");
        assertThat(((CollectiveException) successor.error()).peerRank()).isEqualTo(1);
        assertThat(successor.millis()).isBetween(1900L, 5000L);
        assertThat(outcomes.get(0).error()).isInstanceOf(CollectiveException.class);
        assertThat(outcomes.get(0).millis()).isLessThan(5500L);
    }

    @Test
    @Timeout(30)
    void aPeerOfAnotherAttemptIsRefusedNamingBothIds() throws Exception {
        List<Ring.Outcome<Integer>> outcomes = Ring.run(List.of("job-9/attempt-1", "job-9/attempt-2"), Duration.ofSeconds(3), ring -> ring.rank());
        int refused = 0;
        for (int r = 0; r < 2; r++) {
            Throwable e = outcomes.get(r).error();
            assertThat(e).as("rank %d", r).isInstanceOf(CollectiveException.class).hasMessageContaining("rank " + (1 - r) + " at");
            assertThat(((CollectiveException) e).peerRank()).isEqualTo(1 - r);
            // the first to read its refusal fails and closes, which may reset the other's connection before its refusal arrives
            if (e.getMessage().contains("refused this rank")) {
                assertThat(e).hasMessageContaining("job-9/attempt-1").hasMessageContaining("job-9/attempt-2");
                refused++;
            } else {   // reset mid-handshake, or closed before the answer came: both name the peer and say where it broke
                assertThat(e.getMessage()).containsAnyOf("failed during the handshake", "closed the connection before answering the handshake");
            }
        }
        assertThat(refused).as("ranks told why they were refused").isGreaterThanOrEqualTo(1);
    }

    @Test
    @Timeout(30)
    void aStalePeerAndAStrangerAreRefusedWhileTheRightPeerIsAccepted() throws Exception {
        Duration timeout = Duration.ofSeconds(10);
        RingCollective.Listener l0 = RingCollective.listen("127.0.0.1", timeout), l1 = RingCollective.listen("127.0.0.1", timeout);
        RingCollective.Listener stale = RingCollective.listen("127.0.0.1", timeout);
        List<String> addresses = List.of(l0.address(), l1.address());
        // a stranger writes garbage to rank 1's port, and rank 0 of an earlier attempt connects to it too
        try (SocketChannel stranger = SocketChannel.open(parse(l1.address()))) {
            stranger.write(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            CompletableFuture<Throwable> old = CompletableFuture.supplyAsync(() -> {
                try {
                    stale.connect(0, List.of(stale.address(), l1.address()), "attempt-0").close();
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            });
            Thread.sleep(200);
            List<Ring.Outcome<float[]>> outcomes = connectPair(l0, l1, addresses);
            assertThat(old.get(15, TimeUnit.SECONDS)).isInstanceOf(CollectiveException.class)
                    .hasMessageContaining("rank 1 at").hasMessageContaining("refused this rank")
                    .hasMessageContaining("'attempt-0', expected 'attempt-1'");
            float[] expected = floats(0, 10);
            for (int i = 0; i < 10; i++) expected[i] = (expected[i] + floats(1, 10)[i]) * 0.5f;
            assertThat(outcomes.get(0).value()).containsExactly(expected);
            assertThat(outcomes.get(1).value()).containsExactly(expected);
        }
    }

    private static List<Ring.Outcome<float[]>> connectPair(RingCollective.Listener l0, RingCollective.Listener l1, List<String> addresses)
            throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<float[]>> f = List.of(
                    pool.submit(() -> reduce(l0.connect(0, addresses, "attempt-1"))),
                    pool.submit(() -> reduce(l1.connect(1, addresses, "attempt-1"))));
            return List.of(new Ring.Outcome<>(f.get(0).get(20, TimeUnit.SECONDS), null, 0),
                    new Ring.Outcome<>(f.get(1).get(20, TimeUnit.SECONDS), null, 0));
        } finally {
            pool.shutdownNow();
        }
    }

    private static float[] reduce(RingCollective ring) {
        try (ring) {
            float[] a = floats(ring.rank(), 10);
            ring.allReduceMean(a);
            return a;
        }
    }

    @Test
    @Timeout(60)
    void aPeerThatSendsAWrongMagicOrAWrongLengthIsNamed() throws Exception {
        ByteBuffer badMagic = ByteBuffer.allocate(RingStream.HEADER).order(ByteOrder.LITTLE_ENDIAN);
        badMagic.putInt(0xDEADBEEF).putInt(1).putLong(1).putLong(100).putInt(0).putInt(200).flip();
        assertThat(misbehavingPeer(badMagic)).isInstanceOf(CollectiveException.class)
                .hasMessageContaining("rank 0 of 2").hasMessageContaining("rank 1 sent 0xDEADBEEF where a message starts, expected 0x52494E47");
        ByteBuffer badLength = ByteBuffer.allocate(RingStream.HEADER).order(ByteOrder.LITTLE_ENDIAN);
        badLength.putInt(RingStream.MAGIC).putInt(1).putLong(1).putLong(100).putInt(0).putInt(999).flip();
        Throwable e = misbehavingPeer(badLength);
        assertThat(e).isInstanceOf(CollectiveException.class).hasMessageContaining("rank 1 sent message #0 of 999 bytes, expected #0 of 200 bytes");
        assertThat(((CollectiveException) e).peerRank()).isEqualTo(1);
    }

    /** Rank 0 (real) reduces float[100] with a fake rank 1 that shakes hands properly, then sends {@code header}. */
    private static Throwable misbehavingPeer(ByteBuffer header) throws Exception {
        RingCollective.Listener l0 = RingCollective.listen("127.0.0.1", Duration.ofSeconds(10));
        try (ServerSocketChannel fake = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            String fakeAddress = "127.0.0.1:" + ((InetSocketAddress) fake.getLocalAddress()).getPort();
            CompletableFuture<Throwable> rank0 = CompletableFuture.supplyAsync(() -> {
                try (RingCollective ring = l0.connect(0, List.of(l0.address(), fakeAddress), "j")) {
                    ring.allReduceMean(new float[100]);
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            });
            try (SocketChannel toRank0 = SocketChannel.open(parse(l0.address())); SocketChannel fromRank0 = fake.accept()) {
                toRank0.write(Handshake.hello(1, 2, "j"));
                readFully(fromRank0, Handshake.PREFIX + 1);   // rank 0's hello with job id "j"
                fromRank0.write(Handshake.answer(1, Handshake.ACCEPTED, ""));
                ByteBuffer answer = readFully(toRank0, Handshake.PREFIX);
                assertThat(answer.getInt(8 + 4 + 4)).as("rank 0's answer status").isEqualTo(Handshake.ACCEPTED);
                toRank0.write(header);
                return rank0.get(20, TimeUnit.SECONDS);
            }
        }
    }

    private static ByteBuffer readFully(SocketChannel c, int bytes) throws java.io.IOException {
        ByteBuffer b = ByteBuffer.allocate(bytes);
        while (b.hasRemaining()) {
            if (c.read(b) < 0) throw new java.io.EOFException("closed after " + b.position() + " of " + bytes + " bytes");
        }
        return b.flip();
    }

    @Test
    @Timeout(30)
    void theSetUpEndsWithinTheTimeoutNamingAPeerThatNeverJoins() {
        Duration timeout = Duration.ofSeconds(1);
        // rank 1 listens (so the TCP connection succeeds) but never joins: no answer, no connection back
        try (RingCollective.Listener silent = RingCollective.listen("127.0.0.1", timeout)) {
            RingCollective.Listener l0 = RingCollective.listen("127.0.0.1", timeout);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> l0.connect(0, List.of(l0.address(), silent.address()), "j"))
                    .isInstanceOf(CollectiveException.class)
                    .hasMessageContaining("rank 1 at").hasMessageContaining("did not answer the handshake")
                    .hasMessageContaining("no connection from rank 1 passed the handshake").hasMessageContaining("(timeout 1000 ms)")
                    .satisfies(e -> assertThat(((CollectiveException) e).peerRank()).isEqualTo(1));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(900L, 4000L);
        }
        // rank 1's port is closed: connecting is retried until the deadline, then named
        RingCollective.Listener gone = RingCollective.listen("127.0.0.1", timeout);
        String goneAddress = gone.address();
        gone.close();
        RingCollective.Listener l0 = RingCollective.listen("127.0.0.1", timeout);
        assertThatThrownBy(() -> l0.connect(0, List.of(l0.address(), goneAddress), "j"))
                .isInstanceOf(CollectiveException.class).hasMessageContaining("could not connect to rank 1 at");
    }

    @Test
    @Timeout(30)
    void ranksThatDisagreeOnTheLengthFailWithAMessageThatSaysSo() throws Exception {
        List<Ring.Outcome<float[]>> outcomes = Ring.run(2, TIMEOUT, ring -> {
            float[] a = new float[ring.rank() == 0 ? 100 : 101];
            ring.allReduceMean(a);
            return a;
        });
        assertThat(outcomes.get(0).error()).isInstanceOf(CollectiveException.class)
                .hasMessageContaining("rank 1 passed 101 elements, this rank 100");
        assertThat(outcomes.get(1).error()).isInstanceOf(CollectiveException.class)
                .hasMessageContaining("rank 0 passed 100 elements, this rank 101");
    }

    @Test
    @Timeout(30)
    void closeIsIdempotentAndAClosedCollectiveSaysSo() throws Exception {
        List<Ring.Outcome<String>> outcomes = Ring.run(2, TIMEOUT, ring -> {
            ring.allReduceMean(new float[3]);
            ring.close();
            ring.close();
            try {
                ring.allReduceMean(new float[3]);
                return "no error";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        });
        assertThat(Ring.values(outcomes)).allSatisfy(m -> assertThat(m).contains("closed collective"));
        RingCollective one = RingCollective.listen("127.0.0.1", TIMEOUT).connect(0, List.of("127.0.0.1:1"));
        float[] a = {1, 2, 3};
        one.allReduceMean(a);
        assertThat(a).containsExactly(1, 2, 3);
        assertThat(one.allGather(5)).containsExactly(5);
        one.close();
        one.close();
    }

    @Test
    @Timeout(60)
    void twoRanksInTwoProcessesAgreeOnTheMean() throws Exception {
        RingCollective.Listener l = RingCollective.listen("127.0.0.1", TIMEOUT);
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), RingPeerProcess.class.getName(), l.address())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();   // stdout carries only the child's two lines
        try (BufferedReader fromChild = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
             OutputStream toChild = child.getOutputStream()) {
            String childAddress = fromChild.readLine();
            assertThat(childAddress).as("the child's first line").startsWith("127.0.0.1:");
            float[] a = floats(0, RingPeerProcess.LENGTH);
            try (RingCollective ring = l.connect(0, List.of(l.address(), childAddress), "two-jvms")) {
                ring.allReduceMean(a);
                assertThat(ring.allGather(ProcessHandle.current().pid())).containsExactly(ProcessHandle.current().pid(), child.pid());
            }
            String childLine = fromChild.readLine();
            assertThat(childLine).isEqualTo("bits " + Arrays.hashCode(bits(a)));
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isZero();
            float[] b = floats(1, RingPeerProcess.LENGTH), c = floats(0, RingPeerProcess.LENGTH);
            for (int i = 0; i < a.length; i += 997) assertThat(a[i]).isEqualTo((c[i] + b[i]) * 0.5f);
        } finally {
            child.destroyForcibly();
        }
    }

    static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Float.floatToRawIntBits(a[i]);
        return b;
    }

    private static InetSocketAddress parse(String address) {
        int colon = address.lastIndexOf(':');
        return new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
    }
}
