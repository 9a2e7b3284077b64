package dev.nabla.training;

import dev.nabla.api.Module;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.DataLoader;
import dev.nabla.datasets.Dataset;
import dev.nabla.datasets.Mnist;
import dev.nabla.datasets.Sample;
import dev.nabla.datasets.Subset;
import dev.nabla.layers.Conv2d;
import dev.nabla.layers.Dropout;
import dev.nabla.layers.Flatten;
import dev.nabla.layers.Linear;
import dev.nabla.layers.MaxPool2d;
import dev.nabla.layers.ReLU;
import java.util.Map;
import java.util.stream.IntStream;

/** Small real data (the bundled MNIST sample) and tiny models for the training tests. */
final class TrainingFixtures {
    private TrainingFixtures() {}

    /** The first {@code n} digits of the bundled training sample. */
    static Dataset<Sample> train(int n) { return new Subset<>(Mnist.sample(true), IntStream.range(0, n).toArray()); }

    /** The first {@code n} digits of the bundled test sample. */
    static Dataset<Sample> test(int n) { return new Subset<>(Mnist.sample(false), IntStream.range(0, n).toArray()); }

    static Module mlp() { return new Sequential(new Flatten(), new Linear(784, 32), new ReLU(), new Dropout(0.2), new Linear(32, 10)); }

    static Module convnet() {
        return new Sequential(new Conv2d(1, 4, 5), new ReLU(), new MaxPool2d(2), new Dropout(0.25), new Flatten(), new Linear(4 * 12 * 12, 10));
    }

    /** Shuffled, with two workers; the seed comes from Nabla's generator. */
    static DataLoader<Sample> loader(Dataset<Sample> ds, int batch) {
        return new DataLoader<>(ds, batch, true, DataLoader.Options.DEFAULT.withNumWorkers(2));
    }

    /** Every parameter's float bits, to compare runs bit for bit. */
    static Map<String, int[]> bits(Module m) {
        var out = new java.util.LinkedHashMap<String, int[]>();
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
            float[] f = e.getValue().toFloatArray();
            int[] b = new int[f.length];
            for (int i = 0; i < f.length; i++) b[i] = Float.floatToRawIntBits(f[i]);
            out.put(e.getKey(), b);
        }
        return out;
    }
}
