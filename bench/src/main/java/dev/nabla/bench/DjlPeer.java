package dev.nabla.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.nn.transformer.IdEmbedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * PyTorch's official CPU build (libtorch 2.7.1 from DJL's pytorch-native-cpu jar) driven through DJL 0.36: the same
 * networks as DJL blocks, DJL's Trainer with a GradientCollector (what DJL's EasyTrain does), softmax cross-entropy
 * and SGD 0.1. Weights are drawn like PyTorch's defaults (uniform ±1/√fan_in); DJL initialises biases to zero.
 */
final class DjlPeer extends PeerWorker {
    private final Engine engine;

    /**
     * Fashion-MNIST, normalised by the harness's mean and std: images [n·784] and labels [n], in this peer only (as the
     * Python peer holds its float tensors); the Nabla peer reads the same files through its own {@code FashionMnist}.
     */
    final float[] trainX, testX;
    final int[] trainY, testY;

    DjlPeer(Path data, double mean, double std, int threads) throws IOException {
        super(data, mean, std, threads);
        Path d = data.resolve("fashion-mnist");
        trainX = normalise(idx(d.resolve("train-images-idx3-ubyte.gz")), mean, std);
        trainY = labels(idx(d.resolve("train-labels-idx1-ubyte.gz")));
        testX = normalise(idx(d.resolve("t10k-images-idx3-ubyte.gz")), mean, std);
        testY = labels(idx(d.resolve("t10k-labels-idx1-ubyte.gz")));
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

    static Block convBn(int out, int k, int stride, int pad) {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(k, k)).optStride(new Shape(stride, stride)).optPadding(new Shape(pad, pad))
                        .setFilters(out).optBias(false).build())
                .add(BatchNorm.builder().build());
    }

    /** ResNet-20's basic block: the two convolutions and the shortcut (identity or a 1×1 projection) summed, then ReLU. */
    static Block basicBlock(int in, int out, int stride) {
        Block main = new SequentialBlock().add(convBn(out, 3, stride, 1)).add(Activation.reluBlock()).add(convBn(out, 3, 1, 1));
        Block shortcut = stride != 1 || in != out ? convBn(out, 1, stride, 0) : Blocks.identityBlock();
        return new SequentialBlock()
                .add(new ParallelBlock(l -> new NDList(l.get(0).singletonOrThrow().add(l.get(1).singletonOrThrow())), List.of(main, shortcut)))
                .add(Activation.reluBlock());
    }

    /** ResNet-20 with projection shortcuts, as Workloads' and bench_torch.py's. */
    static Block resnet20Block() {
        SequentialBlock b = new SequentialBlock().add(convBn(16, 3, 1, 1)).add(Activation.reluBlock());
        int[] ch = {16, 32, 64};
        int in = 16;
        for (int s = 0; s < 3; s++) {
            for (int i = 0; i < 3; i++) {
                b.add(basicBlock(in, ch[s], s > 0 && i == 0 ? 2 : 1));
                in = ch[s];
            }
        }
        return b.add(Pool.globalAvgPool2dBlock()).add(Linear.builder().setUnits(10).build());
    }

    /**
     * One transformer encoder layer as PyTorch's (in_proj as one Linear to 3·E, heads by reshape, softmax(q·kᵀ/√d)·v,
     * out_proj; feed-forward Linear, GELU, Linear; dropout, residuals, LayerNorm after or before), written with DJL's
     * NDArray ops since DJL's own TransformerEncoderBlock is post-norm only.
     */
    static final class EncoderLayer extends AbstractBlock {
        private final Linear inProj, outProj, linear1, linear2;
        private final LayerNorm norm1, norm2;
        private final boolean normFirst;

        EncoderLayer(boolean normFirst) {
            this.normFirst = normFirst;
            inProj = addChildBlock("in_proj", Linear.builder().setUnits(3L * Workloads.D_MODEL).build());
            outProj = addChildBlock("out_proj", Linear.builder().setUnits(Workloads.D_MODEL).build());
            linear1 = addChildBlock("linear1", Linear.builder().setUnits(Workloads.FEED_FORWARD).build());
            linear2 = addChildBlock("linear2", Linear.builder().setUnits(Workloads.D_MODEL).build());
            norm1 = addChildBlock("norm1", LayerNorm.builder().axis(2).build());
            norm2 = addChildBlock("norm2", LayerNorm.builder().axis(2).build());
        }

        private static NDArray run(Block b, ParameterStore ps, NDArray x, boolean training) {
            return b.forward(ps, new NDList(x), training).singletonOrThrow();
        }

        private static NDArray drop(NDArray x, boolean training) {
            return training ? Dropout.dropout(x, (float) Workloads.DROPOUT, true).singletonOrThrow() : x;
        }

        private NDArray attention(ParameterStore ps, NDArray x, boolean training) {
            long n = x.getShape().get(0), l = x.getShape().get(1), h = Workloads.HEADS, d = Workloads.D_MODEL / h;
            NDArray qkv = run(inProj, ps, x, training).reshape(n, l, 3, h, d).transpose(2, 0, 3, 1, 4);
            NDArray q = qkv.get(0), k = qkv.get(1), v = qkv.get(2);
            NDArray w = drop(q.div(Math.sqrt(d)).matMul(k.transpose(0, 1, 3, 2)).softmax(-1), training);
            return drop(run(outProj, ps, w.matMul(v).transpose(0, 2, 1, 3).reshape(n, l, Workloads.D_MODEL), training), training);
        }

        private NDArray feedForward(ParameterStore ps, NDArray x, boolean training) {
            return drop(run(linear2, ps, drop(Activation.gelu(run(linear1, ps, x, training)), training), training), training);
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            if (normFirst) {
                x = x.add(attention(ps, run(norm1, ps, x, training), training));
                x = x.add(feedForward(ps, run(norm2, ps, x, training), training));
            } else {
                x = run(norm1, ps, x.add(attention(ps, x, training)), training);
                x = run(norm2, ps, x.add(feedForward(ps, x, training)), training);
            }
            return new NDList(x);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) { return inputShapes; }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape s = inputShapes[0];
            for (Block b : new Block[] {inProj, outProj, linear1, norm1, norm2}) b.initialize(manager, dataType, s);
            linear2.initialize(manager, dataType, new Shape(s.get(0), s.get(1), Workloads.FEED_FORWARD));
        }
    }

    /** Workloads' TokenTransformer: IdEmbedding, two encoder layers, a Linear to the vocabulary; logits flattened to [N·L, V]. */
    static Block transformerBlock(boolean normFirst) {
        SequentialBlock b = new SequentialBlock()
                .add(new IdEmbedding.Builder().setDictionarySize(Workloads.VOCAB).setEmbeddingSize(Workloads.D_MODEL).build());
        for (int i = 0; i < Workloads.LAYERS; i++) b.add(new EncoderLayer(normFirst));
        return b.add(Linear.builder().setUnits(Workloads.VOCAB).build())
                .add(new LambdaBlock(l -> new NDList(l.singletonOrThrow().reshape(-1, Workloads.VOCAB))));
    }

    @Override
    String resnet20(int steps, int batch, long seed) throws IOException {
        Workloads.Images pool = Workloads.cifar(data, Workloads.RESNET_POOL);
        engine.setRandomSeed((int) seed);
        try (Model model = Model.newInstance("resnet20", Device.cpu(), "PyTorch")) {
            model.setBlock(resnet20Block());
            DefaultTrainingConfig cfg = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).optMomentum(0.9f).optWeightDecays(5e-4f).build())
                    .optInitializer(TORCH_LIKE, Parameter.Type.WEIGHT)
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(cfg)) {
                Shape xs = new Shape(batch, 3, 32, 32);
                trainer.initialize(xs);
                int nb = Workloads.RESNET_POOL / batch;
                List<float[]> bx = new ArrayList<>();
                List<float[]> by = new ArrayList<>();
                for (int k = 0; k < nb; k++) {
                    float[] x = new float[batch * 3072], y = new float[batch];
                    System.arraycopy(pool.x(), k * batch * 3072, x, 0, x.length);
                    for (int i = 0; i < batch; i++) y[i] = pool.y()[k * batch + i];
                    bx.add(x);
                    by.add(y);
                }
                double[] ms = new double[steps];
                float l = Float.NaN;
                for (int i = 0; i < steps; i++) {
                    long t0 = System.nanoTime();
                    try (NDManager m = trainer.getManager().newSubManager()) {
                        l = loss(trainer, m, bx.get(i % nb), by.get(i % nb), xs, true);
                    }
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
                double med = median(ms);
                return fmt("ms=%.4f ips=%.1f loss=%.4f", med, batch * 1000 / med, l);
            }
        }
    }

    @Override
    String transformer(boolean normFirst, int steps, int batch, int seq, long seed) {
        engine.setRandomSeed((int) seed);
        try (Model model = Model.newInstance("transformer", Device.cpu(), "PyTorch")) {
            model.setBlock(transformerBlock(normFirst));
            DefaultTrainingConfig cfg = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-3f)).optWeightDecays(0.01f).build())
                    .optInitializer(TORCH_LIKE, Parameter.Type.WEIGHT)
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(cfg)) {
                Shape xs = new Shape(batch, seq);
                trainer.initialize(xs);
                double[] ms = new double[steps];
                float l = Float.NaN;
                for (int i = 0; i < steps; i++) {
                    long[][] t = Workloads.tokens(i % 4, batch, seq);
                    float[] y = new float[t[1].length];
                    int[] x = new int[t[0].length];
                    for (int j = 0; j < x.length; j++) {
                        x[j] = (int) t[0][j];
                        y[j] = t[1][j];
                    }
                    long t0 = System.nanoTime();
                    try (NDManager m = trainer.getManager().newSubManager()) {
                        NDArray xa = m.create(x, xs), ya = m.create(y);
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDArray loss = trainer.getLoss().evaluate(new NDList(ya), trainer.forward(new NDList(xa)));
                            gc.backward(loss);
                            l = loss.getFloat();
                        }
                        trainer.step();
                    }
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                }
                return fmt("ms=%.4f loss=%.4f", median(ms), l);
            }
        }
    }

    /** One op's forward and backward with the gradient given (libtorch's autograd through DJL's JniUtils), as bench_torch.py's micro. */
    @Override
    String micro(String op, int reps) {
        engine.setRandomSeed(0);
        Shape shape = switch (op) {
            case "bn2d-16" -> new Shape(128, 16, 32, 32);
            case "bn2d-32" -> new Shape(128, 32, 16, 16);
            case "bn2d-64" -> new Shape(128, 64, 8, 8);
            case "layernorm" -> new Shape(16, 128, 256);
            case "softmax" -> new Shape(16, 4, 128, 128);
            case "gelu" -> new Shape(16, 128, 1024);
            default -> throw new IllegalArgumentException("micro: unknown op " + op);
        };
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray x = m.randomNormal(shape), g = m.randomNormal(shape);
            long c = op.startsWith("bn2d") ? shape.get(1) : shape.get(shape.dimension() - 1);
            NDArray gamma = m.ones(new Shape(c)), beta = m.zeros(new Shape(c)), mean = m.zeros(new Shape(c)), var = m.ones(new Shape(c));
            for (NDArray p : new NDArray[] {x, gamma, beta}) p.setRequiresGradient(true);
            double[] ms = new double[reps];
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                try (NDManager s = m.newSubManager(); GradientCollector gc = engine.newGradientCollector()) {
                    x.tempAttach(s); // what the op makes follows x into s and is freed with it; x returns to m
                    NDArray y = switch (op) {
                        case "layernorm" -> LayerNorm.layerNorm(x, new Shape(c), gamma, beta, 1e-5f).singletonOrThrow();
                        case "softmax" -> x.softmax(-1);
                        case "gelu" -> Activation.gelu(x);
                        default -> BatchNorm.batchNorm(x, mean, var, gamma, beta, 1, 0.9f, 1e-5f, true).singletonOrThrow();
                    };
                    ai.djl.pytorch.jni.JniUtils.backward((ai.djl.pytorch.engine.PtNDArray) y, (ai.djl.pytorch.engine.PtNDArray) g, false, false);
                }
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            return fmt("ms=%.4f", median(ms));
        }
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
