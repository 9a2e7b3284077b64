package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/** x·Φ(x) elementwise (exact, erf form), as {@code nn.GELU}. Shape: any, unchanged. */
@dev.nabla.api.KeepsNoTensors
public final class GELU extends Module {
    public GELU() {}

    @Override public Tensor forward(Tensor x) { return F.gelu(x); }

    @Override protected String extraRepr() { return "approximate='none'"; }

}
