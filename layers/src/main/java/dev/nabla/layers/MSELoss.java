package dev.nabla.layers;

import dev.nabla.api.Tensor;

/** Mean squared error (input − target)², as {@code nn.MSELoss}. Shape: input and target alike; a scalar unless reduction is NONE. */
public final class MSELoss extends Loss {

    public MSELoss() { this(Reduction.MEAN); }

    public MSELoss(Reduction reduction) { super(reduction); }

    @Override public Tensor forward(Tensor input, Tensor target) { return F.mseLoss(input, target, reduction); }
}
