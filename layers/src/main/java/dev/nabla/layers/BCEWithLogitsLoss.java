package dev.nabla.layers;

import dev.nabla.api.Tensor;

/** Sigmoid and binary cross-entropy in one stable step, as {@code nn.BCEWithLogitsLoss}. Shape: input and target alike. */
public final class BCEWithLogitsLoss extends Loss {
    private final Tensor weight, posWeight;

    public BCEWithLogitsLoss() { this(Reduction.MEAN, null, null); }

    /** With an optional weight and an optional positive-class weight per class (each may be null). */
    public BCEWithLogitsLoss(Reduction reduction, Tensor weight, Tensor posWeight) {
        super(reduction);
        this.weight = weight;
        this.posWeight = posWeight;
    }

    @Override public Tensor forward(Tensor input, Tensor target) { return F.bceWithLogits(input, target, weight, posWeight, reduction); }
}
