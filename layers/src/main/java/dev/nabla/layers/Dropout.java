package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/** Zeroes elements with probability p while training and scales the rest by 1/(1 − p), as {@code nn.Dropout}; identity in eval mode. Shape: any, unchanged. */
@dev.nabla.api.KeepsNoTensors
public final class Dropout extends Module {
    private final double p;

    public Dropout() { this(0.5); }

    public Dropout(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout: probability has to be between 0 and 1, but got " + p);
        this.p = p;
    }

    @Override public Tensor forward(Tensor x) { return F.dropout(x, p, isTraining()); }

    @Override protected String extraRepr() { return "p=" + Format.num(p) + ", inplace=False"; }
}
