package dev.nabla.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * PyTorch's official CPU build (libtorch 2.7.1 from DJL's pytorch-native-cpu jar) driven through DJL 0.36: the same
 * networks as DJL blocks, DJL's Trainer with a GradientCollector (what DJL's EasyTrain does), softmax cross-entropy
 * and SGD 0.1. Weights are drawn like PyTorch's defaults (uniform ±1/√fan_in); DJL initialises biases to zero.
 */
final class DjlPeer extends PeerWorker {
    private final Engine engine;

    DjlPeer(Path data, double mean, double std, int threads) throws IOException {
        super(data, mean, std, threads);
        engine = Engine.getEngine("PyTorch");
    }

    @Override
    String info() {
        return "peer=torch-djl engine=" + engine.getEngineName() + " version=" + engine.getVersion() + " djl=" + Engine.getDjlVersion()
                + " threads=" + System.getProperty("ai.djl.pytorch.num_threads", "default");
    }

    static Block convnet() {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(32).build())
                .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(3, 3)))
                .add(Activation::relu)
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(64).build())
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Activation::relu)
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(200).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(10).build());
    }

    static Block mlp() {
        return new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(512).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(512).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(10).build());
    }

    /** PyTorch's default weight init for Linear and Conv2d: uniform in ±1/√fan_in. */
    static final Initializer TORCH_LIKE = (m, shape, type) -> {
        double bound = 1 / Math.sqrt((double) shape.size() / shape.get(0));
        return m.randomUniform((float) -bound, (float) bound, shape, type);
    };

    private Trainer trainer(Model model, Block block, long seed) {
        engine.setRandomSeed((int) seed);
        model.setBlock(block);
        DefaultTrainingConfig cfg = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build())
                .optInitializer(TORCH_LIKE, Parameter.Type.WEIGHT)
                .optDevices(new Device[] {Device.cpu()});
        return model.newTrainer(cfg);
    }

    private float loss(Trainer trainer, NDManager m, float[] x, float[] y, Shape xs, boolean keep) {
        NDArray xa = m.create(x, xs), ya = m.create(y);
        float l = Float.NaN;
        try (GradientCollector gc = trainer.newGradientCollector()) {
            NDList pred = trainer.forward(new NDList(xa));
            NDArray loss = trainer.getLoss().evaluate(new NDList(ya), pred);
            gc.backward(loss);
            if (keep) l = loss.getFloat();
        }
        trainer.step();
        return l;
    }

    @Override
    String epoch(boolean conv, int batches, int testCount, long seed) {
        try (Model model = Model.newInstance(conv ? "convnet" : "mlp", Device.cpu(), "PyTorch");
             Trainer trainer = trainer(model, conv ? convnet() : mlp(), seed)) {
            trainer.initialize(new Shape(100, 1, 28, 28));
            int[] perm = permutation(60_000, new Random(seed));
            float[] x = new float[100 * 784], y = new float[100];
            Shape xs = new Shape(100, 1, 28, 28);
            long t0 = System.nanoTime();
            double lossSum = 0;
            for (int b = 0; b < batches; b++) {
                for (int i = 0; i < 100; i++) {
                    int k = perm[b * 100 + i];
                    System.arraycopy(trainX, k * 784, x, i * 784, 784);
                    y[i] = trainY[k];
                }
                try (NDManager m = trainer.getManager().newSubManager()) {
                    lossSum += loss(trainer, m, x, y, xs, true);
                }
            }
            long t1 = System.nanoTime();
            long correct = 0, seen = 0;
            float[] tx = new float[1000 * 784];
            for (int s = 0; s < testCount; s += 1000) {
                System.arraycopy(testX, s * 784, tx, 0, 1000 * 784);
                try (NDManager m = trainer.getManager().newSubManager()) {
                    NDArray pred = trainer.evaluate(new NDList(m.create(tx, new Shape(1000, 1, 28, 28)))).singletonOrThrow().argMax(1);
                    long[] p = pred.toLongArray();
                    for (int i = 0; i < 1000; i++) if (p[i] == testY[s + i]) correct++;
                    seen += 1000;
                }
            }
            long t2 = System.nanoTime();
            return fmt("seconds=%.4f eval_seconds=%.4f acc=%.4f loss=%.4f", (t1 - t0) / 1e9, (t2 - t1) / 1e9, (double) correct / seen,
                    lossSum / batches);
        }
    }

    @Override
    String infer(int batches) {
        try (Model model = Model.newInstance("convnet", Device.cpu(), "PyTorch"); Trainer trainer = trainer(model, convnet(), 0);
             NDManager m = trainer.getManager().newSubManager()) {
            trainer.initialize(new Shape(1000, 1, 28, 28));
            NDArray[] xs = new NDArray[10];
            for (int i = 0; i < 10; i++) {
                float[] tx = new float[1000 * 784];
                System.arraycopy(testX, i * 1000 * 784, tx, 0, tx.length);
                xs[i] = m.create(tx, new Shape(1000, 1, 28, 28));
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < batches; i++) {
                try (NDManager s = m.newSubManager()) {
                    NDArray x = xs[i % 10];
                    x.tempAttach(s); // the forward's arrays follow x into s and are freed with it; x returns to m
                    trainer.evaluate(new NDList(x)).singletonOrThrow().argMax(1);
                }
            }
            double sec = (System.nanoTime() - t0) / 1e9;
            return fmt("seconds=%.4f ips=%.1f", sec, batches * 1000 / sec);
        }
    }

    @Override
    String step1(int steps) {
        try (Model model = Model.newInstance("convnet", Device.cpu(), "PyTorch"); Trainer trainer = trainer(model, convnet(), 0)) {
            trainer.initialize(new Shape(1, 1, 28, 28));
            float[] x = new float[784], y = {trainY[0]};
            System.arraycopy(trainX, 0, x, 0, 784);
            Shape xs = new Shape(1, 1, 28, 28);
            double[] ms = new double[steps];
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                try (NDManager m = trainer.getManager().newSubManager()) {
                    loss(trainer, m, x, y, xs, true);
                }
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            return fmt("ms=%.4f", median(ms));
        }
    }
}
