package dev.nabla.layers;

/**
 * Normalises each channel over the batch and the spatial positions, then scales and shifts it, as
 * {@code nn.BatchNorm2d}: batch statistics while training (updating the running mean and variance
 * with momentum 0.1), the running statistics in eval mode.
 *
 * <p>Shape: input [N, C, H, W], output the same; weight, bias, running_mean, running_var [C].
 *
 * <pre>{@code
 * Module block = new Sequential(new Conv2d(1, 32, 3), new BatchNorm2d(32), new ReLU());
 * }</pre>
 */
@dev.nabla.api.KeepsNoTensors
public final class BatchNorm2d extends BatchNormBase {
    public BatchNorm2d(int numFeatures) { this(numFeatures, BatchNormOptions.DEFAULT); }

    public BatchNorm2d(int numFeatures, BatchNormOptions options) { super(numFeatures, options); }

    @Override boolean rankOk(int rank) { return rank == 4; }

    @Override String expectedShape() { return "[N, C, H, W]"; }

    @Override String rankHint(int rank) {
        return rank == 2 || rank == 3 ? "use BatchNorm1d for [N, C] or [N, C, L] input" : "for a single image use x.unsqueeze(0)";
    }
}
