package dev.nabla.bench;

import dev.nabla.api.DType;
import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.Idx;
import dev.nabla.layers.Conv2d;
import dev.nabla.layers.F;
import dev.nabla.layers.Flatten;
import dev.nabla.layers.Linear;
import dev.nabla.layers.MaxPool2d;
import dev.nabla.layers.ReLU;
import dev.nabla.spark.FlatParameters;
import dev.nabla.spark.RingCollective;
import dev.nabla.training.SGD;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The inputs of the ring's scaling model T(N) = T_compute + 2(N−1)/N · S/BW + 2(N−1)·α: the all-reduce time of two
 * ranks over loopback for a sweep of sizes (fitting α and BW), and the training step of the course convnet and of
 * ResNet-20 at their per-rank batch, then the model's predictions for a data-centre network.
 *
 * <pre>
 * mvn -o -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.bench.RingBench -Dexec.args="all 5"
 * </pre>
 * Arguments: {@code comm}, {@code compute}, {@code all}, {@code procs} (the sweep with rank 1 in a second JVM),
 * {@code buckets} (the bucket-size sweep) or {@code worlds} (the model checked at N = 3 and 4); the number of
 * interleaved rounds (5).
 */
public final class RingBench {
    private RingBench() {}

    /** The data-centre network of the prediction: 10 Gbit/s and 50 µs per message. */
    static final double NET_BW = 10e9 / 8, NET_ALPHA = 50e-6;
    static final int CONVNET_BATCH = 50, RESNET_BATCH = 64;
    static final int[] WORLD = {2, 4, 8, 16, 32, 64}, EVERY = {1, 8, 32};

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "all";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        if (what.equals("child")) {
            child(args);
            return;
        }
        System.out.printf("RingBench %s, %d rounds; %s%n", what, rounds, load());
        int convnetParams = (int) count(convnet()), resnetParams = (int) count(Workloads.resnet20(0));
        System.out.printf("parameters: course convnet %,d (%.3f MB float32), ResNet-20 %,d (%.3f MB)%n", convnetParams, convnetParams * 4 / 1e6,
                resnetParams, resnetParams * 4 / 1e6);
        if (what.equals("buckets")) {
            buckets(rounds);
            return;
        }
        if (what.equals("procs")) {
            processes(rounds, convnetParams, resnetParams);
            return;
        }
        if (what.equals("worlds")) {
            worlds(rounds, new int[] {1, 16_384, convnetParams, resnetParams, 1_048_576});
            return;
        }
        double[] fit = null;
        if (!what.equals("compute")) fit = comm(rounds, convnetParams, resnetParams);
        if (!what.equals("comm")) {
            double[] c = compute(rounds);
            System.out.printf("%s%n", load());
            // the wall time under this machine's load, and the process CPU time over its 2 cores: what the step would
            // take on this machine alone with both cores busy (smaller, so the less flattering T_compute)
            int cores = Runtime.getRuntime().availableProcessors();
            predict("course convnet, T_compute = wall time under load", convnetParams, CONVNET_BATCH, c[0], c[1], fit);
            predict("course convnet, T_compute = CPU time / " + cores + " cores", convnetParams, CONVNET_BATCH, c[4] / cores, c[1], fit);
            predict("ResNet-20, T_compute = wall time under load", resnetParams, RESNET_BATCH, c[2], c[3], fit);
            predict("ResNet-20, T_compute = CPU time / " + cores + " cores", resnetParams, RESNET_BATCH, c[5] / cores, c[3], fit);
        }
    }

    /** Medians of all-reduce time per size at N = 2 on loopback, interleaved round by round; returns {α, BW}. */
    static double[] comm(int rounds, int convnetParams, int resnetParams) throws Exception {
        int[] sizes = sweepSizes(convnetParams, resnetParams);
        double[][] perOp = new double[sizes.length][rounds];
        RingCollective.Listener l0 = RingCollective.listen("127.0.0.1", Duration.ofSeconds(60));
        RingCollective.Listener l1 = RingCollective.listen("127.0.0.1", Duration.ofSeconds(60));
        List<String> addresses = List.of(l0.address(), l1.address());
        CyclicBarrier barrier = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> ranks = new ArrayList<>();
        for (int rank = 0; rank < 2; rank++) {
            RingCollective.Listener l = rank == 0 ? l0 : l1;
            int r = rank;
            ranks.add(pool.submit(() -> {
                try (RingCollective ring = l.connect(r, addresses, "ring-bench")) {
                    float[][] data = new float[sizes.length][];
                    for (int s = 0; s < sizes.length; s++) {
                        data[s] = new float[sizes[s]];
                        Arrays.fill(data[s], r + 1);
                    }
                    for (int round = -1; round < rounds; round++) {   // round −1 warms up
                        for (int j = 0; j < sizes.length; j++) {
                            int s = Math.floorMod(j + round, sizes.length);   // a different order each round
                            int iterations = (int) Math.max(5, Math.min(2000, 8_000_000L / Math.max(sizes[s], 4000)));
                            barrier.await();
                            long t0 = System.nanoTime();
                            for (int i = 0; i < iterations; i++) ring.allReduceMean(data[s]);
                            long t1 = System.nanoTime();
                            if (r == 0 && round >= 0) perOp[s][round] = (t1 - t0) / 1e9 / iterations;
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : ranks) f.get();
        pool.shutdown();
        return report("two threads of one JVM", sizes, perOp, rounds);
    }

    /** The sizes of the sweep: from one float to 16 MB, with the two models' parameter counts. */
    static int[] sweepSizes(int convnetParams, int resnetParams) {
        return new int[] {1, 256, 4096, 16_384, 65_536, convnetParams, resnetParams, 524_288, 1_048_576, 4_194_304};
    }

    /**
     * The same sweep with rank 1 in a second JVM started here (as gloo's two processes): {@code child} mode is that
     * rank. Each cell starts after a one-float all-reduce, which lines the two processes up.
     */
    static double[] processes(int rounds, int convnetParams, int resnetParams) throws Exception {
        int[] sizes = sweepSizes(convnetParams, resnetParams);
        RingCollective.Listener l0 = RingCollective.listen("127.0.0.1", Duration.ofSeconds(60));
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(javaBin, "-Xmx2g", "-cp", System.getProperty("java.class.path"), RingBench.class.getName(), "child",
                String.valueOf(rounds), l0.address(), String.valueOf(convnetParams), String.valueOf(resnetParams))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            String childAddress = in.readLine();
            double[][] perOp = new double[sizes.length][rounds];
            try (RingCollective ring = l0.connect(0, List.of(l0.address(), childAddress), "ring-bench-procs")) {
                sweep(ring, sizes, rounds, perOp);
            }
            if (!child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) throw new IllegalStateException("RingBench: the child JVM did not exit");
            return report("two JVM processes", sizes, perOp, rounds);
        } finally {
            child.destroyForcibly();
        }
    }

    /** Rank 1 of {@link #processes}: args are child, rounds, rank 0's address, the two parameter counts. */
    static void child(String[] args) {
        int rounds = Integer.parseInt(args[1]);
        int[] sizes = sweepSizes(Integer.parseInt(args[3]), Integer.parseInt(args[4]));
        RingCollective.Listener l = RingCollective.listen("127.0.0.1", Duration.ofSeconds(60));
        System.out.println(l.address());
        System.out.flush();
        try (RingCollective ring = l.connect(1, List.of(args[2], l.address()), "ring-bench-procs")) {
            sweep(ring, sizes, rounds, null);
        }
    }

    /** One rank's part of the sweep; rank 0 records the time per operation of each cell into {@code perOp}. */
    static void sweep(RingCollective ring, int[] sizes, int rounds, double[][] perOp) {
        float[][] data = new float[sizes.length][];
        for (int s = 0; s < sizes.length; s++) {
            data[s] = new float[sizes[s]];
            Arrays.fill(data[s], ring.rank() + 1);
        }
        float[] sync = new float[1];
        for (int round = -1; round < rounds; round++) {   // round −1 warms up
            for (int j = 0; j < sizes.length; j++) {
                int s = Math.floorMod(j + round, sizes.length);
                int iterations = (int) Math.max(5, Math.min(2000, 8_000_000L / Math.max(sizes[s], 4000)));
                ring.allReduceMean(sync);
                long t0 = System.nanoTime();
                for (int i = 0; i < iterations; i++) ring.allReduceMean(data[s]);
                if (perOp != null && round >= 0) perOp[s][round] = (System.nanoTime() - t0) / 1e9 / iterations;
            }
        }
    }

    /** Prints the sweep's table and the α/BW fit; returns {α, BW}. */
    static double[] report(String how, int[] sizes, double[][] perOp, int rounds) {
        System.out.printf("%nall-reduce (mean, float32) at N = 2 over loopback (%s), per operation; median of %d interleaved rounds [min, max]:%n",
                how, rounds);
        System.out.println("| floats | MB | median | min | max | effective GB/s (S / T) |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: |");
        double[] medians = new double[sizes.length];
        for (int s = 0; s < sizes.length; s++) {
            double[] t = perOp[s].clone();
            Arrays.sort(t);
            medians[s] = t[t.length / 2];
            System.out.printf("| %,d | %.3f | %s | %s | %s | %.2f |%n", sizes[s], sizes[s] * 4 / 1e6, time(medians[s]), time(t[0]),
                    time(t[t.length - 1]), sizes[s] * 4 / medians[s] / 1e9);
        }
        // T = 2(N−1)·α + 2(N−1)/N · S/BW with N = 2: T = 2α + S/BW
        double[] ab = fit(sizes, medians);
        double alpha = ab[0], bw = ab[1];
        System.out.printf("fit T = 2α + S/BW: α = %s, BW = %.2f GB/s%n", time(alpha), bw / 1e9);
        System.out.println("| floats | measured | fit | fit / measured |");
        System.out.println("| ---: | ---: | ---: | ---: |");
        for (int s = 0; s < sizes.length; s++) {
            double f = 2 * alpha + sizes[s] * 4.0 / bw;
            System.out.printf("| %,d | %s | %s | %.2f |%n", sizes[s], time(medians[s]), time(f), f / medians[s]);
        }
        System.out.printf("%s%n", load());
        return new double[] {alpha, bw};
    }

    /**
     * The model's form checked on loopback: α and BW fitted at N = 2, then T(N) = 2(N−1)/N · S/BW + 2(N−1)·α predicted
     * for N = 3 and 4 and compared with their measurement; the three rings stay open and take turns each round.
     */
    static void worlds(int rounds, int[] sizes) throws Exception {
        int[] worlds = {2, 3, 4};
        List<List<RingCollective>> rings = new ArrayList<>();
        for (int n : worlds) {
            List<RingCollective.Listener> ls = new ArrayList<>();
            List<String> addresses = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                ls.add(RingCollective.listen("127.0.0.1", Duration.ofSeconds(60)));
                addresses.add(ls.get(r).address());
            }
            ExecutorService pool = Executors.newFixedThreadPool(n);
            List<Future<RingCollective>> f = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                f.add(pool.submit(() -> ls.get(rank).connect(rank, addresses, "ring-bench-" + n)));
            }
            List<RingCollective> ring = new ArrayList<>();
            for (Future<RingCollective> x : f) ring.add(x.get());
            pool.shutdown();
            rings.add(ring);
        }
        double[][][] perOp = new double[worlds.length][sizes.length][rounds];
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int round = -1; round < rounds; round++) {
            for (int w = 0; w < worlds.length; w++) {
                int n = worlds[w], fr = round, fw = w;
                CyclicBarrier barrier = new CyclicBarrier(n);
                List<Future<?>> f = new ArrayList<>();
                for (int r = 0; r < n; r++) {
                    RingCollective ring = rings.get(w).get(r);
                    f.add(pool.submit(() -> {
                        for (int j = 0; j < sizes.length; j++) {
                            int s = Math.floorMod(j + fr, sizes.length);
                            float[] data = new float[sizes[s]];
                            Arrays.fill(data, ring.rank());
                            int iterations = (int) Math.max(5, Math.min(1000, 4_000_000L / Math.max(sizes[s], 4000)));
                            barrier.await();
                            long t0 = System.nanoTime();
                            for (int i = 0; i < iterations; i++) ring.allReduceMean(data);
                            if (ring.rank() == 0 && fr >= 0) perOp[fw][s][fr] = (System.nanoTime() - t0) / 1e9 / iterations;
                        }
                        return null;
                    }));
                }
                for (Future<?> x : f) x.get();
            }
        }
        pool.shutdown();
        for (List<RingCollective> ring : rings) for (RingCollective c : ring) c.close();
        double[] m2 = new double[sizes.length];
        for (int s = 0; s < sizes.length; s++) m2[s] = median(perOp[0][s]);
        double[] fit = fit(sizes, m2);
        System.out.printf("%nthe model at N = 3, 4 from the N = 2 fit (α = %s, BW = %.2f GB/s), loopback, median of %d interleaved rounds:%n",
                time(fit[0]), fit[1] / 1e9, rounds);
        System.out.println("| floats | N | measured | model | model / measured |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: |");
        for (int s = 0; s < sizes.length; s++) {
            for (int w = 0; w < worlds.length; w++) {
                int n = worlds[w];
                double m = median(perOp[w][s]), model = 2.0 * (n - 1) / n * sizes[s] * 4.0 / fit[1] + 2.0 * (n - 1) * fit[0];
                System.out.printf("| %,d | %d | %s | %s | %.2f |%n", sizes[s], n, time(m), time(model), model / m);
            }
        }
        System.out.printf("%s%n", load());
    }

    /** {α, BW} of T = 2α + S/BW (N = 2) by least squares on relative error; sizes in floats. */
    static double[] fit(int[] sizes, double[] seconds) {
        double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int s = 0; s < sizes.length; s++) {
            double x = sizes[s] * 4.0, y = seconds[s], w = 1 / (y * y);
            sw += w;
            sx += w * x;
            sy += w * y;
            sxx += w * x * x;
            sxy += w * x * y;
        }
        double slope = (sw * sxy - sx * sy) / (sw * sxx - sx * sx), intercept = (sy - slope * sx) / sw;
        return new double[] {intercept / 2, 1 / slope};
    }

    /** All-reduce time at N = 2 for a few sizes and bucket sizes, interleaved: what the default bucket should be. */
    static void buckets(int rounds) throws Exception {
        int[] sizes = {272_474, 1_048_576, 4_194_304}, bucketBytes = {256 << 10, 1 << 20, 4 << 20, 16 << 20};
        double[][][] perOp = new double[sizes.length][bucketBytes.length][rounds];
        RingCollective.Listener l0 = RingCollective.listen("127.0.0.1", Duration.ofSeconds(60));
        RingCollective.Listener l1 = RingCollective.listen("127.0.0.1", Duration.ofSeconds(60));
        List<String> addresses = List.of(l0.address(), l1.address());
        CyclicBarrier barrier = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> ranks = new ArrayList<>();
        for (int rank = 0; rank < 2; rank++) {
            RingCollective.Listener l = rank == 0 ? l0 : l1;
            int r = rank;
            ranks.add(pool.submit(() -> {
                try (RingCollective ring = l.connect(r, addresses, "ring-bench")) {
                    for (int round = -1; round < rounds; round++) {
                        for (int s = 0; s < sizes.length; s++) {
                            float[] data = new float[sizes[s]];
                            Arrays.fill(data, r + 1);
                            for (int j = 0; j < bucketBytes.length; j++) {
                                int b = Math.floorMod(j + round, bucketBytes.length);
                                ring.setBucketBytes(bucketBytes[b]);
                                int iterations = (int) Math.max(5, 16_000_000L / sizes[s]);
                                barrier.await();
                                long t0 = System.nanoTime();
                                for (int i = 0; i < iterations; i++) ring.allReduceMean(data);
                                if (r == 0 && round >= 0) perOp[s][b][round] = (System.nanoTime() - t0) / 1e9 / iterations;
                            }
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : ranks) f.get();
        pool.shutdown();
        System.out.printf("%nall-reduce at N = 2 over loopback by bucket size: median of %d interleaved rounds (effective GB/s)%n", rounds);
        StringBuilder head = new StringBuilder("| floats |"), rule = new StringBuilder("| ---: |");
        for (int b : bucketBytes) {
            head.append(" bucket ").append(b >> 10).append(" KB |");
            rule.append(" ---: |");
        }
        System.out.println(head);
        System.out.println(rule);
        for (int s = 0; s < sizes.length; s++) {
            StringBuilder row = new StringBuilder(String.format("| %,d |", sizes[s]));
            for (int b = 0; b < bucketBytes.length; b++) {
                double m = median(perOp[s][b]);
                row.append(String.format(" %s (%.2f) |", time(m), sizes[s] * 4 / m / 1e9));
            }
            System.out.println(row);
        }
        System.out.printf("%s%n", load());
    }

    /**
     * Step time (forward, backward, SGD) of the convnet at batch 50 on real MNIST digits and of ResNet-20 at batch 64,
     * and the time to copy each model's gradients into a flat array and back; interleaved. Returns {convnet step,
     * convnet copy, resnet step, resnet copy, convnet CPU time, resnet CPU time} in seconds (the CPU time is the whole
     * process's, per step).
     */
    static double[] compute(int rounds) throws Exception {
        Path data = Path.of("..", "shared", "data", "mnist-10k");
        float[] pixels = Idx.read(data.resolve("images-idx3-ubyte.gz")).to(DType.FLOAT32).toFloatArray();
        long[] labels = Idx.read(data.resolve("labels-idx1-ubyte.gz")).toLongArray();
        int batches = 20;
        Tensor[][] mnist = new Tensor[batches][];
        for (int k = 0; k < batches; k++) {
            float[] x = Arrays.copyOfRange(pixels, k * CONVNET_BATCH * 784, (k + 1) * CONVNET_BATCH * 784);
            for (int i = 0; i < x.length; i++) x[i] = (x[i] / 255f - 0.1307f) / 0.3081f;
            mnist[k] = new Tensor[] {Tensor.of(x).view(CONVNET_BATCH, 1, 28, 28), Tensor.of(Arrays.copyOfRange(labels, k * CONVNET_BATCH, (k + 1) * CONVNET_BATCH))};
        }
        Workloads.Images cifar = Workloads.cifar(Path.of("..", "shared", "data"), RESNET_BATCH * 4);
        System.out.printf("%ncompute: convnet on MNIST (%s, batch %d), ResNet-20 on %s images (batch %d)%n", data, CONVNET_BATCH, cifar.source(), RESNET_BATCH);
        Module convnet = convnet(), resnet = Workloads.resnet20(0);
        Optimizer convSgd = new SGD(convnet.parameters(), 0.05), resSgd = Workloads.resnetOptimizer(resnet);
        FlatParameters convFlat = new FlatParameters(convnet.parameters()), resFlat = new FlatParameters(resnet.parameters());
        float[] convBuf = new float[convFlat.numel()], resBuf = new float[resFlat.numel()];
        int convSteps = 20, resSteps = 5, copies = 50;
        double[][] t = new double[6][rounds];
        for (int round = -1; round < rounds; round++) {
            double[] conv = new double[convSteps], res = new double[resSteps], cc = new double[copies], rc = new double[copies];
            long cpu0 = cpu();
            for (int i = 0; i < convSteps; i++) {
                Tensor[] b = mnist[i % batches];
                long t0 = System.nanoTime();
                Tensor loss = F.crossEntropy(convnet.forward(b[0]), b[1]);
                convSgd.zeroGrad();
                loss.backward();
                convSgd.step();
                conv[i] = (System.nanoTime() - t0) / 1e9;
            }
            double convCpu = (cpu() - cpu0) / 1e9 / convSteps;
            for (int i = 0; i < copies; i++) {
                long t0 = System.nanoTime();
                convFlat.copyGradsTo(convBuf);
                convFlat.copyGradsFrom(convBuf);
                cc[i] = (System.nanoTime() - t0) / 1e9;
            }
            long cpu1 = cpu();
            for (int i = 0; i < resSteps; i++) {
                Tensor[] b = Workloads.imageBatch(cifar, i, RESNET_BATCH);
                long t0 = System.nanoTime();
                Workloads.resnetStep(resnet, resSgd, b[0], b[1]);
                res[i] = (System.nanoTime() - t0) / 1e9;
            }
            double resCpu = (cpu() - cpu1) / 1e9 / resSteps;
            for (int i = 0; i < copies; i++) {
                long t0 = System.nanoTime();
                resFlat.copyGradsTo(resBuf);
                resFlat.copyGradsFrom(resBuf);
                rc[i] = (System.nanoTime() - t0) / 1e9;
            }
            if (round >= 0) {
                t[0][round] = median(conv);
                t[1][round] = median(cc);
                t[2][round] = median(res);
                t[3][round] = median(rc);
                t[4][round] = convCpu;
                t[5][round] = resCpu;
            }
        }
        double[] m = new double[6];
        String[] names = {"convnet step (batch 50), wall", "convnet grads to flat and back", "ResNet-20 step (batch 64), wall",
            "ResNet-20 grads to flat and back", "convnet step, CPU time of the process (all threads)", "ResNet-20 step, CPU time of the process"};
        System.out.println("| what | median of round medians | min | max |");
        System.out.println("| --- | ---: | ---: | ---: |");
        for (int k = 0; k < 6; k++) {
            double[] s = t[k].clone();
            Arrays.sort(s);
            m[k] = s[s.length / 2];
            System.out.printf("| %s | %s | %s | %s |%n", names[k], time(m[k]), time(s[0]), time(s[s.length - 1]));
        }
        return m;
    }

    /**
     * The model's throughput and efficiency for N ranks at {@link #NET_BW} and {@link #NET_ALPHA}: synchronous
     * (every step all-reduces the gradients) and parameter averaging every k steps; weak scaling (batch per rank
     * fixed). The second efficiency adds this implementation's own costs measured on loopback (its α and 1/BW, and
     * the copy to and from the flat array).
     */
    static void predict(String name, int params, int batch, double step, double copy, double[] loopback) {
        double bytes = params * 4.0;
        System.out.printf("%nprediction, %s: S = %.3f MB, T_compute = %s at batch %d per rank, network %.0f Gbit/s and %.0f µs%n", name, bytes / 1e6,
                time(step), batch, NET_BW * 8 / 1e9, NET_ALPHA * 1e6);
        StringBuilder head = new StringBuilder("| N | T_comm (network) |");
        StringBuilder rule = new StringBuilder("| ---: | ---: |");
        for (int k : EVERY) {
            head.append(" k=").append(k).append(" samples/s | k=").append(k).append(" efficiency |");
            rule.append(" ---: | ---: |");
        }
        head.append(loopback == null ? "" : " k=1 efficiency with this implementation's costs |");
        rule.append(loopback == null ? "" : " ---: |");
        head.append(" T_compute for 0.9 at k=1 |");
        rule.append(" ---: |");
        System.out.println(head);
        System.out.println(rule);
        for (int n : WORLD) {
            double comm = 2.0 * (n - 1) / n * bytes / NET_BW + 2.0 * (n - 1) * NET_ALPHA;
            StringBuilder row = new StringBuilder(String.format("| %d | %s |", n, time(comm)));
            for (int k : EVERY) {
                double t = step + comm / k;
                row.append(String.format(" %,.0f | %.3f |", n * batch / t, step / t));
            }
            if (loopback != null) {
                double own = 2.0 * (n - 1) / n * bytes / loopback[1] + 2.0 * (n - 1) * loopback[0] + copy;
                row.append(String.format(" %.3f |", step / (step + comm + own)));
            }
            row.append(" ").append(time(9 * comm)).append(" |");
            System.out.println(row);
        }
    }

    static Module convnet() {
        Nabla.manualSeed(0);
        return new Sequential(new Conv2d(1, 32, 5), new MaxPool2d(3), new ReLU(), new Conv2d(32, 64, 5), new MaxPool2d(2), new ReLU(),
                new Flatten(), new Linear(256, 200), new ReLU(), new Linear(200, 10));
    }

    private static long count(Module m) {
        long n = 0;
        for (var p : m.parameters()) n += p.numel();
        return n;
    }

    /** CPU time of the whole process (every thread, native ones included), ns. */
    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    static String time(double seconds) {
        if (seconds < 1e-3) return String.format("%.1f µs", seconds * 1e6);
        if (seconds < 1) return String.format("%.2f ms", seconds * 1e3);
        return String.format("%.2f s", seconds);
    }

    private static String load() {
        try {
            String l = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim();
            return "load average " + l.substring(0, l.indexOf(' ', l.indexOf(' ', l.indexOf(' ') + 1) + 1)) + " at " + java.time.Instant.now();
        } catch (Exception e) {
            return "load average unknown";
        }
    }
}
