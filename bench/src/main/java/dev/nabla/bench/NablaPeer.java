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
                + " threads=" + Nabla.numThreads();
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

    /** Per-op times of convnet training steps at batch 100, printed as "| " lines; data loading and the optimizer step timed here. */
    @Override
    String profile(int batches) {
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
