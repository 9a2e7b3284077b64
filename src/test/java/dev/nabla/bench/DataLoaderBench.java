package dev.nabla.bench;

import dev.nabla.api.Grad;
import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Parameter;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.Batch;
import dev.nabla.datasets.Compose;
import dev.nabla.datasets.DataLoader;
import dev.nabla.datasets.FashionMnist;
import dev.nabla.datasets.Normalize;
import dev.nabla.datasets.RandomCrop;
import dev.nabla.datasets.ToTensor;
import dev.nabla.datasets.Transform;
import dev.nabla.layers.Conv2d;
import dev.nabla.layers.F;
import dev.nabla.layers.Flatten;
import dev.nabla.layers.Linear;
import dev.nabla.layers.MaxPool2d;
import dev.nabla.layers.ReLU;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Samples/s of the DataLoader over Fashion-MNIST train (batch 100, shuffle, ToTensor + Normalize) with
 * 0 and 2 workers, the same with a per-sample random transform, and the share of training steps of the
 * course convnet spent waiting for data. Args: [data folder (default ../shared/data)] [training steps (default 100)].
 */
public final class DataLoaderBench {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : System.getProperty("nabla.data", "../shared/data"));
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Transform normalize = new Compose(new ToTensor(), new Normalize(0.2860, 0.3530));
        Transform augment = new Compose(new RandomCrop(28, 2), new ToTensor(), new Normalize(0.2860, 0.3530));
        long t0 = System.nanoTime();
        FashionMnist plain = new FashionMnist(root, true, normalize);
        System.out.printf("read Fashion-MNIST train (60,000) in %.2f s%n", (System.nanoTime() - t0) / 1e9);
        FashionMnist augmented = new FashionMnist(root, true, augment);

        for (var ds : new FashionMnist[] {plain, augmented}) {
            String what = ds == plain ? "ToTensor+Normalize (bulk)" : "RandomCrop+ToTensor+Normalize (per sample)";
            for (int workers : new int[] {0, 2}) {
                var loader = new DataLoader<>(ds, 100, true, DataLoader.Options.DEFAULT.withNumWorkers(workers).withSeed(1));
                int epochs = ds == plain ? 5 : 2;
                drain(loader); // warm-up epoch
                long start = System.nanoTime();
                long n = 0;
                for (int e = 0; e < epochs; e++) n += drain(loader);
                double s = (System.nanoTime() - start) / 1e9;
                System.out.printf("%-44s workers=%d: %,10.0f samples/s (%.2f ms per batch of 100)%n", what, workers, n / s,
                        s * 1000 / (n / 100.0));
                loader.close();
            }
        }

        Nabla.manualSeed(0);
        Module net = new Sequential(new Conv2d(1, 32, 5), new MaxPool2d(3), new ReLU(), new Conv2d(32, 64, 5), new MaxPool2d(2),
                new ReLU(), new Flatten(), new Linear(256, 200), new ReLU(), new Linear(200, 10));
        for (int workers : new int[] {0, 2}) {
            var loader = new DataLoader<>(plain, 100, true, DataLoader.Options.DEFAULT.withNumWorkers(workers).withSeed(2));
            for (int pass = 0; pass < 2; pass++) { // the first pass warms up
                Iterator<Batch> it = loader.iterator();
                long waited = 0, total = 0;
                for (int i = 0; i < steps && it.hasNext(); i++) {
                    long a = System.nanoTime();
                    Batch b = it.next();
                    long c = System.nanoTime();
                    Tensor loss = F.crossEntropy(net.forward(b.x()), b.y());
                    net.zeroGrad();
                    loss.backward();
                    try (var g = Grad.disabled()) {
                        for (Parameter p : net.parameters()) p.sub_(p.grad().mul(0.01));
                    }
                    long d = System.nanoTime();
                    waited += c - a;
                    total += d - a;
                }
                if (pass == 1) {
                    System.out.printf("training the course convnet, workers=%d: %.1f ms per step, waiting for data %.2f ms (%.2f%% of the time)%n",
                            workers, total / 1e6 / steps, waited / 1e6 / steps, 100.0 * waited / total);
                }
            }
            loader.close();
        }
    }

    private static long drain(DataLoader<?> loader) {
        long n = 0;
        for (Batch b : loader) n += b.size();
        return n;
    }
}
