package dev.nabla.bench;

import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import dev.nabla.layers.Conv2d;
import dev.nabla.layers.F;
import dev.nabla.layers.Flatten;
import dev.nabla.layers.Linear;
import dev.nabla.layers.MaxPool2d;
import dev.nabla.layers.ReLU;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The project's conv/pool kernels against libnd4j's for the course convnet's shapes at batch 100, forward and
 * backward, and one full training step (forward, backward, SGD) with each. Interleaved runs after warm-up; medians.
 *
 * <pre>mvn -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.bench.KernelBench [-Dexec.args="ROUNDS [REPS [ROW-FILTER]]"]</pre>
 */
public final class KernelBench {
    private KernelBench() {}

    private static final Map<String, List<Double>> TIMES = new LinkedHashMap<>();

    private static void time(String name, Runnable r, int reps) {
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) r.run();
        TIMES.computeIfAbsent(name, k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6 / reps);
    }

    /** libnd4j as anyone calls it: its kernels (and its own loops) on all the threads of OpenMP. */
    private static void libExec(org.nd4j.linalg.api.ops.CustomOp op) {
        var ops = org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps();
        ops.setOmpNumThreads(dev.nabla.api.Nabla.numThreads());
        Nd4j.getEnvironment().setMaxThreads(dev.nabla.api.Nabla.numThreads());
        try {
            Nd4j.exec(op);
        } finally {
            Nd4j.getEnvironment().setMaxThreads(1);
            ops.setOmpNumThreads(1);
        }
    }

    private static INDArray conv(INDArray x, INDArray w, INDArray b) {
        long oh = x.size(2) - w.size(2) + 1, ow = x.size(3) - w.size(3) + 1;
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.size(0), w.size(0), oh, ow);
        libExec(DynamicCustomOp.builder("conv2d").addInputs(x, w, b).addOutputs(out)
                .addIntegerArguments((int) w.size(2), (int) w.size(3), 1, 1, 0, 0, 1, 1, 0, 0, 1).build());
        return out;
    }

    private static INDArray[] convBp(INDArray x, INDArray w, INDArray b, INDArray g) {
        INDArray gi = Nd4j.createUninitialized(DataType.FLOAT, x.shape()), gw = Nd4j.createUninitialized(DataType.FLOAT, w.shape()),
                gb = Nd4j.createUninitialized(DataType.FLOAT, b.shape());
        libExec(DynamicCustomOp.builder("conv2d_bp").addInputs(x, w, b, g).addOutputs(gi, gw, gb)
                .addIntegerArguments((int) w.size(2), (int) w.size(3), 1, 1, 0, 0, 1, 1, 0, 0, 1).build());
        return new INDArray[] {gi, gw, gb};
    }

    private static INDArray pool(INDArray x, int k) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.size(0), x.size(1), x.size(2) / k, x.size(3) / k);
        libExec(DynamicCustomOp.builder("maxpool2d").addInputs(x).addOutputs(out).addIntegerArguments(k, k, k, k, 0, 0, 1, 1, 0, 0, 0).build());
        return out;
    }

    private static INDArray poolBp(INDArray x, INDArray g, int k) {
        INDArray gi = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        libExec(DynamicCustomOp.builder("maxpool2d_bp").addInputs(x, g).addOutputs(gi).addIntegerArguments(k, k, k, k, 0, 0, 1, 1, 0, 0, 0).build());
        return gi;
    }

    /** One training step of the course convnet composed of libnd4j's kernels on raw arrays (the 67.6 s/epoch baseline). */
    static final class LibStep {
        final INDArray w1 = Nd4j.randn(DataType.FLOAT, 32, 1, 5, 5).muli(0.2), b1 = Nd4j.zeros(DataType.FLOAT, 32);
        final INDArray w2 = Nd4j.randn(DataType.FLOAT, 64, 32, 5, 5).muli(0.035), b2 = Nd4j.zeros(DataType.FLOAT, 64);
        final INDArray w3 = Nd4j.randn(DataType.FLOAT, 256, 200).muli(0.06), b3 = Nd4j.zeros(DataType.FLOAT, 1, 200);
        final INDArray w4 = Nd4j.randn(DataType.FLOAT, 200, 10).muli(0.07), b4 = Nd4j.zeros(DataType.FLOAT, 1, 10);

        void step(INDArray x, INDArray onehot) {
            INDArray c1 = conv(x, w1, b1), p1 = pool(c1, 3), r1 = Transforms.relu(p1, true);
            INDArray c2 = conv(r1, w2, b2), p2 = pool(c2, 2), r2 = Transforms.relu(p2, true);
            INDArray f = r2.reshape(100, 256), h = f.mmul(w3).addiRowVector(b3), a = Transforms.relu(h, true);
            INDArray z = a.mmul(w4).addiRowVector(b4);
            INDArray gz = Transforms.softmax(z, true).subi(onehot).divi(100);
            INDArray gw4 = a.transpose().mmul(gz), gb4 = gz.sum(true, 0), ga = gz.mmul(w4.transpose());
            INDArray gh = ga.muli(h.gt(0).castTo(DataType.FLOAT));
            INDArray gw3 = f.transpose().mmul(gh), gb3 = gh.sum(true, 0), gf = gh.mmul(w3.transpose());
            INDArray gp2 = gf.reshape(r2.shape()).muli(p2.gt(0).castTo(DataType.FLOAT));
            INDArray gc2 = poolBp(c2, gp2, 2);
            INDArray[] g2 = convBp(r1, w2, b2, gc2);
            INDArray gp1 = g2[0].muli(p1.gt(0).castTo(DataType.FLOAT));
            INDArray gc1 = poolBp(c1, gp1, 3);
            INDArray[] g1 = convBp(x, w1, b1, gc1);
            w1.subi(g1[1].muli(0.1)); b1.subi(g1[2].muli(0.1)); w2.subi(g2[1].muli(0.1)); b2.subi(g2[2].muli(0.1));
            w3.subi(gw3.muli(0.1)); b3.subi(gb3.muli(0.1)); w4.subi(gw4.muli(0.1)); b4.subi(gb4.muli(0.1));
        }
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5, reps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String only = args.length > 2 ? args[2] : "";   // runs only the rows whose name contains it
        Nabla.manualSeed(0);
        Tensor x = Tensor.randn(100, 1, 28, 28), y = Tensor.randint(0, 10, 100);
        Tensor w1 = Tensor.randn(32, 1, 5, 5).requiresGrad_(), b1 = Tensor.randn(32).requiresGrad_();
        Tensor x2 = Tensor.randn(100, 32, 8, 8).requiresGrad_();
        Tensor w2 = Tensor.randn(64, 32, 5, 5).requiresGrad_(), b2 = Tensor.randn(64).requiresGrad_();
        Tensor c1 = Tensor.randn(100, 32, 24, 24).requiresGrad_(), c2 = Tensor.randn(100, 64, 4, 4).requiresGrad_();
        Tensor g1 = Tensor.randn(100, 32, 24, 24), g2 = Tensor.randn(100, 64, 4, 4), gp1 = Tensor.randn(100, 32, 8, 8), gp2 = Tensor.randn(100, 64, 2, 2);
        int[] one = {1, 1}, zero4 = {0, 0, 0, 0};
        Module net = new Sequential(new Conv2d(1, 32, 5), new MaxPool2d(3), new ReLU(), new Conv2d(32, 64, 5), new MaxPool2d(2), new ReLU(),
                new Flatten(), new Linear(256, 200), new ReLU(), new Linear(200, 10));
        LibStep lib = new LibStep();
        INDArray onehot = Nd4j.zeros(DataType.FLOAT, 100, 10);
        for (int i = 0; i < 100; i++) onehot.putScalar(i, y.nd().getLong(i), 1.0);

        Map<String, Runnable> work = new LinkedHashMap<>();
        work.put("conv1 forward       own", () -> F.conv2d(x, w1, b1, one, zero4, one, 1));
        work.put("conv1 forward       lib", () -> conv(x.nd(), w1.nd(), b1.nd()));
        work.put("conv1 fwd+bwd       own", () -> F.conv2d(x, w1, b1, one, zero4, one, 1).backward(g1));
        work.put("conv1 backward      lib", () -> convBp(x.nd(), w1.nd(), b1.nd(), g1.nd()));
        work.put("conv2 forward       own", () -> F.conv2d(x2, w2, b2, one, zero4, one, 1));
        work.put("conv2 forward       lib", () -> conv(x2.nd(), w2.nd(), b2.nd()));
        work.put("conv2 fwd+bwd       own", () -> F.conv2d(x2, w2, b2, one, zero4, one, 1).backward(g2));
        work.put("conv2 backward      lib", () -> convBp(x2.nd(), w2.nd(), b2.nd(), g2.nd()));
        work.put("maxpool3 forward    own", () -> F.maxPool2d(c1, new int[] {3, 3}, new int[] {3, 3}, new int[] {0, 0}, one, false));
        work.put("maxpool3 forward    lib", () -> pool(c1.nd(), 3));
        work.put("maxpool3 fwd+bwd    own", () -> F.maxPool2d(c1, new int[] {3, 3}, new int[] {3, 3}, new int[] {0, 0}, one, false).backward(gp1));
        work.put("maxpool3 backward   lib", () -> poolBp(c1.nd(), gp1.nd(), 3));
        // conv1 and its pooling: the project's fused op (Conv2d then MaxPool2d in a Sequential) against libnd4j's two kernels
        Conv2d fusedConv = new Conv2d(1, 32, 5);
        fusedConv.weight().nd().assign(w1.nd());
        fusedConv.bias().nd().assign(b1.nd());
        Sequential convPool = new Sequential(fusedConv, new MaxPool2d(3));
        work.put("conv1+pool3 forward  own (fused)", () -> convPool.forward(x));
        work.put("conv1+pool3 forward  lib", () -> pool(conv(x.nd(), w1.nd(), b1.nd()), 3));
        work.put("conv1+pool3 fwd+bwd  own (fused)", () -> {
            convPool.zeroGrad();
            convPool.forward(x).backward(gp1);
        });
        work.put("conv1+pool3 fwd+bwd  lib", () -> {
            INDArray c = conv(x.nd(), w1.nd(), b1.nd());
            pool(c, 3);
            convBp(x.nd(), w1.nd(), b1.nd(), poolBp(c, gp1.nd(), 3));
        });
        work.put("maxpool2 forward    own", () -> F.maxPool2d(c2, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, one, false));
        work.put("maxpool2 forward    lib", () -> pool(c2.nd(), 2));
        work.put("maxpool2 fwd+bwd    own", () -> F.maxPool2d(c2, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, one, false).backward(gp2));
        work.put("maxpool2 backward   lib", () -> poolBp(c2.nd(), gp2.nd(), 2));
        dev.nabla.api.Optimizer sgd = new dev.nabla.training.SGD(net.parameters(), 0.1);
        Runnable step = () -> {
            Tensor loss = F.crossEntropy(net.forward(x), y);
            sgd.zeroGrad();
            loss.backward();
            sgd.step();
        };
        work.put("training step  Nabla (default)", step);
        work.put("training step  Nabla, own kernels", () -> {
            dev.nabla.layers.kernels.Kernels previous = dev.nabla.layers.kernels.Kernels.use(dev.nabla.layers.kernels.Kernels.OWN);
            try {
                step.run();
            } finally {
                dev.nabla.layers.kernels.Kernels.use(previous);
            }
        });
        work.put("training step  libnd4j composed", () -> lib.step(x.nd(), onehot));

        for (Map.Entry<String, Runnable> e : work.entrySet()) {   // the "own" rows run the project's kernels
            if (e.getKey().contains(" own")) {
                Runnable r = e.getValue();
                e.setValue(() -> {
                    dev.nabla.layers.kernels.Kernels previous = dev.nabla.layers.kernels.Kernels.use(dev.nabla.layers.kernels.Kernels.OWN);
                    try {
                        r.run();
                    } finally {
                        dev.nabla.layers.kernels.Kernels.use(previous);
                    }
                });
            }
        }
        work.keySet().removeIf(name -> !name.contains(only));
        for (Map.Entry<String, Runnable> e : work.entrySet()) time(e.getKey(), e.getValue(), 3);   // warm-up
        TIMES.clear();
        for (int r = 0; r < rounds; r++) for (Map.Entry<String, Runnable> e : work.entrySet()) time(e.getKey(), e.getValue(), reps);
        System.out.printf("ND4J native build %s, %d cores, batch 100, median of %d rounds x %d reps%n", Nabla.nativeBuild(),
                Runtime.getRuntime().availableProcessors(), rounds, reps);
        for (Map.Entry<String, List<Double>> e : TIMES.entrySet()) {
            double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.printf("%s  %8.2f ms  (min %.2f, max %.2f)%n", e.getKey(), v[v.length / 2], v[0], v[v.length - 1]);
        }
    }
}
