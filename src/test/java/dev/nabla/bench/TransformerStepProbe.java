package dev.nabla.bench;

import dev.nabla.api.Module;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Pool;
import dev.nabla.api.Profiler;
import dev.nabla.api.Tensor;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * The transformer workload's training step with what happens outside the ops: per step its time, the pool's misses
 * (fresh memory from ND4J) and reuses, and the JVM's collections. {@code TransformerStepProbe [pre|post] [steps] [first profiled step]}.
 */
public final class TransformerStepProbe {
    public static void main(String[] args) {
        boolean pre = args.length > 0 && args[0].equals("pre");
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int profileFrom = args.length > 2 ? Integer.parseInt(args[2]) : -1;   // profile the steps from this one on
        Module model = Workloads.transformer(pre, 0);
        Optimizer opt = Workloads.transformerOptimizer(model);
        Tensor[][] batches = new Tensor[4][];
        for (int k = 0; k < 4; k++) batches[k] = Workloads.tokenBatch(k, 16, 128);
        model.train();
        double[] ms = new double[steps];
        for (int i = 0; i < steps; i++) {
            if (i == profileFrom) { Profiler.reset(); Profiler.enable(); }
            long[] p0 = Pool.stats();
            long gc0 = gcs(), gct0 = gcMillis(), t0 = System.nanoTime();
            Workloads.transformerStep(model, opt, batches[i % 4][0], batches[i % 4][1]);
            ms[i] = (System.nanoTime() - t0) / 1e6;
            long[] p1 = Pool.stats();
            System.out.printf("step %2d %7.1f ms  pool misses %3d reuses %4d  gc %d (%d ms)  lent %.0f MB idle %.0f MB%n", i, ms[i],
                    p1[2] - p0[2], p1[3] - p0[3], gcs() - gc0, gcMillis() - gct0, p1[0] / 1e6, p1[1] / 1e6);
        }
        if (profileFrom >= 0) {
            Profiler.disable();
            System.out.println("profile of steps " + profileFrom + ".." + (steps - 1) + ":\n" + Profiler.report());
        }
        double[] tail = Arrays.copyOfRange(ms, steps / 2, steps);
        Arrays.sort(tail);
        System.out.printf("median of the last %d steps %.1f ms (%.1f - %.1f)%n", tail.length, tail[tail.length / 2], tail[0], tail[tail.length - 1]);
    }

    private static long gcs() { long n = 0; for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) n += b.getCollectionCount(); return n; }

    private static long gcMillis() { long n = 0; for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) n += b.getCollectionTime(); return n; }
}
