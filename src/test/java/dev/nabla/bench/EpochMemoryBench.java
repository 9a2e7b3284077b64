package dev.nabla.bench;

import dev.nabla.api.Grad;
import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Pool;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.Batch;
import dev.nabla.datasets.Compose;
import dev.nabla.datasets.DataLoader;
import dev.nabla.datasets.FashionMnist;
import dev.nabla.datasets.Normalize;
import dev.nabla.datasets.ToTensor;
import dev.nabla.layers.Conv2d;
import dev.nabla.layers.F;
import dev.nabla.layers.Flatten;
import dev.nabla.layers.Linear;
import dev.nabla.layers.MaxPool2d;
import dev.nabla.layers.ReLU;
import dev.nabla.training.SGD;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Memory over many epochs of real training (issue 17: "steady state flat, ±5%, over 10 epochs"): the course convnet or
 * the MLP 784-512-512-10 on Fashion-MNIST at batch 100, SGD lr 0.1, written as a user would (the networks of
 * VsPyTorch's Nabla peer). After each epoch: resident size (VmRSS) and its peak (VmHWM), heap used, the pool's lent and
 * idle bytes, JavaCPP's physical bytes, collections so far, the epoch's seconds and test accuracy. Run with
 *
 * <pre>
 * mvn -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.bench.EpochMemoryBench -Dexec.args="convnet 10"
 * </pre>
 *
 * Arguments: {@code convnet|mlp} (default convnet), epochs (default 10), data folder (default ../shared/data).
 */
public final class EpochMemoryBench {
    private EpochMemoryBench() {}

    public static void main(String[] args) throws IOException {
        String net = args.length > 0 && !args[0].isBlank() ? args[0] : "convnet";
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path data = Path.of(args.length > 2 ? args[2] : "../shared/data");
        if (!net.equals("convnet") && !net.equals("mlp")) throw new IllegalArgumentException("EpochMemoryBench: expected convnet or mlp, got " + net);
        var t = new Compose(new ToTensor(), new Normalize(0.2860, 0.3530));
        var train = new FashionMnist(data, true, t);
        var test = new FashionMnist(data, false, t);
        Nabla.manualSeed(0);
        Module model = net.equals("convnet")
                ? new Sequential(new Conv2d(1, 32, 5), new MaxPool2d(3), new ReLU(), new Conv2d(32, 64, 5), new MaxPool2d(2), new ReLU(),
                        new Flatten(), new Linear(256, 200), new ReLU(), new Linear(200, 10))
                : new Sequential(new Flatten(), new Linear(784, 512), new ReLU(), new Linear(512, 512), new ReLU(), new Linear(512, 10));
        Optimizer opt = new SGD(model.parameters(), 0.1);
        System.out.printf(Locale.ROOT, "%s on Fashion-MNIST, batch 100, %d epochs; %s, %d threads, max heap %d MB%n", net, epochs,
                Nabla.nativeBuild(), Nabla.numThreads(), Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "%5s %9s %8s %9s %9s %9s %9s %9s %11s %6s%n", "epoch", "seconds", "test acc", "RSS MB", "HWM MB",
                "heap MB", "lent MB", "idle MB", "physical MB", "GCs");
        for (int e = 1; e <= epochs; e++) {
            long t0 = System.nanoTime();
            model.train();
            for (Batch b : new DataLoader<>(train, 100, true)) {
                Tensor loss = F.crossEntropy(model.forward(b.x()), b.y());
                opt.zeroGrad();
                loss.backward();
                opt.step();
            }
            model.eval();
            long correct = 0, seen = 0;
            try (var g = Grad.disabled()) {
                for (Batch b : new DataLoader<>(test, 1000)) {
                    correct += (long) model.forward(b.x()).argmax(1).eq(b.y()).sum().item();
                    seen += b.size();
                }
            }
            double s = (System.nanoTime() - t0) / 1e9;
            long[] pool = Pool.stats();
            Runtime rt = Runtime.getRuntime();
            long gcs = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) gcs += Math.max(0, gc.getCollectionCount());
            System.out.printf(Locale.ROOT, "%5d %9.2f %8.4f %9.1f %9.1f %9.1f %9.1f %9.1f %11.1f %6d%n", e, s, (double) correct / seen,
                    status("VmRSS"), status("VmHWM"), (rt.totalMemory() - rt.freeMemory()) / 1048576.0, pool[0] / 1048576.0,
                    pool[1] / 1048576.0, org.bytedeco.javacpp.Pointer.physicalBytes() / 1048576.0, gcs);
        }
    }

    /** A line of /proc/self/status in MB (NaN where there is none). */
    static double status(String key) throws IOException {
        Path p = Path.of("/proc/self/status");
        if (!Files.isReadable(p)) return Double.NaN;
        for (String l : Files.readAllLines(p)) {
            if (l.startsWith(key + ":")) return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
        }
        return Double.NaN;
    }
}
