package dev.nabla.layers;

import dev.nabla.api.Tensor;

/** Binary cross-entropy of probabilities in [0, 1], as {@code nn.BCELoss}. Shape: input and target alike. */
public final class BCELoss extends Loss {
    private final Tensor weight;

    public BCELoss() { this(Reduction.MEAN, null); }

    /** With an optional per-element weight (broadcast), or null. */
    public BCELoss(Reduction reduction, Tensor weight) {
        super(reduction);
        this.weight = weight;
    }

    @Override public Tensor forward(Tensor input, Tensor target) { return F.bce(input, target, weight, reduction); }
}
