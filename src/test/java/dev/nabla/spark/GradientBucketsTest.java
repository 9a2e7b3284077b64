package dev.nabla.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Parameter;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import dev.nabla.layers.Conv2d;
import dev.nabla.layers.F;
import dev.nabla.layers.Flatten;
import dev.nabla.layers.Linear;
import dev.nabla.layers.MaxPool2d;
import dev.nabla.layers.ReLU;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bucketed gradient averaging that overlaps backward: the same averages as one exchange after it, sent while backward runs. */
class GradientBucketsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    static Module convnet() {
        return new Sequential(new Conv2d(1, 32, 5), new MaxPool2d(3), new ReLU(), new Conv2d(32, 64, 5), new MaxPool2d(2), new ReLU(),
                new Flatten(), new Linear(256, 200), new ReLU(), new Linear(200, 10));
    }

    /** Each rank's model (the same initial values), built on the test thread: Nabla's generator is one for the process. */
    private static List<Module> models(int n, long seed) {
        List<Module> m = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            Nabla.manualSeed(seed);
            m.add(convnet());
        }
        return m;
    }

    private static Tensor[] batch(int rank) {
        Nabla.manualSeed(100 + rank);
        return new Tensor[] {Tensor.randn(6, 1, 28, 28), Tensor.randint(0, 10, 6)};
    }

    private static float[] grads(Module m) {
        FlatParameters flat = new FlatParameters(m.parameters());
        float[] g = new float[flat.numel()];
        flat.copyGradsTo(g);
        return g;
    }

    @Test void theCourseConvnetGetsThreeBucketsInTheOrderBackwardFinishesThem() throws Exception {
        Module m = convnet();
        try (GradientBuckets b = new GradientBuckets(m.parameters(), new Solo(), GradientBuckets.DEFAULT_BUCKET_BYTES, TIMEOUT)) {
            assertThat(b.bucketSizes()).as("the two linear layers, the second convolution, the first").containsExactly(
                    200 * 10 + 10 + 256 * 200 + 200, 64 * 32 * 25 + 64, 32 * 25 + 32);
        }
        try (GradientBuckets b = new GradientBuckets(m.parameters(), new Solo(), 1L << 30, TIMEOUT)) {
            assertThat(b.bucketCount()).as("a bucket larger than the model: one").isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "N = {0}")
    @ValueSource(ints = {2, 3})
    @Timeout(120)
    void bucketsGiveTheAveragesOfOneExchangeAfterBackwardTheSameOnEveryRank(int n) throws Exception {
        List<Module> a = models(n, 7), b = models(n, 7);
        List<Tensor[]> data = new ArrayList<>();
        for (int r = 0; r < n; r++) data.add(batch(r));
        List<float[][]> out = Ring.values(Ring.run(n, TIMEOUT, ring -> {
            int r = ring.rank();
            Tensor[] d = data.get(r);
            try (GradientBuckets buckets = new GradientBuckets(a.get(r).parameters(), ring, 16 << 10, TIMEOUT)) {
                for (int step = 0; step < 2; step++) {   // twice: the buckets start over after finish()
                    for (Parameter p : a.get(r).parameters()) p.setGrad(null);
                    F.crossEntropy(a.get(r).forward(d[0]), d[1]).backward();
                    buckets.finish();
                }
            }
            float[] local = null;
            for (int step = 0; step < 2; step++) {
                for (Parameter p : b.get(r).parameters()) p.setGrad(null);
                F.crossEntropy(b.get(r).forward(d[0]), d[1]).backward();
                local = grads(b.get(r));
                new FlatParameters(b.get(r).parameters()).averageGrads(ring);
            }
            return new float[][] {grads(a.get(r)), grads(b.get(r)), local};
        }));
        for (int r = 0; r < n; r++) {
            assertThat(RingCollectiveTest.bits(out.get(r)[0])).as("rank %d against rank 0", r).isEqualTo(RingCollectiveTest.bits(out.get(0)[0]));
            float[] bucketed = out.get(r)[0], whole = out.get(r)[1];
            if (n == 2) {
                assertThat(RingCollectiveTest.bits(bucketed)).as("two ranks: the same bits as one exchange (a + b either way)").isEqualTo(RingCollectiveTest.bits(whole));
            } else {
                for (int i = 0; i < whole.length; i++) {   // another summation order: within float rounding of the terms' sizes
                    double abs = 0;
                    for (int k = 0; k < n; k++) abs += Math.abs(out.get(k)[2][i]);
                    assertThat((double) bucketed[i]).as("element %d", i).isCloseTo((double) whole[i], org.assertj.core.data.Offset.offset((double) (2 * n * Math.ulp((float) abs))));
                }
            }
        }
    }

    /**
     * The first bucket (the last layers) goes out while backward is still running through the convolutions. Checked
     * without timing: the first layer's weight gets its gradient last, and its hook waits until the first exchange has
     * started; had the bucket been held until backward returned, that hook would wait in vain.
     */
    @Test @Timeout(60) void theFirstBucketIsExchangedBeforeBackwardEnds() throws Exception {
        List<Module> m = models(2, 8);
        List<long[]> out = Ring.values(Ring.run(2, TIMEOUT, ring -> {
            int r = ring.rank();
            Tensor[] d = batch(r);
            List<Long> calls = Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.CountDownLatch firstExchange = new java.util.concurrent.CountDownLatch(1);
            Collective counted = new Delegate(ring) {
                @Override public void allReduceMean(float[] data) {
                    calls.add(System.nanoTime());
                    firstExchange.countDown();
                    super.allReduceMean(data);
                }
            };
            boolean[] started = {false};
            try (GradientBuckets buckets = new GradientBuckets(m.get(r).parameters(), counted, GradientBuckets.DEFAULT_BUCKET_BYTES, TIMEOUT);
                 var last = m.get(r).parameters().get(0).registerPostAccumulateGradHook(t -> {
                     try {
                         started[0] = firstExchange.await(10, java.util.concurrent.TimeUnit.SECONDS);
                     } catch (InterruptedException e) {
                         Thread.currentThread().interrupt();
                     }
                 })) {
                Tensor loss = F.crossEntropy(m.get(r).forward(d[0]), d[1]);
                loss.backward();
                buckets.finish();
                return new long[] {started[0] ? 1 : 0, calls.size()};
            }
        }));
        for (long[] t : out) {
            assertThat(t[1]).as("three buckets, three exchanges").isEqualTo(3);
            assertThat(t[0]).as("the first exchange started while the first layer's gradient was still being computed").isEqualTo(1);
        }
    }

    /** A parameter that gets no gradient (an unused layer) does not stall the others: its bucket goes out at finish(), as zeros. */
    @Test @Timeout(60) void anUnusedParameterDoesNotDeadlock() throws Exception {
        List<Module> used = models(2, 9);
        List<Linear> unused = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            Nabla.manualSeed(1);
            unused.add(new Linear(4, 4));
        }
        List<float[]> out = Ring.values(Ring.run(2, TIMEOUT, ring -> {
            int r = ring.rank();
            List<Parameter> ps = new ArrayList<>(unused.get(r).parameters());
            ps.addAll(used.get(r).parameters());   // the unused layer first: the last bucket, never ready
            Tensor[] d = batch(r);
            try (GradientBuckets buckets = new GradientBuckets(ps, ring, 1 << 10, TIMEOUT)) {
                F.crossEntropy(used.get(r).forward(d[0]), d[1]).backward();
                buckets.finish();
            }
            return unused.get(r).weight().grad().nd().data().asFloat();
        }));
        assertThat(out.get(0)).containsOnly(0f);
    }

    /** A rank that never sends: the other's finish() ends with an error within the timeout, not a hang. */
    @Test @Timeout(60) void aPeerThatNeverSendsEndsFinishWithAnError() throws Exception {
        List<Module> m = models(2, 10);
        Duration shortWait = Duration.ofSeconds(2);
        var outcomes = Ring.run(2, shortWait, ring -> {
            int r = ring.rank();
            if (r == 1) {
                Thread.sleep(6_000);
                return null;
            }
            Tensor[] d = batch(r);
            try (GradientBuckets buckets = new GradientBuckets(m.get(r).parameters(), ring, GradientBuckets.DEFAULT_BUCKET_BYTES, shortWait)) {
                F.crossEntropy(m.get(r).forward(d[0]), d[1]).backward();
                buckets.finish();
            }
            return null;
        });
        assertThat(outcomes.get(0).error()).isInstanceOf(CollectiveException.class);
        assertThat(outcomes.get(0).millis()).as("within the timeouts, long before the peer wakes").isLessThan(5_500);
    }

    @Test void refusesBadArguments() {
        Module m = convnet();
        assertThatThrownBy(() -> new GradientBuckets(List.of(), new Solo(), 1, TIMEOUT)).hasMessageContaining("at least one parameter");
        assertThatThrownBy(() -> new GradientBuckets(m.parameters(), new Solo(), 0, TIMEOUT)).hasMessageContaining("bucketBytes must be >= 1, got 0");
        assertThatThrownBy(() -> new GradientBuckets(m.parameters(), new Solo(), 1, Duration.ZERO)).hasMessageContaining("timeout must be positive");
    }

    /** One rank alone: every mean is the value itself. */
    private static final class Solo implements Collective {
        @Override public int rank() { return 0; }
        @Override public int worldSize() { return 1; }
        @Override public void allReduceMean(float[] data) {}
        @Override public void allReduceMean(double[] data) {}
        @Override public void allReduceSum(long[] data) {}
        @Override public long[] allGather(long value) { return new long[] {value}; }
        @Override public void close() {}
    }

    private static class Delegate implements Collective {
        final Collective c;
        Delegate(Collective c) { this.c = c; }
        @Override public int rank() { return c.rank(); }
        @Override public int worldSize() { return c.worldSize(); }
        @Override public void allReduceMean(float[] data) { c.allReduceMean(data); }
        @Override public void allReduceMean(double[] data) { c.allReduceMean(data); }
        @Override public void allReduceSum(long[] data) { c.allReduceSum(data); }
        @Override public long[] allGather(long value) { return c.allGather(value); }
        @Override public void close() { c.close(); }
    }
}
