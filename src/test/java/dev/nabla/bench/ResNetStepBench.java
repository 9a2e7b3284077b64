package dev.nabla.bench;

import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Pool;
import dev.nabla.api.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;

/**
 * ResNet-20's training step at batch 128 in one process ({@link Workloads#resnetStep}), with its memory: after each
 * block of steps the step's median time, the resident size and its high-water mark (/proc/self/status), the Java
 * heap committed and used, JavaCPP's off-heap bytes, the {@link Pool}'s lent and idle bytes and the collections a
 * step (count and milliseconds) — so that the steady
 * state can be seen flat (or not) and the resident size split into its parts.
 *
 * <pre>mvn -o -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.bench.ResNetStepBench -Dexec.args="BLOCKS STEPS [DATA]"</pre>
 */
public final class ResNetStepBench {
    private ResNetStepBench() {}

    public static void main(String[] args) throws IOException {
        int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 5, steps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path data = Path.of(args.length > 2 ? args[2] : "../shared/data");
        Module model = Workloads.resnet20(0);
        Optimizer opt = Workloads.resnetOptimizer(model);
        Workloads.Images pool = Workloads.cifar(data, Workloads.RESNET_POOL);
        List<Tensor[]> batches = new ArrayList<>();
        for (int k = 0; k < Workloads.RESNET_POOL / 128; k++) batches.add(Workloads.imageBatch(pool, k, 128));
        model.train();
        System.out.printf("ResNet-20 step, batch 128, %d threads, %s; load %s%n", Nabla.numThreads(), pool.source(), ResNetConvBench.load());
        System.out.printf("%5s %9s %8s %8s %9s %9s %9s %9s %9s %11s%n", "block", "median ms", "loss", "rss MB", "hwm MB", "heap MB",
                "used MB", "javacpp", "pool l/i", "gc/step ms");
        int step = 0;
        for (int b = 0; b < blocks; b++) {
            long[] gc0 = gc();
            double[] ms = new double[steps];
            double loss = 0;
            for (int i = 0; i < steps; i++, step++) {
                Tensor[] xy = batches.get(step % batches.size());
                long t0 = System.nanoTime();
                loss = Workloads.resnetStep(model, opt, xy[0], xy[1]);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            java.util.Arrays.sort(ms);
            Runtime rt = Runtime.getRuntime();
            long[] ps = Pool.stats();
            long[] gc1 = gc();
            System.out.printf("%5d %9.1f %8.4f %8.0f %9.0f %9.0f %9.0f %9.0f %4.0f/%-4.0f %5.1f/%-5.0f%n", b, ms[steps / 2], loss, status("VmRSS"),
                    status("VmHWM"), rt.totalMemory() / 1e6, (rt.totalMemory() - rt.freeMemory()) / 1e6, Pointer.totalBytes() / 1e6,
                    ps[0] / 1e6, ps[1] / 1e6, (gc1[0] - gc0[0]) / (double) steps, (gc1[1] - gc0[1]) / (double) steps);
        }
        System.out.println("load at the end " + ResNetConvBench.load());
    }

    /** Collections so far and their total milliseconds, over all of the JVM's collectors. */
    static long[] gc() {
        long n = 0, ms = 0;
        for (var b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, b.getCollectionCount());
            ms += Math.max(0, b.getCollectionTime());
        }
        return new long[] {n, ms};
    }

    /** A line of /proc/self/status in MB (kB there), or −1. */
    static double status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key + ":")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
