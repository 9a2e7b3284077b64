package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/** A loss module: {@code forward(input, target)}, with PyTorch's reduction (mean by default); its repr is bare, as PyTorch's ({@code MSELoss()}). */
public abstract class Loss extends Module {
    protected final Reduction reduction;

    protected Loss(Reduction reduction) {
        if (reduction == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": reduction must not be null");
        this.reduction = reduction;
    }

    /** The loss of {@code input} against {@code target}. */
    public abstract Tensor forward(Tensor input, Tensor target);

    @Override public Tensor forward(Tensor... inputs) {
        if (inputs.length != 2) throw new IllegalArgumentException(name() + ": forward takes (input, target), got " + inputs.length + " tensors");
        return forward(inputs[0], inputs[1]);
    }

    @Override public Tensor forward(Tensor x) {
        throw new IllegalArgumentException(name() + ": forward takes (input, target), got one tensor");
    }
}
