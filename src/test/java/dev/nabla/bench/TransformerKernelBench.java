package dev.nabla.bench;

import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;
import dev.nabla.layers.F;
import dev.nabla.training.AdamW;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Issue 17 part D's kernels against the forms they replaced, at the transformer workload's shapes, interleaved in one
 * process (every row once a round, after warm-up; medians in ms): dropout in one pass against the mask-multiply-divide
 * composition; attention's two batched products on head views against contiguous heads and one product per matrix
 * stacked (the former Bmm loop); AdamW's fused pass against the former ND4J form on the workload's parameters.
 *
 * <pre>mvn -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.bench.TransformerKernelBench [-Dexec.args="ROUNDS REPS"]</pre>
 */
public final class TransformerKernelBench {
    private TransformerKernelBench() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7, reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Nabla.manualSeed(0);
        Map<String, Runnable> rows = new LinkedHashMap<>();
        Tensor x = Tensor.randn(16, 128, 1024).requiresGrad_(), gx = Tensor.randn(16, 128, 1024);
        rows.put("dropout(0.1) [16, 128, 1024] one pass", () -> { x.setGrad(null); F.dropout(x, 0.1, true).backward(gx); });
        rows.put("dropout(0.1) [16, 128, 1024] mask, mul, div", () -> {
            x.setGrad(null);
            Tensor keep = Tensor.empty(x.dtype(), x.shape()).bernoulli_(0.9);
            x.mul(keep).div(0.9).backward(gx);
        });
        Tensor qkv = Tensor.randn(16, 128, 3, 4, 64).requiresGrad_();
        Tensor go = Tensor.randn(16, 4, 128, 64);
        rows.put("attention q·kᵀ, w·v [16, 4, 128, 64] on head views", () -> {
            qkv.setGrad(null);
            Tensor h = qkv.permute(2, 0, 3, 1, 4);
            Tensor q = h.select(0, 0), k = h.select(0, 1), v = h.select(0, 2);
            q.matmul(k.transpose(-2, -1)).matmul(v).backward(go);
        });
        rows.put("attention q·kᵀ, w·v [16, 4, 128, 64] copies, per matrix", () -> {
            qkv.setGrad(null);
            Tensor h = qkv.permute(2, 0, 3, 1, 4);
            Tensor q = h.select(0, 0).contiguous().reshape(64, 128, 64), k = h.select(0, 1).contiguous().reshape(64, 128, 64);
            Tensor v = h.select(0, 2).contiguous().reshape(64, 128, 64);
            Tensor kt = k.transpose(-2, -1).contiguous();
            List<Tensor> s = new ArrayList<>(), o = new ArrayList<>();
            for (int i = 0; i < 64; i++) s.add(q.select(0, i).mm(kt.select(0, i)));
            Tensor scores = Tensor.stack(s, 0);
            for (int i = 0; i < 64; i++) o.add(scores.select(0, i).mm(v.select(0, i)));
            Tensor.stack(o, 0).reshape(16, 4, 128, 64).backward(go);
        });
        Module model = Workloads.transformer(false, 0);
        List<Parameter> ps = model.parameters();
        for (Parameter p : ps) p.setGrad(Tensor.randn(p.dtype(), p.shape()).mul(1e-3));
        Optimizer fused = new AdamW(ps, 1e-6);
        rows.put("AdamW step, the transformer's 2.1M parameters, fused", fused::step);
        Map<Parameter, INDArray[]> state = new LinkedHashMap<>();
        rows.put("AdamW step, the transformer's 2.1M parameters, ND4J form", () -> {
            for (Parameter p : ps) {
                INDArray param = p.nd(), grad = p.grad().nd();
                INDArray[] mv = state.computeIfAbsent(p, k -> new INDArray[] {Nd4j.zerosLike(param), Nd4j.zerosLike(param)});
                param.muli(1 - 1e-6 * 1e-2);
                mv[0].muli(0.9).addi(grad.mul(0.1));
                mv[1].muli(0.999).addi(grad.mul(grad).muli(0.001));
                INDArray denom = Transforms.sqrt(mv[1], true).divi(0.5).addi(1e-8);
                param.subi(mv[0].div(denom).muli(1e-6 / 0.5));
            }
        });
        Map<String, List<Double>> times = new LinkedHashMap<>();
        for (Runnable r : rows.values()) for (int i = 0; i < 2; i++) r.run();   // warm-up
        for (int round = 0; round < rounds; round++) {
            for (var e : rows.entrySet()) {
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) e.getValue().run();
                times.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6 / reps);
            }
        }
        System.out.printf("TransformerKernelBench: %d threads, median of %d rounds x %d reps, ms (forward + backward where there is one)%n",
                Nabla.numThreads(), rounds, reps);
        for (var e : times.entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue());
            v.sort(null);
            System.out.printf("%-62s %9.3f%n", e.getKey(), v.get(v.size() / 2));
        }
    }
}
