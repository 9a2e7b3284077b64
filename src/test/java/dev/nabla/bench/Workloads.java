package dev.nabla.bench;

import dev.nabla.api.DType;
import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Tensor;
import dev.nabla.layers.F;
import dev.nabla.training.AdamW;
import dev.nabla.training.SGD;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Nabla's side of the ResNet-20 and transformer workloads of {@code VsPyTorch} (BENCHMARKS.md), and their inputs,
 * which tools/bench/bench_torch.py and DjlPeer build the same way: ResNet-20 on the first images of CIFAR-10's
 * {@code data_batch_1.bin} when {@code DATA/cifar-10-batches-bin} exists, else on a fixed synthetic set of the same
 * shape (a multiplicative hash of the flat index, in [−1, 1)); the transformer on fixed token batches.
 */
public final class Workloads {
    private Workloads() {}

    public static final int RESNET_POOL = 1280, VOCAB = 1000, D_MODEL = 256, HEADS = 4, FEED_FORWARD = 1024, LAYERS = 2;
    public static final double DROPOUT = 0.1;
    private static final double[] CIFAR_MEAN = {0.4914, 0.4822, 0.4465}, CIFAR_STD = {0.2470, 0.2435, 0.2616};

    /** Images [n·3·32·32] and labels [n] for ResNet-20, and where they come from. */
    public record Images(float[] x, int[] y, String source) {}

    public static Images cifar(Path data, int n) throws IOException {
        Path f = data == null ? null : data.resolve("cifar-10-batches-bin").resolve("data_batch_1.bin");
        float[] x = new float[n * 3072];
        int[] y = new int[n];
        if (f != null && Files.isRegularFile(f)) {
            byte[] b = Files.readAllBytes(f);
            for (int i = 0; i < n; i++) {
                y[i] = b[i * 3073] & 0xff;
                for (int j = 0; j < 3072; j++) x[i * 3072 + j] = (float) (((b[i * 3073 + 1 + j] & 0xff) / 255.0 - CIFAR_MEAN[j / 1024]) / CIFAR_STD[j / 1024]);
            }
            return new Images(x, y, "CIFAR-10 " + f + ", first " + n + " images");
        }
        for (int i = 0; i < x.length; i++) x[i] = (float) (((i * 2654435761L) & 0xffffffffL) / 4294967296.0 * 2 - 1);
        for (int i = 0; i < n; i++) y[i] = (i * 7) % 10;
        return new Images(x, y, "synthetic (no cifar-10-batches-bin under the data folder)");
    }

    /** Token ids [batch·seq] in [0, VOCAB) for batch number {@code k}, and the target of each (the next position's token, cyclic). */
    public static long[][] tokens(int k, int batch, int seq) {
        long[] x = new long[batch * seq], y = new long[batch * seq];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < seq; t++) x[b * seq + t] = ((long) (k * batch + b) * 7919 + (long) t * 104729 + ((long) b * t) % 13) % VOCAB;
        }
        for (int b = 0; b < batch; b++) for (int t = 0; t < seq; t++) y[b * seq + t] = x[b * seq + (t + 1) % seq];
        return new long[][] {x, y};
    }

    public static Module resnet20(long seed) {
        Nabla.manualSeed(seed);
        return new ResNet20();
    }

    /** SGD with momentum 0.9 and weight decay 5e-4, lr 0.1 (He et al.). */
    public static Optimizer resnetOptimizer(Module m) { return new SGD(m.parameters(), 0.1, 0.9, 0, 5e-4, false); }

    public static Module transformer(boolean normFirst, long seed) {
        Nabla.manualSeed(seed);
        return new TokenTransformer(VOCAB, D_MODEL, HEADS, FEED_FORWARD, LAYERS, DROPOUT, normFirst);
    }

    public static Optimizer transformerOptimizer(Module m) { return new AdamW(m.parameters(), 1e-3); }

    /** One ResNet-20 training step on images [b, 3, 32, 32]; the loss. */
    public static double resnetStep(Module model, Optimizer opt, Tensor x, Tensor y) {
        Tensor loss = F.crossEntropy(model.forward(x), y);
        opt.zeroGrad();
        loss.backward();
        opt.step();
        return loss.item();
    }

    /** One transformer training step on tokens [b, seq]: token-classification cross-entropy; the loss. */
    public static double transformerStep(Module model, Optimizer opt, Tensor tokens, Tensor targets) {
        Tensor logits = model.forward(tokens);
        Tensor loss = F.crossEntropy(logits.reshape(-1, VOCAB), targets.reshape(-1));
        opt.zeroGrad();
        loss.backward();
        opt.step();
        return loss.item();
    }

    /** Batch {@code k} of the image pool as tensors [b, 3, 32, 32] float32 and [b] int64. */
    public static Tensor[] imageBatch(Images pool, int k, int batch) {
        int n = pool.y().length / batch, off = (k % n) * batch;
        float[] x = new float[batch * 3072];
        System.arraycopy(pool.x(), off * 3072, x, 0, x.length);
        long[] y = new long[batch];
        for (int i = 0; i < batch; i++) y[i] = pool.y()[off + i];
        return new Tensor[] {Tensor.of(x).view(batch, 3, 32, 32), Tensor.of(y)};
    }

    /** Batch {@code k} of tokens as int64 tensors [b, seq] (input and targets). */
    public static Tensor[] tokenBatch(int k, int batch, int seq) {
        long[][] t = tokens(k, batch, seq);
        return new Tensor[] {Tensor.of(t[0]).view(batch, seq), Tensor.of(t[1]).view(batch, seq)};
    }

    /** A micro workload's input shape (VsPyTorch's micro-…, bench_torch.py's MICRO): bn2d-16/-32/-64, layernorm, softmax, gelu. */
    public static long[] microShape(String op) {
        return switch (op) {
            case "bn2d-16" -> new long[] {128, 16, 32, 32};
            case "bn2d-32" -> new long[] {128, 32, 16, 16};
            case "bn2d-64" -> new long[] {128, 64, 8, 8};
            case "layernorm" -> new long[] {16, 128, 256};
            case "softmax" -> new long[] {16, 4, 128, 128};
            case "gelu" -> new long[] {16, 128, 1024};
            default -> throw new IllegalArgumentException("micro: unknown op " + op + "; expected bn2d-16, bn2d-32, bn2d-64, layernorm, softmax, gelu");
        };
    }

    /** A micro workload's forward on inputs of {@code shape}: BatchNorm2d in training mode, LayerNorm, softmax over the last dim, GELU. */
    public static java.util.function.UnaryOperator<Tensor> microOp(String op, long[] shape) {
        if (op.startsWith("bn2d")) return new dev.nabla.layers.BatchNorm2d((int) shape[1]).train()::forward;
        if (op.equals("layernorm")) return new dev.nabla.layers.LayerNorm(shape[2])::forward;
        if (op.equals("softmax")) return x -> F.softmax(x, -1);
        return F::gelu;
    }
}
