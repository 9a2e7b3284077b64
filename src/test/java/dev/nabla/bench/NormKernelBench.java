package dev.nabla.bench;

import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import dev.nabla.layers.F;
import dev.nabla.layers.kernels.Composed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The fused normalisation, softmax and GELU kernels (through F) against the composed versions they replaced
 * ({@link Composed}), forward + backward, at the shapes of the workloads (ResNet-20's BatchNorm2d, the transformer's
 * LayerNorm, attention softmax and MLP GELU). Each round runs every row once, interleaved, after warm-up; medians in ms.
 * tools/bench/kernels_torch.py times PyTorch's ops at the same shapes.
 *
 * <pre>mvn -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.bench.NormKernelBench [-Dexec.args="ROUNDS [REPS [ROW-FILTER]]"]</pre>
 */
public final class NormKernelBench {
    private NormKernelBench() {}

    private static final Map<String, Runnable> ROWS = new LinkedHashMap<>();

    private static void row(String name, Supplier<Tensor> forward, Tensor... leaves) {
        Tensor probe = forward.get();
        Tensor g = Tensor.randn(probe.dtype(), probe.shape());
        ROWS.put(name, () -> {
            for (Tensor t : leaves) t.setGrad(null);
            forward.get().backward(g);
        });
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7, reps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String filter = args.length > 2 ? args[2] : "";
        Nabla.manualSeed(0);
        for (long[] s : new long[][] {{128, 16, 32, 32}, {128, 32, 16, 16}, {128, 64, 8, 8}, {64, 32, 32, 32}}) {
            Tensor x = Tensor.randn(s).requiresGrad_(), w = Tensor.ones(s[1]).requiresGrad_(), b = Tensor.zeros(s[1]).requiresGrad_();
            Tensor rm = Tensor.zeros(s[1]), rv = Tensor.ones(s[1]);
            String shape = java.util.Arrays.toString(s);
            row("batchNorm2d " + shape + " fused", () -> F.batchNorm(x, rm, rv, w, b, true, 0.1, 1e-5), x, w, b);
            row("batchNorm2d " + shape + " composed", () -> Composed.batchNorm(x, rm, rv, w, b, true, 0.1, 1e-5), x, w, b);
        }
        {
            Tensor x = Tensor.randn(16, 128, 256).requiresGrad_(), w = Tensor.ones(256).requiresGrad_(), b = Tensor.zeros(256).requiresGrad_();
            row("layerNorm [16, 128, 256] fused", () -> F.layerNorm(x, new long[] {256}, w, b, 1e-5), x, w, b);
            row("layerNorm [16, 128, 256] composed", () -> Composed.layerNorm(x, new long[] {256}, w, b, 1e-5), x, w, b);
        }
        {
            Tensor x = Tensor.randn(16, 4, 128, 128).requiresGrad_();
            row("softmax(-1) [16, 4, 128, 128] fused", () -> F.softmax(x, -1), x);
            row("softmax(-1) [16, 4, 128, 128] composed", () -> Composed.softmax(x, -1), x);
            row("logSoftmax(-1) [16, 4, 128, 128] fused", () -> F.logSoftmax(x, -1), x);
            row("logSoftmax(-1) [16, 4, 128, 128] composed", () -> Composed.logSoftmax(x, -1), x);
            Tensor y = Tensor.randn(16, 128, 256).requiresGrad_();
            row("softmax(1) [16, 128, 256] fused", () -> F.softmax(y, 1), y);
            row("softmax(1) [16, 128, 256] composed", () -> Composed.softmax(y, 1), y);
        }
        {
            Tensor x = Tensor.randn(16, 128, 1024).requiresGrad_();
            row("gelu [16, 128, 1024] fused", () -> F.gelu(x, "none"), x);
            row("gelu [16, 128, 1024] composed", () -> Composed.gelu(x, "none"), x);
            row("gelu tanh [16, 128, 1024] fused", () -> F.gelu(x, "tanh"), x);
            row("gelu tanh [16, 128, 1024] composed", () -> Composed.gelu(x, "tanh"), x);
        }
        {
            Tensor x = Tensor.randn(64, 32, 32, 32).requiresGrad_();
            row("relu [64, 32, 32, 32]", () -> F.relu(x), x);
        }
        ROWS.keySet().removeIf(k -> !k.contains(filter));
        Map<String, List<Double>> times = new LinkedHashMap<>();
        for (Runnable r : ROWS.values()) for (int i = 0; i < 3; i++) r.run();   // warm-up
        for (int round = 0; round < rounds; round++) {
            for (var e : ROWS.entrySet()) {
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) e.getValue().run();
                times.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6 / reps);
            }
        }
        System.out.printf("NormKernelBench: %d threads, median of %d rounds x %d reps, ms forward + backward%n", Nabla.numThreads(), rounds, reps);
        for (var e : times.entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue());
            v.sort(null);
            System.out.printf("%-45s %9.3f%n", e.getKey(), v.get(v.size() / 2));
        }
    }
}
