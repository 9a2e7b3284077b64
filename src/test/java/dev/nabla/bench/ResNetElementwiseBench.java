package dev.nabla.bench;

import dev.nabla.api.Blas;
import dev.nabla.api.Grad;
import dev.nabla.api.Nabla;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;
import dev.nabla.layers.F;
import dev.nabla.training.SGD;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ResNet-20's element-wise steps at batch 128 (a gradient [128, 16, 32, 32]), each as the framework runs it now against the way it ran before (the
 * same computation written with the ND4J calls the earlier code made), interleaved in one process after a warm-up;
 * medians in ms and the ratio new/old:
 * <ul>
 *   <li>a gradient accumulated for a tensor used twice: in place (saxpy into the owned one) vs a new array;</li>
 *   <li>global average pooling [128, 64, 8, 8], forward + backward: on the float data vs through float64 copies;</li>
 *   <li>the SGD step over ResNet-20's parameter shapes (momentum 0.9, weight decay 5e-4): one pass vs ND4J's ops
 *       (g + wd·p, buf·m + d, saxpy).</li>
 * </ul>
 *
 * <pre>mvn -o -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.bench.ResNetElementwiseBench -Dexec.args="ROUNDS REPS"</pre>
 */
public final class ResNetElementwiseBench {
    private ResNetElementwiseBench() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7, reps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Nabla.manualSeed(0);
        Tensor a = Tensor.randn(128, 16, 32, 32), b = Tensor.randn(128, 16, 32, 32);
        INDArray acc = a.nd().dup(), other = b.nd();
        Tensor pooled = Tensor.randn(128, 64, 8, 8), gPooled = Tensor.randn(128, 64, 1, 1);
        List<Parameter> ps = new ArrayList<>(), qs = new ArrayList<>();
        for (Parameter p : Workloads.resnet20(0).parameters()) {
            Parameter q = new Parameter(Tensor.from(p.nd().dup()));
            p.setGrad(Tensor.randn(p.shape().toArray()).mul(0.01));
            q.setGrad(Tensor.from(p.grad().nd().dup()));
            ps.add(p);
            qs.add(q);
        }
        SGD sgd = new SGD(ps, 0.1, 0.9, 0, 5e-4, false);
        Map<INDArray, INDArray> buffers = new java.util.IdentityHashMap<>();
        Map<String, Runnable> ops = new LinkedHashMap<>();
        ops.put("accumulate new", () -> Blas.saxpy(1f, other, acc));
        ops.put("accumulate old", () -> acc.add(other));
        ops.put("global avg pool new", () -> {
            Tensor x = pooled.detach().requiresGrad_();
            F.adaptiveAvgPool2d(x, 1, 1).backward(gPooled);
        });
        ops.put("global avg pool old", () -> {   // the float64 path, with the casts the float32 input took
            Tensor x = Tensor.from(pooled.nd().castTo(DataType.DOUBLE)).requiresGrad_();
            Tensor y = F.adaptiveAvgPool2d(x, 1, 1);
            y.nd().castTo(DataType.FLOAT);
            y.backward(Tensor.from(gPooled.nd().castTo(DataType.DOUBLE)));
            x.grad().nd().castTo(DataType.FLOAT);
        });
        ops.put("sgd step new", sgd::step);
        ops.put("sgd step old", () -> {
            try (var off = Grad.disabled()) {
                for (Parameter q : qs) {
                    INDArray param = q.nd(), d = q.grad().nd().add(param.mul(5e-4));
                    INDArray buf = buffers.get(param);
                    if (buf == null) buffers.put(param, d.dup());
                    else buf.muli(0.9).addi(d);
                    Blas.saxpy(-0.1f, buf == null ? d : buf, param);
                }
            }
        });
        Map<String, List<Double>> times = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(ops.keySet());
        for (int round = -2; round < rounds; round++) {   // rounds −2, −1: warm-up
            List<String> order = new ArrayList<>(names);
            if (round % 2 != 0) java.util.Collections.reverse(order);
            for (String name : order) {
                Runnable r = ops.get(name);
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) r.run();
                if (round >= 0) times.computeIfAbsent(name, k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6 / reps);
            }
        }
        System.out.printf("ResNet-20 element-wise steps, %d rounds x %d reps, %d threads, load %s%n", rounds, reps, Nabla.numThreads(),
                ResNetConvBench.load());
        System.out.printf("%-22s %10s %10s %8s%n", "op", "new ms", "old ms", "new/old");
        for (int i = 0; i < names.size(); i += 2) {
            double n = ResNetConvBench.median(times.get(names.get(i))), o = ResNetConvBench.median(times.get(names.get(i + 1)));
            System.out.printf("%-22s %10.3f %10.3f %8.2f%n", names.get(i).replace(" new", ""), n, o, n / o);
        }
    }
}
