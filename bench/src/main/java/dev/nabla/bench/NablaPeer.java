package dev.nabla.bench;

import dev.nabla.api.Grad;
import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Profiler;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.Batch;
import dev.nabla.datasets.Compose;
import dev.nabla.datasets.DataLoader;
import dev.nabla.datasets.FashionMnist;
import dev.nabla.datasets.Normalize;
import dev.nabla.datasets.ToTensor;
import dev.nabla.datasets.Transform;
import dev.nabla.layers.Conv2d;
import dev.nabla.layers.F;
import dev.nabla.layers.Flatten;
import dev.nabla.layers.Linear;
import dev.nabla.layers.MaxPool2d;
import dev.nabla.layers.ReLU;
import dev.nabla.training.SGD;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Nabla's side: the user's path (FashionMnist, Compose(ToTensor, Normalize), DataLoader, Sequential, SGD). */
final class NablaPeer extends PeerWorker {
    private final FashionMnist train, test;

    NablaPeer(Path data, double mean, double std, int threads) throws IOException {
        super(data, mean, std, threads);
        Transform t = new Compose(new ToTensor(), new Normalize(mean, std));
        train = new FashionMnist(data, true, t);
        test = new FashionMnist(data, false, t);
    }

    @Override
    String info() {
        return "peer=nabla native=" + Nabla.nativeBuild() + " blas=" + Nabla.blas() + " java=" + System.getProperty("java.version")
                + " threads=" + Nabla.numThreads() + " vectorApi=" + dev.nabla.layers.kernels.Kernels.vectorApi();
    }

    static Module convnet() {
        return new Sequential(
                new Conv2d(1, 32, 5), new MaxPool2d(3), new ReLU(),
                new Conv2d(32, 64, 5), new MaxPool2d(2), new ReLU(),
                new Flatten(), new Linear(256, 200), new ReLU(), new Linear(200, 10));
    }

    static Module mlp() {
        return new Sequential(new Flatten(), new Linear(784, 512), new ReLU(), new Linear(512, 512), new ReLU(), new Linear(512, 10));
    }

    @Override
    String epoch(boolean conv, int batches, int testCount, long seed) {
        Nabla.manualSeed(seed);
        Module model = conv ? convnet() : mlp();
        Optimizer opt = new SGD(model.parameters(), 0.1);
        DataLoader<?> loader = new DataLoader<>(train, 100, true);
        model.train();
        long t0 = System.nanoTime();
        double lossSum = 0;
        int n = 0;
        for (Batch b : loader) {
            if (n == batches) break;
            Tensor loss = F.crossEntropy(model.forward(b.x()), b.y());
            opt.zeroGrad();
            loss.backward();
            opt.step();
            lossSum += loss.item();
            n++;
        }
        long t1 = System.nanoTime();
        model.eval();
        long correct = 0, seen = 0;
        try (var g = Grad.disabled()) {
            for (Batch b : new DataLoader<>(test, 1000)) {
                if (seen >= testCount) break;
                correct += (long) model.forward(b.x()).argmax(1).eq(b.y()).sum().item();
                seen += b.size();
            }
        }
        long t2 = System.nanoTime();
        return fmt("seconds=%.4f eval_seconds=%.4f acc=%.4f loss=%.4f", (t1 - t0) / 1e9, (t2 - t1) / 1e9, (double) correct / seen, lossSum / n);
    }

    @Override
    String infer(int batches) {
        Nabla.manualSeed(0);
        Module model = convnet();
        model.eval();
        List<Tensor> xs = new ArrayList<>();
        for (Batch b : new DataLoader<>(test, 1000)) xs.add(b.x());
        long t0 = System.nanoTime();
        try (var g = Grad.disabled()) {
            for (int i = 0; i < batches; i++) model.forward(xs.get(i % xs.size())).argmax(1);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        return fmt("seconds=%.4f ips=%.1f", s, batches * 1000 / s);
    }

    @Override
    String step1(int steps) {
        Nabla.manualSeed(0);
        Module model = convnet();
        Optimizer opt = new SGD(model.parameters(), 0.1);
        Batch b = new DataLoader<>(train, 1).iterator().next();
        double[] ms = new double[steps];
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            Tensor loss = F.crossEntropy(model.forward(b.x()), b.y());
            opt.zeroGrad();
            loss.backward();
            opt.step();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return fmt("ms=%.4f", median(ms));
    }

    @Override
    String resnet20(int steps, int batch, long seed) throws IOException {
        Module model = Workloads.resnet20(seed);
        Optimizer opt = Workloads.resnetOptimizer(model);
        Workloads.Images pool = Workloads.cifar(data, Workloads.RESNET_POOL);
        List<Tensor[]> batches = new ArrayList<>();
        for (int k = 0; k < Workloads.RESNET_POOL / batch; k++) batches.add(Workloads.imageBatch(pool, k, batch));
        model.train();
        double[] ms = new double[steps];
        double loss = 0;
        for (int i = 0; i < steps; i++) {
            Tensor[] b = batches.get(i % batches.size());
            long t0 = System.nanoTime();
            loss = Workloads.resnetStep(model, opt, b[0], b[1]);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        double m = median(ms);
        return fmt("ms=%.4f ips=%.1f loss=%.4f", m, batch * 1000 / m, loss);
    }

    @Override
    String transformer(boolean normFirst, int steps, int batch, int seq, long seed) {
        Module model = Workloads.transformer(normFirst, seed);
        Optimizer opt = Workloads.transformerOptimizer(model);
        List<Tensor[]> batches = new ArrayList<>();
        for (int k = 0; k < 4; k++) batches.add(Workloads.tokenBatch(k, batch, seq));
        model.train();
        double[] ms = new double[steps];
        double loss = 0;
        for (int i = 0; i < steps; i++) {
            Tensor[] b = batches.get(i % 4);
            long t0 = System.nanoTime();
            loss = Workloads.transformerStep(model, opt, b[0], b[1]);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return fmt("ms=%.4f loss=%.4f", median(ms), loss);
    }

    /** One op's forward and backward (the gradient given), at the shapes of bench_torch.py's MICRO. */
    @Override
    String micro(String op, int reps) {
        Nabla.manualSeed(0);
        long[] shape = Workloads.microShape(op);
        java.util.function.UnaryOperator<Tensor> f = Workloads.microOp(op, shape);
        Tensor x = Tensor.randn(shape).requiresGrad_(), g = Tensor.randn(shape);
        double[] ms = new double[reps];
        long[] before = dev.nabla.api.Pool.stats();
        // -Dnabla.bench.microTrace=true (in -Dnabla.bench.peerJvmArgs): each call's forward/total ms, "m" where the pool
        // took fresh memory, "g" where a collection ran, and the pool's lent and idle bytes before the first call
        boolean trace = Boolean.getBoolean("nabla.bench.microTrace");
        StringBuilder tr = new StringBuilder();
        for (int i = 0; i < reps; i++) {
            long m0 = trace ? dev.nabla.api.Pool.stats()[2] : 0, c0 = trace ? collections() : 0;
            long t0 = System.nanoTime();
            Tensor y = f.apply(x);
            long tf = System.nanoTime();
            y.backward(g);
            ms[i] = (System.nanoTime() - t0) / 1e6;
            x.setGrad(null);
            if (trace) {
                tr.append(fmt(" %.1f/%.1f", (tf - t0) / 1e6, ms[i])).append(dev.nabla.api.Pool.stats()[2] > m0 ? "m" : "")
                        .append(collections() > c0 ? "g" : "");
            }
        }
        if (trace) protocol.println("| micro " + op + fmt(" lent %.0f MB idle %.0f MB before:", before[0] / 1e6, before[1] / 1e6) + tr);
        long[] after = dev.nabla.api.Pool.stats();   // fresh allocations and reuses of the memory pool over the timed calls
        return fmt("ms=%.4f pool_misses=%d pool_hits=%d", median(ms), after[2] - before[2], after[3] - before[3]);
    }

    private static long collections() {
        long n = 0;
        for (var b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) n += Math.max(0, b.getCollectionCount());
        return n;
    }

    /** The GEMM floor of a workload's training step (GemmFloor), its products printed as "| " lines. */
    @Override
    String gemm(String workload) {
        List<GemmFloor.Mm> products = switch (workload) {
            case "resnet20" -> GemmFloor.resnet20(128);
            case "transformer" -> GemmFloor.transformer(16, 128, Workloads.D_MODEL, Workloads.HEADS, Workloads.FEED_FORWARD, Workloads.LAYERS,
                    Workloads.VOCAB);
            default -> throw new IllegalArgumentException("gemm: unknown workload " + workload + "; expected resnet20 or transformer");
        };
        GemmFloor.Floor f = GemmFloor.measure(products);
        protocol.println(fmt("| GEMM floor of a %s training step: %.2f GFLOP in matrix products, %.1f ms as float32 sgemm alone (%.1f GFLOP/s)",
                workload, f.gflop(), f.ms(), f.gflops()));
        for (String l : f.lines()) protocol.println("|   " + l);
        return fmt("ms=%.4f gflop=%.4f gflops=%.2f", f.ms(), f.gflop(), f.gflops());
    }

    /**
     * Per-op times of training steps (workload convnet at batch 100, resnet20 at 128, transformer-pre or
     * transformer-post at 16 × 128 tokens), printed as "| " lines; the step's phases timed here.
     */
    @Override
    String profile(String workload, int batches) throws IOException {
        if (!workload.equals("convnet")) return profileNew(workload, batches);
        return profileConvnet(batches);
    }

    private String profileNew(String workload, int steps) throws IOException {
        boolean resnet = workload.equals("resnet20");
        if (!resnet && !workload.startsWith("transformer-")) {
            throw new IllegalArgumentException("profile: unknown workload " + workload + "; expected convnet, resnet20, transformer-pre, transformer-post");
        }
        Module model = resnet ? Workloads.resnet20(0) : Workloads.transformer(workload.equals("transformer-pre"), 0);
        Optimizer opt = resnet ? Workloads.resnetOptimizer(model) : Workloads.transformerOptimizer(model);
        Workloads.Images pool = resnet ? Workloads.cifar(data, Workloads.RESNET_POOL) : null;
        Tensor[] b = resnet ? Workloads.imageBatch(pool, 0, 128) : Workloads.tokenBatch(0, 16, 128);
        model.train();
        for (int i = 0; i < 2; i++) step(resnet, model, opt, b); // warm
        Profiler.reset();
        Profiler.enable();
        long total = System.nanoTime();
        try {
            for (int i = 0; i < steps; i++) {
                long t1 = System.nanoTime();
                Tensor out = model.forward(b[0]);
                Tensor loss = resnet ? F.crossEntropy(out, b[1]) : F.crossEntropy(out.reshape(-1, Workloads.VOCAB), b[1].reshape(-1));
                opt.zeroGrad();
                long t2 = System.nanoTime();
                loss.backward();
                long t3 = System.nanoTime();
                opt.step();
                long t4 = System.nanoTime();
                Profiler.record("step: forward + loss", t2 - t1);
                Profiler.record("step: backward", t3 - t2);
                Profiler.record("step: optimizer", t4 - t3);
            }
        } finally {
            Profiler.disable();
        }
        double s = (System.nanoTime() - total) / 1e9;
        protocol.println("| Nabla per-op profile: " + steps + " " + workload + " training steps, " + fmt("%.2f s", s)
                + " (\"step:\" rows are each phase's wall time, the op rows run inside them; share is of the sum of all rows)");
        String[] rows = Profiler.report().split("\n");
        for (int i = 0; i < Math.min(rows.length, 31); i++) protocol.println("| " + rows[i]);
        if (rows.length > 31) protocol.println("| (" + (rows.length - 31) + " smaller rows left out)");
        return fmt("seconds=%.4f", s);
    }

    private static void step(boolean resnet, Module model, Optimizer opt, Tensor[] b) {
        if (resnet) Workloads.resnetStep(model, opt, b[0], b[1]);
        else Workloads.transformerStep(model, opt, b[0], b[1]);
    }

    /** Per-op times of convnet training steps at batch 100, printed as "| " lines; data loading and the optimizer step timed here. */
    private String profileConvnet(int batches) {
        Nabla.manualSeed(0);
        Module model = convnet();
        Optimizer opt = new SGD(model.parameters(), 0.1);
        Iterator<Batch> it = new DataLoader<>(train, 100, true).iterator();
        Profiler.reset();
        Profiler.enable();
        long total = System.nanoTime();
        try {
            for (int i = 0; i < batches && it.hasNext(); i++) {
                long t0 = System.nanoTime();
                Batch b = it.next();
                long t1 = System.nanoTime();
                Tensor loss = F.crossEntropy(model.forward(b.x()), b.y());
                opt.zeroGrad();
                long t2 = System.nanoTime();
                loss.backward();
                long t3 = System.nanoTime();
                opt.step();
                long t4 = System.nanoTime();
                Profiler.record("step: data loading", t1 - t0);
                Profiler.record("step: forward + loss", t2 - t1);
                Profiler.record("step: backward", t3 - t2);
                Profiler.record("step: optimizer (SGD)", t4 - t3);
            }
        } finally {
            Profiler.disable();
        }
        double s = (System.nanoTime() - total) / 1e9;
        protocol.println("| Nabla per-op profile: " + batches + " convnet training steps at batch 100, " + fmt("%.2f s", s)
                + " (\"step:\" rows are each phase's wall time, the op rows run inside them; share is of the sum of all rows)");
        for (String l : Profiler.report().split("\n")) protocol.println("| " + l);
        return fmt("seconds=%.4f", s);
    }
}
