package dev.nabla.layers;

/**
 * Normalises each feature over the batch (and length), then scales and shifts it, as
 * {@code nn.BatchNorm1d}: batch statistics while training (updating the running mean and variance
 * with momentum 0.1), the running statistics in eval mode.
 *
 * <p>Shape: input [N, C] or [N, C, L], output the same; weight, bias, running_mean, running_var [C].
 *
 * <pre>{@code
 * Module net = new Sequential(new Linear(784, 128), new BatchNorm1d(128), new ReLU(), new Linear(128, 10));
 * }</pre>
 */
@dev.nabla.api.KeepsNoTensors
public final class BatchNorm1d extends BatchNormBase {
    public BatchNorm1d(int numFeatures) { this(numFeatures, BatchNormOptions.DEFAULT); }

    public BatchNorm1d(int numFeatures, BatchNormOptions options) { super(numFeatures, options); }

    @Override boolean rankOk(int rank) { return rank == 2 || rank == 3; }

    @Override String expectedShape() { return "[N, C] or [N, C, L]"; }

    @Override String rankHint(int rank) {
        return rank == 4 ? "use BatchNorm2d for [N, C, H, W] input" : "BatchNorm1d normalises a batch of feature vectors (dim 1 is the features)";
    }
}
