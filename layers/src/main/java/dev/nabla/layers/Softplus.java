package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/** (1/β)·log(1 + exp(β·x)), linear above the threshold, as {@code nn.Softplus}. Shape: any, unchanged. */
@dev.nabla.api.KeepsNoTensors
public final class Softplus extends Module {
    private final double beta, threshold;

    public Softplus() { this(1, 20); }

    public Softplus(double beta, double threshold) { this.beta = beta; this.threshold = threshold; }

    public double beta() { return beta; }

    public double threshold() { return threshold; }

    @Override public Tensor forward(Tensor x) { return F.softplus(x, beta, threshold); }

    @Override protected String extraRepr() { return "beta=" + Format.compact(beta) + ", threshold=" + Format.compact(threshold); }
}
