package dev.nabla.layers;

import dev.nabla.api.Tensor;

/** The course's SVM hinge loss max(0, 1 − y·f(x)), labels y in {−1, 1}. Shape: scores and labels alike. */
public final class HingeLoss extends Loss {

    public HingeLoss() { this(Reduction.MEAN); }

    public HingeLoss(Reduction reduction) { super(reduction); }

    @Override public Tensor forward(Tensor input, Tensor target) { return F.hingeLoss(input, target, reduction); }
}
