package dev.nabla.bench;

import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import dev.nabla.layers.F;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The fused GELU and softmax kernels (through F), forward + backward, at the workloads' shapes (the transformer's MLP
 * GELU and attention softmax) and a softmax over a middle dim. Each round runs every row once, interleaved, after
 * warm-up; prints the median and the minimum over the rounds in ms (the minimum is the steadier figure on a loaded
 * machine). tools/bench/activations_torch.py times PyTorch at the same rows, with the same output.
 *
 * <pre>java -cp target/test-classes:target/classes:DEPS dev.nabla.bench.ActivationKernelBench [ROUNDS [REPS]]</pre>
 */
public final class ActivationKernelBench {
    private ActivationKernelBench() {}

    private static final Map<String, Runnable> ROWS = new LinkedHashMap<>();

    private static void row(String name, Supplier<Tensor> forward, Tensor x) {
        Tensor g = Tensor.randn(x.dtype(), x.shape());
        ROWS.put(name, () -> {
            x.setGrad(null);
            forward.get().backward(g);
        });
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15, reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Nabla.manualSeed(0);
        Tensor a = Tensor.randn(16, 128, 1024).requiresGrad_();
        row("gelu [16, 128, 1024]", () -> F.gelu(a, "none"), a);
        row("gelu tanh [16, 128, 1024]", () -> F.gelu(a, "tanh"), a);
        Tensor b = Tensor.randn(16, 4, 128, 128).requiresGrad_();
        row("softmax(-1) [16, 4, 128, 128]", () -> F.softmax(b, -1), b);
        row("logSoftmax(-1) [16, 4, 128, 128]", () -> F.logSoftmax(b, -1), b);
        Tensor c = Tensor.randn(16, 128, 256).requiresGrad_();
        row("softmax(1) [16, 128, 256]", () -> F.softmax(c, 1), c);
        Map<String, List<Double>> times = new LinkedHashMap<>();
        for (Runnable r : ROWS.values()) for (int i = 0; i < 5; i++) r.run();   // warm-up
        for (int round = 0; round < rounds; round++) {
            for (var e : ROWS.entrySet()) {
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) e.getValue().run();
                times.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6 / reps);
            }
        }
        System.out.printf("ActivationKernelBench: %d threads, %d rounds x %d reps, ms forward + backward: median, min%n", Nabla.numThreads(), rounds, reps);
        for (var e : times.entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue());
            v.sort(null);
            System.out.printf("%-36s %9.3f %9.3f%n", e.getKey(), v.get(v.size() / 2), v.get(0));
        }
    }
}
