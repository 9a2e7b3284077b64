package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;

/**
 * y = x·Wᵀ + b, as {@code nn.Linear}; initialised as PyTorch (U(±1/√in) for W and b).
 *
 * <p>Shape: input [..., in], output [..., out]; weight [out, in], bias [out].
 *
 * <pre>{@code
 * Linear fc = new Linear(784, 128);
 * Tensor y = fc.forward(x);   // [64, 784] -> [64, 128]
 * }</pre>
 */
@dev.nabla.api.KeepsNoTensors
public final class Linear extends Module {
    private final int in, out;
    private final Parameter weight, bias;

    public Linear(int in, int out) { this(in, out, true); }

    public Linear(int in, int out, boolean bias) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear: in and out features must be positive, got in=" + in + ", out=" + out);
        this.in = in;
        this.out = out;
        this.weight = param("weight", Init.kaimingUniform(out, in));
        this.bias = bias ? param("bias", Init.uniform(1 / Math.sqrt(in), out)) : null;
    }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    @Override public Tensor forward(Tensor x) { return F.linear(x, weight, bias); }

    @Override protected String extraRepr() {
        return "in_features=" + in + ", out_features=" + out + ", bias=" + (bias != null ? "True" : "False");
    }
}
