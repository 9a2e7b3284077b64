package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/** max(0, x) elementwise, as {@code nn.ReLU}. Shape: any, unchanged. */
@dev.nabla.api.KeepsNoTensors
public final class ReLU extends Module {
    public ReLU() {}

    @Override public Tensor forward(Tensor x) { return x.relu(); }

}
