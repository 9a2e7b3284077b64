package dev.nabla.bench;

import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Writing through a view under autograd (CopySlices) beside the out-of-place program that computes the same thing
 * (the parts joined with {@code cat} / {@code stack}), forward and backward, float32: µs per step, the median of
 * interleaved timed runs after a warm-up. tools/bench/inplace_views_torch.py times the same cases in PyTorch. Not a
 * unit test; run it with
 *
 * <pre>
 * mvn -o -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.bench.InPlaceViewBench -Dexec.args="runs=9"
 * </pre>
 *
 * Arguments (all optional): {@code runs=N} timed runs per case (default 9), {@code ms=N} milliseconds per run (default 300).
 */
public final class InPlaceViewBench {
    private InPlaceViewBench() {}

    private static int runs = 9;
    private static double msPerRun = 300;

    public static void main(String[] args) {
        for (String a : args) {
            if (a.startsWith("runs=")) runs = Integer.parseInt(a.substring(5));
            else if (a.startsWith("ms=")) msPerRun = Double.parseDouble(a.substring(3));
            else if (!a.isBlank()) throw new IllegalArgumentException("InPlaceViewBench: unknown argument '" + a + "'; expected runs=N or ms=N");
        }
        Nabla.manualSeed(0);
        System.out.printf(Locale.ROOT, "%d runs of ~%.0f ms per case, interleaved; µs per step, median (min–max)%n", runs, msPerRun);
        System.out.printf(Locale.ROOT, "%-44s %24s %24s %7s%n", "case", "in place (CopySlices)", "out of place", "ratio");
        for (int n : new int[] {64, 512}) {
            Tensor x = Tensor.randn(n, n).requiresGrad_();
            compare("y=x*2; y[:, :n/2] *= 3; sum, n=" + n, () -> {
                x.setGrad(null);
                Tensor y = x.mul(2.0);
                y.narrow(1, 0, n / 2).mul_(3);
                y.sum().backward();
            }, () -> {
                x.setGrad(null);
                Tensor y = x.mul(2.0);
                Tensor.cat(List.of(y.narrow(1, 0, n / 2).mul(3.0), y.narrow(1, n / 2, n - n / 2)), 1).sum().backward();
            });
            List<Tensor> rows = new ArrayList<>();
            for (int i = 0; i < 8; i++) rows.add(Tensor.randn(n).requiresGrad_());
            compare("buf[i].copy_(x_i), 8 rows of " + n + "; sum", () -> {
                for (Tensor r : rows) r.setGrad(null);
                Tensor buf = Tensor.zeros(8, n);
                for (int i = 0; i < 8; i++) buf.select(0, i).copy_(rows.get(i));
                buf.mul(buf).sum().backward();
            }, () -> {
                for (Tensor r : rows) r.setGrad(null);
                Tensor buf = Tensor.stack(rows, 0);
                buf.mul(buf).sum().backward();
            });
        }
    }

    private static void compare(String name, Runnable a, Runnable b) {
        int itersA = calibrate(a), itersB = calibrate(b);
        double[] ta = new double[runs], tb = new double[runs];
        for (int r = 0; r < runs; r++) {
            ta[r] = time(a, itersA);
            tb[r] = time(b, itersB);
        }
        System.out.printf(Locale.ROOT, "%-44s %24s %24s %6.2fx%n", name, summary(ta), summary(tb), median(ta) / median(tb));
    }

    private static int calibrate(Runnable op) {
        long end = System.nanoTime() + 1_000_000_000L;
        int n = 0;
        while (System.nanoTime() < end) {
            op.run();
            n++;
        }
        return (int) Math.max(3, msPerRun * 1000 / (1e6 / n));
    }

    private static double time(Runnable op, int iters) {
        long t0 = System.nanoTime();
        for (int i = 0; i < iters; i++) op.run();
        return (System.nanoTime() - t0) / 1e3 / iters;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String summary(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%.1f (%.1f–%.1f)", median(v), s[0], s[s.length - 1]);
    }
}
