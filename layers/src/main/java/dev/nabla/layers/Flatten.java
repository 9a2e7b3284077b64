package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/**
 * Flattens dimensions {@code start} … {@code end} into one, as {@code nn.Flatten} (1 … −1 by default).
 *
 * <p>Shape: [N, C, H, W] → [N, C·H·W] with the defaults.
 */
@dev.nabla.api.KeepsNoTensors
public final class Flatten extends Module {
    private final int start, end;

    public Flatten() { this(1, -1); }

    public Flatten(int start, int end) {
        this.start = start;
        this.end = end;
    }

    @Override public Tensor forward(Tensor x) { return x.flatten(start, end); }

    @Override protected String extraRepr() { return "start_dim=" + start + ", end_dim=" + end; }
}
