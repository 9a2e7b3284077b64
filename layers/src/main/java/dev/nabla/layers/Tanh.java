package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/** tanh(x) elementwise, as {@code nn.Tanh}. Shape: any, unchanged. */
@dev.nabla.api.KeepsNoTensors
public final class Tanh extends Module {
    public Tanh() {}

    @Override public Tensor forward(Tensor x) { return x.tanh(); }

}
