package dev.nabla.api;

import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * A micro op's forward + backward when its output and input gradient go back to the {@link Pool} right after each
 * call (as a refcounting framework frees them), against leaving them to the collector: how much of a call's time is
 * the memory it takes cold. {@code OP} is one of {@link dev.nabla.bench.Workloads#microShape}'s.
 *
 * <pre>mvn -o -q exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.api.HotReuseProbe -Dexec.args="OP REPS"</pre>
 */
public final class HotReuseProbe {
    private HotReuseProbe() {}

    public static void main(String[] args) {
        String op = args[0];
        int reps = Integer.parseInt(args[1]);
        long[] shape = dev.nabla.bench.Workloads.microShape(op);
        UnaryOperator<Tensor> f = dev.nabla.bench.Workloads.microOp(op, shape);
        Nabla.manualSeed(0);
        Tensor x = Tensor.randn(shape).requiresGrad_(), g = Tensor.randn(shape);
        for (boolean release : new boolean[] {false, true, false, true}) {
            double[] ms = new double[reps];
            for (int i = -50; i < reps; i++) {
                long t0 = System.nanoTime();
                Tensor y = f.apply(x);
                y.backward(g);
                if (i >= 0) ms[i] = (System.nanoTime() - t0) / 1e6;
                Tensor dx = x.grad();
                x.setGrad(null);
                if (release) {
                    Pool.release(y.nd());
                    Pool.release(dx.nd());
                }
            }
            Arrays.sort(ms);
            System.out.printf("%s %s, released after each call: %s: median %.3f min %.3f p90 %.3f ms%n", op, Arrays.toString(shape), release,
                    ms[reps / 2], ms[0], ms[reps * 9 / 10]);
        }
    }
}
