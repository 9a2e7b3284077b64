package dev.nabla.layers;

import dev.nabla.api.Tensor;

/** Huber-like loss: quadratic below β, linear above, as {@code nn.SmoothL1Loss} (β = 1). Shape: input and target alike. */
public final class SmoothL1Loss extends Loss {
    private final double beta;

    public SmoothL1Loss() { this(Reduction.MEAN, 1.0); }

    public SmoothL1Loss(Reduction reduction, double beta) {
        super(reduction);
        this.beta = beta;
    }

    @Override public Tensor forward(Tensor input, Tensor target) { return F.smoothL1Loss(input, target, reduction, beta); }
}
