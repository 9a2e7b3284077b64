package dev.nabla.layers.kernels;

import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import dev.nabla.layers.F;
import java.util.Arrays;

/**
 * GELU (exact, float32) forward + backward through F at [16, 128, 1024], the Vector API path and the fallback
 * interleaved round by round; prints median and minimum ms of each. Run with --add-modules jdk.incubator.vector.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp target/test-classes:target/classes:DEPS dev.nabla.layers.kernels.GeluProbe [ROUNDS]</pre>
 */
public final class GeluProbe {
    private GeluProbe() {}

    public static void main(String[] args) {
        if (args.length > 1 && args[1].equals("kernel")) {
            kernel(Integer.parseInt(args[0]));
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20, reps = 5;
        Nabla.manualSeed(0);
        Tensor a = Tensor.randn(16, 128, 1024).requiresGrad_();
        Tensor g = Tensor.randn(16, 128, 1024);
        boolean[] modes = Vec.modes();
        double[][] t = new double[modes.length][rounds];
        for (int round = -5; round < rounds; round++) {
            for (int m = 0; m < modes.length; m++) {
                boolean prev = Vec.useForTests(modes[m]);
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    a.setGrad(null);
                    F.gelu(a).backward(g);
                }
                if (round >= 0) t[m][round] = (System.nanoTime() - t0) / 1e6 / reps;
                Vec.useForTests(prev);
            }
        }
        for (int m = 0; m < modes.length; m++) {
            double[] v = t[m].clone();
            Arrays.sort(v);
            System.out.printf("%-10s median %.3f ms, min %.3f ms%n", modes[m] ? "vector" : "fallback", v[rounds / 2], v[0]);
        }
    }

    /** The raw loops on 2M floats of direct memory, one thread: ms and bytes allocated per call, vector vs scalar. */
    private static void kernel(int rounds) {
        int n = 16 * 128 * 1024;
        java.nio.ByteBuffer x = java.nio.ByteBuffer.allocateDirect(4 * n).order(java.nio.ByteOrder.nativeOrder());
        java.nio.ByteBuffer g = java.nio.ByteBuffer.allocateDirect(4 * n).order(java.nio.ByteOrder.nativeOrder());
        java.nio.ByteBuffer o = java.nio.ByteBuffer.allocateDirect(4 * n).order(java.nio.ByteOrder.nativeOrder());
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < n; i++) {
            x.putFloat(4 * i, (float) r.nextGaussian());
            g.putFloat(4 * i, (float) r.nextGaussian());
        }
        float[] h = new float[n], hg = new float[n], s1 = new float[n], s2 = new float[n];
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        String[] names = {"vec fwd", "vec bwd", "scalar fwd", "scalar bwd"};
        double[][] t = new double[4][rounds];
        long[] alloc = new long[4];
        for (int round = -10; round < rounds; round++) {
            for (int m = 0; m < 4; m++) {
                long a0 = mx.getThreadAllocatedBytes(tid), t0 = System.nanoTime();
                switch (m) {
                    case 0 -> VectorMath.gelu(x, o, 0, n);
                    case 1 -> VectorMath.geluGrad(x, g, o, 0, n);
                    case 2 -> { x.asFloatBuffer().get(0, h, 0, n); GeluFunction.forward32(h, s1, s2, n); o.asFloatBuffer().put(0, h, 0, n); }
                    default -> {
                        x.asFloatBuffer().get(0, h, 0, n);
                        g.asFloatBuffer().get(0, hg, 0, n);
                        GeluFunction.backward32(h, hg, s1, s2, n);
                        o.asFloatBuffer().put(0, hg, 0, n);
                    }
                }
                if (round >= 0) {
                    t[m][round] = (System.nanoTime() - t0) / 1e6;
                    alloc[m] = mx.getThreadAllocatedBytes(tid) - a0;
                }
            }
        }
        for (int m = 0; m < 4; m++) {
            double[] v = t[m].clone();
            Arrays.sort(v);
            System.out.printf("%-11s median %.3f ms, min %.3f ms, %d bytes allocated%n", names[m], v[rounds / 2], v[0], alloc[m]);
        }
    }
}
