package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/**
 * Mean over adaptive windows to a fixed output size, as {@code nn.AdaptiveAvgPool2d}.
 *
 * <p>Shape: [N, C, H, W] → [N, C, oh, ow]; window i spans ⌊i·H/oh⌋ … ⌈(i+1)·H/oh⌉.
 *
 * <pre>{@code
 * AdaptiveAvgPool2d gap = new AdaptiveAvgPool2d(1);    // global average pooling
 * }</pre>
 */
@dev.nabla.api.KeepsNoTensors
public final class AdaptiveAvgPool2d extends Module {
    private final int oh, ow;
    private final boolean square;

    public AdaptiveAvgPool2d(int size) { this(size, size, true); }

    public AdaptiveAvgPool2d(int oh, int ow) { this(oh, ow, false); }

    private AdaptiveAvgPool2d(int oh, int ow, boolean square) {
        if (oh <= 0 || ow <= 0) throw new IllegalArgumentException("AdaptiveAvgPool2d: output size must be positive, got (" + oh + ", " + ow + ")");
        this.oh = oh; this.ow = ow; this.square = square;
    }

    public int outputHeight() { return oh; }

    public int outputWidth() { return ow; }

    @Override public Tensor forward(Tensor x) {
        if (x.dim() != 4 && x.dim() != 3) {
            throw new IllegalArgumentException(repr() + ": expected input [N, C, H, W] or [C, H, W], got " + x.shape()
                    + (x.dim() == 2 ? "; reshape it with view(N, C, H, W)?" : ""));
        }
        return F.adaptiveAvgPool2d(x, oh, ow);
    }

    @Override protected String extraRepr() { return "output_size=" + (square ? Integer.toString(oh) : Format.tuple(oh, ow)); }
}
