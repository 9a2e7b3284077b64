package dev.nabla.bench;

import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;
import dev.nabla.layers.F;
import dev.nabla.spark.FlatParameters;
import dev.nabla.spark.GradientBuckets;
import dev.nabla.spark.RingCollective;
import dev.nabla.training.SGD;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The gradient exchange overlapped with backward (issue 20): the timeline of one training step — forward, backward,
 * and when each of {@link GradientBuckets}'s buckets becomes ready during backward — for the course convnet (batch
 * 50) and ResNet-20 (batch 64), then the ring model with and without overlap at 10 Gbit/s and α = 50 µs, then both
 * trainers' steps measured on loopback at N = 2 (two ranks as threads of this JVM, rounds alternating). Run with
 *
 * <pre>
 * mvn -o -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.bench.OverlapBench -Dexec.args="5 20"
 * </pre>
 *
 * Arguments: rounds (default 5), steps a round (default 20). Model with overlap: bucket k (S_k bytes, ready r_k after
 * backward starts) costs c_k = 2(N−1)/N·S_k/BW + 2(N−1)·α on one communication thread, starts at max(r_k, end of
 * bucket k−1), and the step waits max(0, end of the last − T_backward) after backward; without overlap it waits for
 * one exchange of all S bytes, 2(N−1)/N·S/BW + 2(N−1)·α. Efficiency = T_compute / (T_compute + wait).
 */
public final class OverlapBench {
    private OverlapBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0]) : 5;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        System.out.printf(Locale.ROOT, "OverlapBench, %d rounds of %d steps, %d threads; load %s%n", rounds, steps, Nabla.numThreads(), load());
        for (int b : new int[] {RingBench.CONVNET_BATCH, 100}) model("course convnet", RingBench.convnet(), b, 1, 28, rounds, steps);
        model("ResNet-20", Workloads.resnet20(0), RingBench.RESNET_BATCH, 3, 32, rounds, Math.max(3, steps / 5));
        loopback(rounds, steps);
        System.out.printf(Locale.ROOT, "load at the end %s%n", load());
    }

    /** The timeline of a step and the model's predictions for {@code m} at {@code batch} per rank. */
    static void model(String name, Module m, int batch, int channels, int size, int rounds, int steps) {
        List<Parameter> ps = m.parameters();
        List<List<Integer>> layout = GradientBuckets.layout(ps, GradientBuckets.DEFAULT_BUCKET_BYTES);
        long[] hookAt = new long[ps.size()];
        for (int i = 0; i < ps.size(); i++) {
            int k = i;
            ps.get(i).registerPostAccumulateGradHook(t -> hookAt[k] = System.nanoTime());
        }
        SGD sgd = new SGD(ps, 0.01);
        Nabla.manualSeed(1);
        Tensor x = Tensor.randn(batch, channels, size, size), y = Tensor.randint(0, 10, batch);
        int nb = layout.size();
        List<double[]> fwd = new ArrayList<>(), bwd = new ArrayList<>(), opt = new ArrayList<>(), ready = new ArrayList<>();
        for (int round = -1; round < rounds; round++) {
            for (int s = 0; s < steps; s++) {
                long t0 = System.nanoTime();
                Tensor loss = F.crossEntropy(m.forward(x), y);
                long t1 = System.nanoTime();
                sgd.zeroGrad();
                loss.backward();
                long t2 = System.nanoTime();
                sgd.step();
                long t3 = System.nanoTime();
                if (round < 0) continue;
                fwd.add(new double[] {(t1 - t0) / 1e9});
                bwd.add(new double[] {(t2 - t1) / 1e9});
                opt.add(new double[] {(t3 - t2) / 1e9});
                double[] r = new double[nb];
                for (int k = 0; k < nb; k++) {
                    long last = 0;
                    for (int i : layout.get(k)) last = Math.max(last, hookAt[i]);
                    r[k] = (last - t1) / 1e9;
                }
                ready.add(r);
            }
        }
        double tf = median(fwd, 0), tb = median(bwd, 0), to = median(opt, 0), tc = tf + tb + to;
        double[] readyAt = new double[nb], bytes = new double[nb];
        for (int k = 0; k < nb; k++) {
            readyAt[k] = median(ready, k);
            for (int i : layout.get(k)) bytes[k] += ps.get(i).numel() * 4.0;
        }
        double total = Arrays.stream(bytes).sum();
        System.out.printf(Locale.ROOT, "%n%s, batch %d per rank: forward + loss %s, backward %s, optimizer %s (T_compute %s); %d buckets%n", name, batch,
                RingBench.time(tf), RingBench.time(tb), RingBench.time(to), RingBench.time(tc), nb);
        System.out.println("| bucket | floats | ready after backward starts | share of backward |");
        System.out.println("| ---: | ---: | ---: | ---: |");
        for (int k = 0; k < nb; k++) {
            System.out.printf(Locale.ROOT, "| %d | %,d | %s | %.2f |%n", k, (long) (bytes[k] / 4), RingBench.time(readyAt[k]), readyAt[k] / tb);
        }
        System.out.printf(Locale.ROOT, "%nmodel at %.0f Gbit/s, α = %.0f µs:%n", RingBench.NET_BW * 8 / 1e9, RingBench.NET_ALPHA * 1e6);
        System.out.println("| N | one exchange after backward | efficiency | overlapped: wait after backward | efficiency | samples/s (overlapped) |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int n : RingBench.WORLD) {
            double whole = cost(n, total), end = 0;
            for (int k = 0; k < nb; k++) end = Math.max(readyAt[k], end) + cost(n, bytes[k]);
            double wait = Math.max(0, end - tb);
            System.out.printf(Locale.ROOT, "| %d | %s | %.3f | %s | %.3f | %,.0f |%n", n, RingBench.time(whole), tc / (tc + whole), RingBench.time(wait),
                    tc / (tc + wait), n * batch / (tc + wait));
        }
    }

    static double cost(int n, double bytes) {
        return 2.0 * (n - 1) / n * bytes / RingBench.NET_BW + 2.0 * (n - 1) * RingBench.NET_ALPHA;
    }

    /** The convnet at batch 50 on two ranks (threads, loopback), rounds alternating overlapped and one exchange. */
    static void loopback(int rounds, int steps) throws Exception {
        RingCollective.Listener l0 = RingCollective.listen("127.0.0.1", Duration.ofSeconds(60));
        RingCollective.Listener l1 = RingCollective.listen("127.0.0.1", Duration.ofSeconds(60));
        List<String> addresses = List.of(l0.address(), l1.address());
        List<Module> models = new ArrayList<>();
        for (int r = 0; r < 2; r++) models.add(RingBench.convnet());
        CyclicBarrier barrier = new CyclicBarrier(2);
        double[][][] out = new double[2][2][rounds];   // [mode][step, wait][round] of rank 0
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> ranks = new ArrayList<>();
        for (int rank = 0; rank < 2; rank++) {
            int r = rank;
            RingCollective.Listener l = r == 0 ? l0 : l1;
            ranks.add(pool.submit(() -> {
                Module m = models.get(r);
                SGD sgd = new SGD(m.parameters(), 0.01);
                Tensor x, y;
                synchronized (OverlapBench.class) {
                    Nabla.manualSeed(10 + r);
                    x = Tensor.randn(RingBench.CONVNET_BATCH, 1, 28, 28);
                    y = Tensor.randint(0, 10, RingBench.CONVNET_BATCH);
                }
                try (RingCollective ring = l.connect(r, addresses, "overlap-bench")) {
                    FlatParameters flat = new FlatParameters(m.parameters());
                    for (int round = -1; round < rounds; round++) {
                        for (int mode = 0; mode < 2; mode++) {
                            double[] step = new double[steps], wait = new double[steps];
                            barrier.await();
                            GradientBuckets buckets = mode == 0 ? new GradientBuckets(m.parameters(), ring, GradientBuckets.DEFAULT_BUCKET_BYTES, Duration.ofSeconds(60)) : null;
                            for (int s = 0; s < steps; s++) {
                                long t0 = System.nanoTime();
                                Tensor loss = F.crossEntropy(m.forward(x), y);
                                sgd.zeroGrad();
                                loss.backward();
                                long t1 = System.nanoTime();
                                if (buckets != null) buckets.finish();
                                else flat.averageGrads(ring);
                                long t2 = System.nanoTime();
                                sgd.step();
                                step[s] = (System.nanoTime() - t0) / 1e9;
                                wait[s] = (t2 - t1) / 1e9;
                            }
                            if (buckets != null) buckets.close();
                            if (r == 0 && round >= 0) {
                                Arrays.sort(step);
                                Arrays.sort(wait);
                                out[mode][0][round] = step[steps / 2];
                                out[mode][1][round] = wait[steps / 2];
                            }
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : ranks) f.get();
        pool.shutdown();
        System.out.printf(Locale.ROOT, "%nloopback, N = 2 (two threads of this JVM sharing the cores), course convnet at batch %d, medians of %d rounds:%n",
                RingBench.CONVNET_BATCH, rounds);
        System.out.println("| mode | step | wait after backward |");
        System.out.println("| --- | ---: | ---: |");
        String[] names = {"overlapped buckets (GradientBuckets)", "one exchange after backward (FlatParameters.averageGrads)"};
        for (int mode = 0; mode < 2; mode++) {
            double[] s = out[mode][0].clone(), w = out[mode][1].clone();
            Arrays.sort(s);
            Arrays.sort(w);
            System.out.printf(Locale.ROOT, "| %s | %s | %s |%n", names[mode], RingBench.time(s[rounds / 2]), RingBench.time(w[rounds / 2]));
        }
    }

    private static double median(List<double[]> rows, int k) {
        double[] v = new double[rows.size()];
        for (int i = 0; i < v.length; i++) v[i] = rows.get(i)[k];
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
