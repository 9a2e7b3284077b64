package dev.nabla.bench;

import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Eager overhead of Nabla beside raw ND4J doing the same work: µs per op, the median of several
 * timed runs after a warm-up. Not a unit test; run it with
 *
 * <pre>
 * mvn -q -B test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.bench.TensorBench -Dexec.args=""
 * </pre>
 *
 * Arguments (all optional): {@code runs=N} timed runs per case (default 15), {@code ms=N} target
 * milliseconds per run (default 200).
 */
public final class TensorBench {
    private TensorBench() {}

    private static int runs = 15;
    private static double msPerRun = 200;

    public static void main(String[] args) {
        for (String a : args) {
            if (a.startsWith("runs=")) runs = Integer.parseInt(a.substring(5));
            else if (a.startsWith("ms=")) msPerRun = Double.parseDouble(a.substring(3));
            else if (!a.isBlank()) throw new IllegalArgumentException("TensorBench: unknown argument '" + a + "'; expected runs=N or ms=N");
        }
        Nabla.manualSeed(0);
        System.out.printf(Locale.ROOT, "ND4J native build: %s; %d cores; %d runs of ~%.0f ms per case; µs per op, median (min–max)%n",
                Nabla.nativeBuild(), Runtime.getRuntime().availableProcessors(), runs, msPerRun);
        System.out.printf(Locale.ROOT, "%-46s %22s %22s %7s%n", "case", "Nabla µs", "raw ND4J µs", "ratio");

        // (a) 10×10 float32 add, no grad: Tensor.add against Nd4j.exec(AddOp) into a new array, and INDArray.add
        Tensor ta = Tensor.randn(10, 10), tb = Tensor.randn(10, 10);
        INDArray a = ta.nd(), b = tb.nd();
        compare("add 10x10 f32 vs Nd4j.exec(AddOp)",
                () -> ta.add(tb),
                () -> Nd4j.exec(new AddOp(new INDArray[] {a, b}, new INDArray[] {Nd4j.createUninitialized(DataType.FLOAT, 10, 10)})));
        compare("add 10x10 f32 vs INDArray.add",
                () -> ta.add(tb),
                () -> a.add(b));
        // the same add, recorded on the tape (an input requires grad); no backward
        Tensor tr = Tensor.randn(10, 10).requiresGrad_();
        compare("add 10x10 f32, recorded vs Nd4j.exec(AddOp)",
                () -> tr.add(tb),
                () -> Nd4j.exec(new AddOp(new INDArray[] {a, b}, new INDArray[] {Nd4j.createUninitialized(DataType.FLOAT, 10, 10)})));

        // (b) (x·w + b).tanh().sum(), forward and backward, 10×10 float32; w and b require grad
        Tensor x = Tensor.randn(10, 10), w = Tensor.randn(10, 10).requiresGrad_(), bias = Tensor.randn(10, 10).requiresGrad_();
        INDArray xn = x.nd(), wn = w.nd(), bn = bias.nd();
        compare("(x*w+b).tanh().sum() fwd+bwd 10x10",
                () -> {
                    w.setGrad(null);
                    bias.setGrad(null);
                    x.mul(w).add(bias).tanh().sum().backward();
                },
                () -> {
                    INDArray y = Transforms.tanh(xn.mul(wn).add(bn), true);
                    y.sum();
                    INDArray dt = y.mul(y).rsubi(1); // d sum / d t = 1 − tanh²
                    INDArray gw = dt.mul(xn);
                    INDArray gb = dt;
                    consume(gw, gb);
                });

        // (c) 256×256 matmul forward and backward (given the output gradient), float32
        Tensor m1 = Tensor.randn(256, 256).requiresGrad_(), m2 = Tensor.randn(256, 256).requiresGrad_();
        Tensor gOut = Tensor.ones(256, 256);
        INDArray m1n = m1.nd(), m2n = m2.nd(), gn = gOut.nd();
        compare("mm 256x256 f32 fwd+bwd",
                () -> {
                    m1.setGrad(null);
                    m2.setGrad(null);
                    m1.mm(m2).backward(gOut);
                },
                () -> {
                    INDArray c = m1n.mmul(m2n);
                    INDArray g1 = gn.mmul(m2n.transpose());
                    INDArray g2 = m1n.transpose().mmul(gn);
                    consume(c, g1, g2);
                });
    }

    private static volatile Object sink;

    private static void consume(Object... o) { sink = o; }

    /** Times both, alternating their runs so that machine noise hits both alike, and prints the medians. */
    private static void compare(String name, Runnable nabla, Runnable raw) {
        int itersN = calibrate(nabla), itersR = calibrate(raw);
        double[] tn = new double[runs], tr = new double[runs];
        for (int r = 0; r < runs; r++) {
            tn[r] = time(nabla, itersN);
            tr[r] = time(raw, itersR);
        }
        double mn = median(tn), mr = median(tr);
        System.out.printf(Locale.ROOT, "%-46s %22s %22s %6.2fx%n", name, summary(tn), summary(tr), mn / mr);
    }

    /** Warms up for about a second and returns the iterations that take about {@link #msPerRun}. */
    private static int calibrate(Runnable op) {
        long end = System.nanoTime() + 1_000_000_000L;
        int n = 0;
        while (System.nanoTime() < end) {
            op.run();
            n++;
        }
        double usPerOp = 1e6 / n;
        return (int) Math.max(5, msPerRun * 1000 / usPerOp);
    }

    /** µs per iteration over {@code iters} iterations. */
    private static double time(Runnable op, int iters) {
        long t0 = System.nanoTime();
        for (int i = 0; i < iters; i++) op.run();
        return (System.nanoTime() - t0) / 1e3 / iters;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static String summary(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%.2f (%.2f–%.2f)", median(v), s[0], s[s.length - 1]);
    }
}
