package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/** Softmax along a dimension, as {@code nn.Softmax(dim)}. Shape: any, unchanged. */
@dev.nabla.api.KeepsNoTensors
public final class Softmax extends Module {
    private final int dim;

    public Softmax(int dim) { this.dim = dim; }

    public int dim() { return dim; }

    @Override public Tensor forward(Tensor x) { return F.softmax(x, dim); }

    @Override protected String extraRepr() { return "dim=" + dim; }
}
