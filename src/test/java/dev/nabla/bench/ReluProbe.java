package dev.nabla.bench;

import dev.nabla.api.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * ReLU forward + backward on [128, 16, 32, 32] (ResNet-20 stage 1) as in a training step: 19 calls whose outputs stay
 * alive until their backward, out of place ({@code relu()}) against in place ({@code relu_()} on a fresh non-leaf),
 * interleaved after a warm-up; medians per call in ms.
 *
 * <pre>mvn -o -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.bench.ReluProbe -Dexec.args="ROUNDS"</pre>
 */
public final class ReluProbe {
    private ReluProbe() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9, calls = 19;
        Tensor a = Tensor.randn(128, 16, 32, 32).requiresGrad_(), g = Tensor.randn(128, 16, 32, 32);
        List<Double> outF = new ArrayList<>(), inF = new ArrayList<>(), outB = new ArrayList<>(), inB = new ArrayList<>();
        for (int r = -3; r < rounds; r++) {
            for (boolean inplace : (r & 1) == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
                List<Tensor> xs = new ArrayList<>(), ys = new ArrayList<>();
                for (int i = 0; i < calls; i++) xs.add(a.mul(1));   // the non-leaf inputs (BatchNorm's outputs in the network)
                long t0 = System.nanoTime();
                for (Tensor x : xs) ys.add(inplace ? x.relu_() : x.relu());
                long t1 = System.nanoTime();
                for (Tensor y : ys) y.backward(g);
                long t2 = System.nanoTime();
                a.setGrad(null);
                if (r >= 0) {
                    (inplace ? inF : outF).add((t1 - t0) / 1e6 / calls);
                    (inplace ? inB : outB).add((t2 - t1) / 1e6 / calls);
                }
            }
        }
        System.out.printf("relu forward: out of place %.2f ms [%.2f-%.2f], in place %.2f ms [%.2f-%.2f], ratio %.2f%n", m(outF), min(outF), max(outF),
                m(inF), min(inF), max(inF), m(inF) / m(outF));
        System.out.printf("relu backward (+ mul's): out of place %.2f ms, in place %.2f ms; load %s%n", m(outB), m(inB), ResNetConvBench.load());
    }

    private static double m(List<Double> v) { return ResNetConvBench.median(v); }
    private static double min(List<Double> v) { return v.stream().mapToDouble(Double::doubleValue).min().orElse(0); }
    private static double max(List<Double> v) { return v.stream().mapToDouble(Double::doubleValue).max().orElse(0); }
}
