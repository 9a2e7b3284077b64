package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;

/**
 * Normalises each sample over its last dimensions (mean and biased variance), then scales and
 * shifts elementwise, as {@code nn.LayerNorm}; the same in training and eval mode.
 *
 * <p>Shape: input [*, normalizedShape…], output the same; weight and bias normalizedShape.
 *
 * <pre>{@code
 * LayerNorm norm = new LayerNorm(512);
 * Tensor y = norm.forward(x);   // [batch, seq, 512] -> [batch, seq, 512]
 * }</pre>
 */
@dev.nabla.api.KeepsNoTensors
public final class LayerNorm extends Module {
    private final long[] normalizedShape;
    private final double eps;
    private final Parameter weight, bias;

    public LayerNorm(long... normalizedShape) { this(normalizedShape, 1e-5, true); }

    public LayerNorm(long[] normalizedShape, double eps, boolean elementwiseAffine) {
        if (normalizedShape.length == 0) throw new IllegalArgumentException("LayerNorm: expected at least one normalized dimension");
        for (long s : normalizedShape) {
            if (s <= 0) throw new IllegalArgumentException("LayerNorm: normalized_shape must be positive, got " + Format.tuple(normalizedShape));
        }
        if (!(eps > 0)) throw new IllegalArgumentException("LayerNorm: eps must be positive, got " + eps);
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.weight = elementwiseAffine ? param("weight", Tensor.ones(normalizedShape)) : null;
        this.bias = elementwiseAffine ? param("bias", Tensor.zeros(normalizedShape)) : null;
    }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    public long[] normalizedShape() { return normalizedShape.clone(); }

    public double eps() { return eps; }

    @Override public Tensor forward(Tensor x) { return F.layerNorm(x, normalizedShape, weight, bias, eps); }

    @Override protected String extraRepr() {
        return Format.tuple(normalizedShape) + ", eps=" + Format.num(eps) + ", elementwise_affine=" + (weight != null ? "True" : "False");
    }
}
