package dev.nabla.examples;

import dev.nabla.api.DType;
import dev.nabla.api.Grad;
import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.Batch;
import dev.nabla.datasets.Compose;
import dev.nabla.datasets.DataLoader;
import dev.nabla.datasets.FashionMnist;
import dev.nabla.datasets.ImageDataset;
import dev.nabla.datasets.Mnist;
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
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The course's MNIST convnet: two convolutions with max pooling, two linear layers, cross-entropy, SGD
 * 0.1, batch 100, inputs normalised by the train set's mean and std; by default 10 epochs on the
 * bundled 10,000-digit sample (first 8,000 train, last 2,000 test).
 *
 * <pre>
 * mvn -q compile exec:java                                            # the bundled sample, offline
 * mvn -q compile exec:java -Dexec.args="convnet --data DIR"           # full MNIST in DIR/mnist
 * mvn -q compile exec:java -Dexec.args="convnet --dataset fashion --data ../shared/data"
 * </pre>
 * Options: --epochs N, --seed S, --batch B, --lr X, --data DIR, --download, --dataset mnist|fashion.
 * The last line is machine-readable: {@code RESULT dataset=… epochs=… test_error=… seconds=…}.
 */
public final class ConvNet {
    private ConvNet() {}

    /** What a run is asked to do. */
    record Options(String dataset, Path data, boolean download, int epochs, long seed, int batch, double lr) {
        static Options parse(String[] args) {
            String dataset = "mnist";
            Path data = null;
            boolean download = false;
            int epochs = 10, batch = 100;
            long seed = 0;
            double lr = 0.1;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--dataset" -> dataset = value(args, ++i, a);
                    case "--data" -> data = Path.of(value(args, ++i, a));
                    case "--download" -> download = true;
                    case "--epochs" -> epochs = Integer.parseInt(value(args, ++i, a));
                    case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
                    case "--batch" -> batch = Integer.parseInt(value(args, ++i, a));
                    case "--lr" -> lr = Double.parseDouble(value(args, ++i, a));
                    default -> throw new IllegalArgumentException("convnet: unknown option '" + a
                            + "'; expected --epochs N, --seed S, --batch B, --lr X, --data DIR, --download, --dataset mnist|fashion");
                }
            }
            if (!dataset.equals("mnist") && !dataset.equals("fashion")) {
                throw new IllegalArgumentException("convnet: --dataset must be mnist or fashion, got " + dataset);
            }
            if (dataset.equals("fashion") && data == null && !download) {
                throw new IllegalArgumentException("convnet: --dataset fashion needs --data DIR (with DIR/fashion-mnist/*.gz) or --download");
            }
            return new Options(dataset, data, download, epochs, seed, batch, lr);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) throw new IllegalArgumentException("convnet: " + option + " needs a value");
            return args[i];
        }

        String label() { return dataset.equals("fashion") ? "fashion-mnist" : data == null && !download ? "mnist-sample" : "mnist"; }
    }

    /** The outcome of a run. */
    record Result(double testError, double seconds, double lastLoss) {}

    public static void main(String[] args) {
        Options o = Options.parse(args);
        Result r = run(o);
        System.out.printf(Locale.ROOT, "RESULT dataset=%s epochs=%d test_error=%.4f seconds=%.1f%n", o.label(), o.epochs(), r.testError(), r.seconds());
    }

    /** The course's network. */
    static Module network() {
        return new Sequential(
                new Conv2d(1, 32, 5), new MaxPool2d(3), new ReLU(),
                new Conv2d(32, 64, 5), new MaxPool2d(2), new ReLU(),
                new Flatten(), new Linear(256, 200), new ReLU(), new Linear(200, 10));
    }

    static Result run(Options o) {
        Nabla.manualSeed(o.seed());
        ImageDataset raw = dataset(o, true, null);
        Tensor pixels = raw.data().to(DType.FLOAT32).div(255);
        double mean = pixels.mean().item(), std = pixels.std().item();
        Transform normalise = new Compose(new ToTensor(), new Normalize(mean, std));
        ImageDataset train = dataset(o, true, normalise), test = dataset(o, false, normalise);
        System.out.printf(Locale.ROOT, "%s: %d train, %d test images; normalised by mean %.4f, std %.4f%n", o.label(), train.size(),
                test.size(), mean, std);

        Module model = network();
        Optimizer optimizer = new SGD(model.parameters(), o.lr());
        DataLoader<?> trainLoader = new DataLoader<>(train, o.batch(), true);
        DataLoader<?> testLoader = new DataLoader<>(test, 1000);
        System.out.println(model);

        long start = System.nanoTime();
        double error = Double.NaN, lossSum = 0;
        for (int epoch = 1; epoch <= o.epochs(); epoch++) {
            long t0 = System.nanoTime();
            model.train();
            lossSum = 0;
            int batches = 0;
            try (ProgressBar bar = progressBar(epoch, o.epochs(), trainLoader.size())) {
                for (Batch b : trainLoader) {
                    Tensor loss = F.crossEntropy(model.forward(b.x()), b.y());
                    optimizer.zeroGrad();
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item();
                    batches++;
                    if (bar != null) bar.step().setExtraMessage(String.format(Locale.ROOT, "loss %.4f", lossSum / batches));
                }
            }
            lossSum /= batches;
            error = testError(model, testLoader);
            System.out.printf(Locale.ROOT, "epoch %2d  loss %.4f  test error %5.2f%%  %.1f s%n", epoch, lossSum, 100 * error,
                    (System.nanoTime() - t0) / 1e9);
        }
        return new Result(error, (System.nanoTime() - start) / 1e9, lossSum);
    }

    /** A terminal progress bar (batches, rate, ETA, running loss); none when the output is not a terminal. */
    private static ProgressBar progressBar(int epoch, int epochs, int batches) {
        if (System.console() == null) return null;
        return new ProgressBarBuilder().setTaskName("epoch " + epoch + "/" + epochs).setInitialMax(batches)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" batches", 1).showSpeed().setUpdateIntervalMillis(250).build();
    }

    /** The share of misclassified test images, in eval mode without a tape. */
    static double testError(Module model, DataLoader<?> loader) {
        model.eval();
        long wrong = 0, total = 0;
        try (var g = Grad.disabled()) {
            for (Batch b : loader) {
                Tensor predicted = model.forward(b.x()).argmax(1);
                wrong += predicted.ne(b.y()).sum().item();
                total += b.size();
            }
        }
        return (double) wrong / total;
    }

    private static ImageDataset dataset(Options o, boolean train, Transform t) {
        try {
            if (o.dataset().equals("fashion")) return new FashionMnist(root(o), train, t, o.download());
            if (o.data() == null && !o.download()) return Mnist.sample(train, t == null ? x -> x : t);
            return new Mnist(root(o), train, t, o.download());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path root(Options o) {
        return o.data() != null ? o.data() : Path.of(System.getProperty("user.home"), ".cache", "nabla");
    }
}
