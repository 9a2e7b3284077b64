package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/** x where x > 0, slope·x elsewhere, as {@code nn.LeakyReLU} (slope 0.01 by default). Shape: any, unchanged. */
@dev.nabla.api.KeepsNoTensors
public final class LeakyReLU extends Module {
    private final double slope;

    public LeakyReLU() { this(0.01); }

    public LeakyReLU(double slope) { this.slope = slope; }

    public double negativeSlope() { return slope; }

    @Override public Tensor forward(Tensor x) { return F.leakyRelu(x, slope); }

    @Override protected String extraRepr() { return "negative_slope=" + Format.num(slope); }
}
