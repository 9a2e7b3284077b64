package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/**
 * max(0, x) elementwise, as {@code nn.ReLU}; {@code new ReLU(true)} is {@code nn.ReLU(inplace=True)}: it overwrites its
 * input ({@link Tensor#relu_()}) and returns it. Shape: any, unchanged.
 */
@dev.nabla.api.KeepsNoTensors
public final class ReLU extends Module {
    private final boolean inplace;

    public ReLU() { this(false); }

    public ReLU(boolean inplace) { this.inplace = inplace; }

    @Override public Tensor forward(Tensor x) { return inplace ? x.relu_() : x.relu(); }

    /** Whether this module overwrites its input. */
    public boolean inplace() { return inplace; }

    @Override protected String extraRepr() { return inplace ? "inplace=True" : ""; }

}
