package dev.nabla.layers.kernels;

import dev.nabla.api.Nabla;
import dev.nabla.api.Pool;
import dev.nabla.api.Profiler;
import dev.nabla.api.Tensor;
import dev.nabla.bench.Workloads;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * VsPyTorch's micro workloads as NablaPeer runs them (forward + backward, gradient given), with the pool's counters
 * and the spread of the per-call wall times, to tell kernel time from per-call overhead.
 *
 * <pre>mvn -o -q exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.layers.kernels.MicroProbe -Dexec.args="OP REPS THREADS [profile]"</pre>
 */
public final class MicroProbe {
    private MicroProbe() {}

    public static void main(String[] args) {
        String op = args[0];
        int reps = Integer.parseInt(args[1]);
        Nabla.setNumThreads(Integer.parseInt(args[2]));
        boolean profile = args.length > 3 && args[3].contains("profile");
        Nabla.manualSeed(0);
        long[] shape = Workloads.microShape(op);
        UnaryOperator<Tensor> f = Workloads.microOp(op, shape);
        int ballastMb = Integer.getInteger("probe.ballastMB", 0);
        float[][] ballast = new float[ballastMb * 64][];   // live heap of 4 KB arrays, as a program's own data would be
        for (int i = 0; i < ballast.length; i++) ballast[i] = new float[1024];
        Tensor x = Tensor.randn(shape).requiresGrad_(), g = Tensor.randn(shape);
        for (int i = 0; i < 50; i++) {
            f.apply(x).backward(g);
            x.setGrad(null);
        }
        long[] s0 = Pool.stats();
        long gc0 = gcCount(), gt0 = gcMillis(), w0 = System.nanoTime();
        if (profile) Profiler.enable();
        double[] ms = new double[reps], fw = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            Tensor y = f.apply(x);
            long t1 = System.nanoTime();
            y.backward(g);
            ms[i] = (System.nanoTime() - t0) / 1e6;
            fw[i] = (t1 - t0) / 1e6;
            x.setGrad(null);
        }
        long[] s1 = Pool.stats();
        long gcs = gcCount() - gc0, gcMs = gcMillis() - gt0;
        double meanMs = (System.nanoTime() - w0) / 1e6 / reps;
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double[] fs = fw.clone();
        Arrays.sort(fs);
        System.out.printf("%s %s, %d threads: fwd+bwd median %.3f min %.3f p90 %.3f ms; fwd median %.3f min %.3f; pool misses %d hits %d; mean %.3f ms, %d collections, %d ms (ballast %d MB)%n",
                op, Arrays.toString(shape), Nabla.numThreads(), sorted[reps / 2], sorted[0], sorted[reps * 9 / 10], fs[reps / 2], fs[0],
                s1[2] - s0[2], s1[3] - s0[3], meanMs, gcs, gcMs, ballastMb);
        if (args.length > 3 && args[3].contains("seq")) {
            StringBuilder b = new StringBuilder("per call ms:");
            for (double v : ms) b.append(String.format(" %.2f", v));
            System.out.println(b);
        }
        if (profile) System.out.print(Profiler.report());
        java.lang.ref.Reference.reachabilityFence(ballast);
    }

    private static long gcCount() {
        long n = 0;
        for (var b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) n += Math.max(0, b.getCollectionCount());
        return n;
    }

    private static long gcMillis() {
        long n = 0;
        for (var b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) n += Math.max(0, b.getCollectionTime());
        return n;
    }
}
