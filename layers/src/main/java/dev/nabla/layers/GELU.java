package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/**
 * x·Φ(x) elementwise, as {@code nn.GELU}: exact (erf form) by default, or {@code new GELU("tanh")} for PyTorch's
 * {@code approximate='tanh'}. Shape: any, unchanged.
 *
 * <pre>{@code
 * Module mlp = new Sequential(new Linear(128, 512), new GELU("tanh"), new Linear(512, 128));
 * }</pre>
 */
@dev.nabla.api.KeepsNoTensors
public final class GELU extends Module {
    private final String approximate;

    public GELU() { this("none"); }

    /** {@code approximate}: "none" (exact) or "tanh". */
    public GELU(String approximate) {
        if (!"none".equals(approximate) && !"tanh".equals(approximate)) {
            throw new IllegalArgumentException("GELU: approximate must be 'none' or 'tanh', got '" + approximate + "'");
        }
        this.approximate = approximate;
    }

    public String approximate() { return approximate; }

    @Override public Tensor forward(Tensor x) { return F.gelu(x, approximate); }

    @Override protected String extraRepr() { return "approximate='" + approximate + "'"; }
}
