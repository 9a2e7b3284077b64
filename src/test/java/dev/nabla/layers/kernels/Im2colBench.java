package dev.nabla.layers.kernels;

import static dev.nabla.bench.ResNetConvBench.load;
import static dev.nabla.bench.ResNetConvBench.median;

import java.util.ArrayList;
import java.util.List;

/**
 * One sample's im2col and col2im on one thread: {@link FastConv}'s row-wise copies against the offset-table gather and
 * scatter it replaced ({@link ConvGeometry#table()}), interleaved after a warm-up; medians in µs and the ratio new/old.
 *
 * <pre>mvn -o -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.layers.kernels.Im2colBench -Dexec.args="ROUNDS"</pre>
 */
public final class Im2colBench {
    private Im2colBench() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 21, reps = 50;
        int[][] shapes = {{3, 32, 3, 1}, {16, 32, 3, 1}, {32, 16, 3, 1}, {64, 8, 3, 1}, {16, 32, 3, 2}};
        for (int[] sh : shapes) {
            int c = sh[0], hw = sh[1], k = sh[2], s = sh[3], pad = k / 2, o = ConvGeometry.outSize(hw, k, s, 2 * pad, 1);
            ConvGeometry g = new ConvGeometry(1, c, hw, hw, k, k, s, s, pad, pad, 1, 1, o, o);
            float[] x = new float[g.chw()], col = new float[g.k() * g.p()], dx = new float[g.chw()];
            for (int i = 0; i < x.length; i++) x[i] = i % 7 - 3;
            int[] t = g.table();
            List<Double> newIm = new ArrayList<>(), oldIm = new ArrayList<>(), newCol = new ArrayList<>(), oldCol = new ArrayList<>();
            for (int r = -5; r < rounds; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) FastConv.im2col(g, x, col);
                long t1 = System.nanoTime();
                for (int i = 0; i < reps; i++) gather(t, x, col);
                long t2 = System.nanoTime();
                for (int i = 0; i < reps; i++) FastConv.col2im(g, col, dx);
                long t3 = System.nanoTime();
                for (int i = 0; i < reps; i++) scatter(t, col, dx);
                long t4 = System.nanoTime();
                if (r >= 0) {
                    newIm.add((t1 - t0) / 1e3 / reps);
                    oldIm.add((t2 - t1) / 1e3 / reps);
                    newCol.add((t3 - t2) / 1e3 / reps);
                    oldCol.add((t4 - t3) / 1e3 / reps);
                }
            }
            System.out.printf("%2dch %2dx%-2d k%d s%d  im2col new %7.1f old %7.1f us (%.2f, spread new %.1f-%.1f)  col2im new %7.1f old %7.1f us (%.2f)%n",
                    c, hw, hw, k, s, median(newIm), median(oldIm),
                    median(newIm) / median(oldIm), min(newIm), max(newIm),
                    median(newCol), median(oldCol), median(newCol) / median(oldCol));
        }
        System.out.println("load " + load());
    }

    private static double min(List<Double> v) { return v.stream().mapToDouble(Double::doubleValue).min().orElse(0); }
    private static double max(List<Double> v) { return v.stream().mapToDouble(Double::doubleValue).max().orElse(0); }

    private static void gather(int[] t, float[] xs, float[] col) {
        for (int i = 0; i < t.length; i++) {
            int o = t[i];
            col[i] = o < 0 ? 0f : xs[o];
        }
    }

    private static void scatter(int[] t, float[] col, float[] dxs) {
        for (int i = 0; i < t.length; i++) {
            int o = t[i];
            if (o >= 0) dxs[o] += col[i];
        }
    }
}
