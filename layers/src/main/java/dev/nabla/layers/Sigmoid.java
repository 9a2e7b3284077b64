package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/** 1 / (1 + exp(−x)) elementwise, as {@code nn.Sigmoid}. Shape: any, unchanged. */
@dev.nabla.api.KeepsNoTensors
public final class Sigmoid extends Module {
    public Sigmoid() {}

    @Override public Tensor forward(Tensor x) { return x.sigmoid(); }

}
