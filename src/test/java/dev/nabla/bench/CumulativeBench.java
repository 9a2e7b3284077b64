package dev.nabla.bench;

import dev.nabla.api.Grad;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * cumsum and cumprod (the Scan kernel, through Tensor) against ND4J's own {@code INDArray.cumsum(dim)} / libnd4j's
 * {@code cumprod}, forward only, and Nabla's forward + backward, on 1 and 2 threads, along the last dim and along a
 * leading (strided) one. Every round runs every row once, interleaved, after warm-up; medians in ms.
 * tools/bench/cumulative_torch.py times PyTorch at the same shapes.
 *
 * <pre>mvn -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.bench.CumulativeBench [-Dexec.args="ROUNDS [REPS]"]</pre>
 */
public final class CumulativeBench {
    private CumulativeBench() {}

    private record Row(String name, int threads, Runnable body) {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7, reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Nabla.manualSeed(0);
        List<Row> rows = new ArrayList<>();
        for (long[] s : new long[][] {{256, 4096}, {64, 128, 128}}) {
            Tensor x = Tensor.randn(s), xg = Tensor.randn(s).requiresGrad_();
            Tensor xp = Tensor.rand(s).mul(0.2).add(0.9), xpg = xp.detach().clone().requiresGrad_();   // products stay finite
            String shape = java.util.Arrays.toString(s);
            for (int dim : new int[] {-1, 0, 1}) {
                if (dim == 1 && s.length == 2) continue;
                String at = shape + " dim " + dim;
                for (int threads : new int[] {1, 2}) {
                    rows.add(new Row("cumsum " + at + " nabla forward", threads, () -> { try (var g = Grad.disabled()) { x.cumsum(dim); } }));
                    rows.add(new Row("cumsum " + at + " nd4j forward", threads, () -> x.nd().cumsum(dim < 0 ? dim + s.length : dim)));
                    rows.add(new Row("cumsum " + at + " nabla fwd+bwd", threads, () -> { xg.setGrad(null); xg.cumsum(dim).sum().backward(); }));
                    rows.add(new Row("cumprod " + at + " nabla forward", threads, () -> { try (var g = Grad.disabled()) { xp.cumprod(dim); } }));
                    rows.add(new Row("cumprod " + at + " nd4j forward", threads, () -> nd4jCumprod(xp, dim < 0 ? dim + s.length : dim)));
                    rows.add(new Row("cumprod " + at + " nabla fwd+bwd", threads, () -> { xpg.setGrad(null); xpg.cumprod(dim).sum().backward(); }));
                }
            }
        }
        int before = Nabla.numThreads();
        Map<String, List<Double>> times = new LinkedHashMap<>();
        for (Row r : rows) { Nabla.setNumThreads(r.threads()); for (int i = 0; i < 3; i++) r.body().run(); }   // warm-up
        for (int round = 0; round < rounds; round++) {
            for (Row r : rows) {
                Nabla.setNumThreads(r.threads());
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) r.body().run();
                times.computeIfAbsent(r.name() + ", " + r.threads() + " thr", k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6 / reps);
            }
        }
        Nabla.setNumThreads(before);
        System.out.printf("CumulativeBench: median of %d rounds x %d reps, ms%n", rounds, reps);
        for (var e : times.entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue());
            v.sort(null);
            System.out.printf("%-55s %9.3f%n", e.getKey(), v.get(v.size() / 2));
        }
    }

    private static void nd4jCumprod(Tensor x, int dim) {
        org.nd4j.linalg.api.ndarray.INDArray out = org.nd4j.linalg.factory.Nd4j.createUninitialized(x.nd().dataType(), x.nd().shape());
        org.nd4j.linalg.factory.Nd4j.exec(org.nd4j.linalg.api.ops.DynamicCustomOp.builder("cumprod").addInputs(x.nd()).addOutputs(out)
                .addIntegerArguments(0, 0, dim).build());
    }
}
