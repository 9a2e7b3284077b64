package dev.nabla.layers;

import dev.nabla.api.Tensor;

/** Mean absolute error |input − target|, as {@code nn.L1Loss}. Shape: input and target alike. */
public final class L1Loss extends Loss {

    public L1Loss() { this(Reduction.MEAN); }

    public L1Loss(Reduction reduction) { super(reduction); }

    @Override public Tensor forward(Tensor input, Tensor target) { return F.l1Loss(input, target, reduction); }
}
