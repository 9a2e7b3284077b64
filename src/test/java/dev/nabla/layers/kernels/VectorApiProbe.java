package dev.nabla.layers.kernels;

import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import dev.nabla.layers.F;
import dev.nabla.layers.LayerNorm;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * The Vector API path against the fallback loops, interleaved in one process (run with
 * {@code --add-modules jdk.incubator.vector}): LayerNorm, softmax(−1) and GELU forward + backward at the micro
 * workloads' shapes, as VsPyTorch's micro runs them (the module or F call, the gradient given), alternating
 * path every block of REPS calls after a warm-up; medians and minima in ms of wall time (and of the calling thread's CPU
 * time with THREADS = 1).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp ... dev.nabla.layers.kernels.VectorApiProbe ROUNDS REPS THREADS</pre>
 */
public final class VectorApiProbe {
    private VectorApiProbe() {}

    private static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();

    public static void main(String[] args) {
        int rounds = Integer.parseInt(args[0]), reps = Integer.parseInt(args[1]);
        Nabla.setNumThreads(Integer.parseInt(args[2]));
        if (!Vec.AVAILABLE) throw new IllegalStateException("VectorApiProbe: start the JVM with --add-modules jdk.incubator.vector");
        Nabla.manualSeed(0);
        String[] names = {"layernorm [16,128,256]", "softmax(-1) [16,4,128,128]", "gelu [16,128,1024]"};
        long[][] shapes = {{16, 128, 256}, {16, 4, 128, 128}, {16, 128, 1024}};
        Module ln = new LayerNorm(256);
        java.util.List<UnaryOperator<Tensor>> ops = java.util.List.of(ln::forward, x -> F.softmax(x, -1), F::gelu);
        for (int o = 0; o < ops.size(); o++) {
            Tensor x = Tensor.randn(shapes[o]).requiresGrad_(), g = Tensor.randn(shapes[o]);
            UnaryOperator<Tensor> f = ops.get(o);
            Runnable call = () -> {
                f.apply(x).backward(g);
                x.setGrad(null);
            };
            double[][] wall = new double[2][rounds * reps], cpu = new double[2][rounds * reps];
            for (int w = 0; w < 2 * reps; w++) for (boolean v : new boolean[] {false, true}) { Vec.useForTests(v); call.run(); }
            for (int r = 0; r < rounds; r++) {
                for (int mode = 0; mode < 2; mode++) {
                    int m = (r % 2 == 0) ? mode : 1 - mode;
                    Vec.useForTests(m == 1);
                    for (int i = 0; i < reps; i++) {
                        long c0 = MX.getCurrentThreadCpuTime(), t0 = System.nanoTime();
                        call.run();
                        wall[m][r * reps + i] = (System.nanoTime() - t0) / 1e6;
                        cpu[m][r * reps + i] = (MX.getCurrentThreadCpuTime() - c0) / 1e6;
                    }
                }
            }
            Vec.useForTests(true);
            System.out.printf("%-28s fallback wall med %.3f min %.3f cpu med %.3f | vector wall med %.3f min %.3f cpu med %.3f | vector/fallback wall med %.2f min %.2f cpu %.2f%n",
                    names[o], med(wall[0]), min(wall[0]), med(cpu[0]), med(wall[1]), min(wall[1]), med(cpu[1]),
                    med(wall[1]) / med(wall[0]), min(wall[1]) / min(wall[0]), med(cpu[1]) / med(cpu[0]));
        }
    }

    private static double med(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double min(double[] a) { return Arrays.stream(a).min().orElse(Double.NaN); }
}
