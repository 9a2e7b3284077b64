package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/** Log-softmax along a dimension (log-sum-exp), as {@code nn.LogSoftmax(dim)}. Shape: any, unchanged. */
@dev.nabla.api.KeepsNoTensors
public final class LogSoftmax extends Module {
    private final int dim;

    public LogSoftmax(int dim) { this.dim = dim; }

    public int dim() { return dim; }

    @Override public Tensor forward(Tensor x) { return F.logSoftmax(x, dim); }

    @Override protected String extraRepr() { return "dim=" + dim; }
}
