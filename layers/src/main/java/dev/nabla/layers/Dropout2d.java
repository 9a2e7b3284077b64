package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/** Zeroes whole channels with probability p while training, as {@code nn.Dropout2d}; identity in eval mode. Shape: [N, C, H, W] or [C, H, W], unchanged. */
@dev.nabla.api.KeepsNoTensors
public final class Dropout2d extends Module {
    private final double p;

    public Dropout2d() { this(0.5); }

    public Dropout2d(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout2d: probability has to be between 0 and 1, but got " + p);
        this.p = p;
    }

    @Override public Tensor forward(Tensor x) { return F.dropout2d(x, p, isTraining()); }

    @Override protected String extraRepr() { return "p=" + Format.num(p) + ", inplace=False"; }
}
