package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/** x where x > 0, α·(exp(x) − 1) elsewhere, as {@code nn.ELU} (α = 1 by default). Shape: any, unchanged. */
@dev.nabla.api.KeepsNoTensors
public final class ELU extends Module {
    private final double alpha;

    public ELU() { this(1.0); }

    public ELU(double alpha) { this.alpha = alpha; }

    public double alpha() { return alpha; }

    @Override public Tensor forward(Tensor x) { return F.elu(x, alpha); }

    @Override protected String extraRepr() { return "alpha=" + Format.num(alpha); }
}
