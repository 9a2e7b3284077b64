package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/**
 * Mean over kh×kw windows, as {@code nn.AvgPool2d}; the stride defaults to the kernel size, padding counts in the
 * divisor by default ({@code countIncludePad}). Every size is one number for both axes or a pair {h, w}.
 *
 * <p>Shape: [N, C, H, W] → [N, C, OH, OW], OH = ⌊(H + 2·padding − k) / stride⌋ + 1 (⌈⌉ in ceil mode), OW likewise.
 *
 * <pre>{@code
 * AvgPool2d pool = new AvgPool2d(2);
 * AvgPool2d wide = new AvgPool2d(new int[] {3, 2}, new int[] {1, 2});   // nn.AvgPool2d((3, 2), stride=(1, 2))
 * }</pre>
 */
@dev.nabla.api.KeepsNoTensors
public final class AvgPool2d extends Module {
    private final int[] kernel, stride, padding;
    private final int divisorOverride;
    private final boolean ceilMode, countIncludePad;

    public AvgPool2d(int kernel) { this(kernel, kernel); }

    public AvgPool2d(int kernel, int stride) { this(kernel, stride, 0, false, true, 0); }

    /** {@code divisorOverride} ≤ 0 means none. */
    public AvgPool2d(int kernel, int stride, int padding, boolean ceilMode, boolean countIncludePad, int divisorOverride) {
        this(new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding}, ceilMode, countIncludePad,
                divisorOverride);
    }

    /** A kh×kw window; the stride is the kernel. */
    public AvgPool2d(int[] kernel) { this(kernel, kernel); }

    public AvgPool2d(int[] kernel, int[] stride) { this(kernel, stride, new int[] {0, 0}, false, true, 0); }

    /** Every size a pair {h, w}; {@code divisorOverride} ≤ 0 means none. */
    public AvgPool2d(int[] kernel, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad, int divisorOverride) {
        this.kernel = PoolArgs.pair("AvgPool2d", "kernel_size", kernel);
        this.stride = PoolArgs.pair("AvgPool2d", "stride", stride);
        this.padding = PoolArgs.pair("AvgPool2d", "padding", padding);
        if (PoolArgs.min(this.kernel) <= 0 || PoolArgs.min(this.stride) <= 0 || PoolArgs.min(this.padding) < 0) {
            throw new IllegalArgumentException("AvgPool2d: expected kernel, stride > 0 and padding >= 0, got " + args());
        }
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
        this.divisorOverride = divisorOverride;
    }

    /** The window {h, w}. */
    public int[] kernel() { return kernel.clone(); }

    /** {h, w}. */
    public int[] stride() { return stride.clone(); }

    /** {h, w}. */
    public int[] padding() { return padding.clone(); }

    public boolean ceilMode() { return ceilMode; }

    public boolean countIncludePad() { return countIncludePad; }

    public int divisorOverride() { return divisorOverride; }

    @Override public Tensor forward(Tensor x) {
        if (x.dim() != 4 && x.dim() != 3) {
            throw new IllegalArgumentException(repr() + ": expected input [N, C, H, W] or [C, H, W], got " + x.shape()
                    + (x.dim() == 2 ? "; reshape it with view(N, C, H, W)?" : ""));
        }
        return F.avgPool2d(x, kernel, stride, padding, ceilMode, countIncludePad, divisorOverride);
    }

    private String args() {
        return "kernel_size=" + PoolArgs.str(kernel) + ", stride=" + PoolArgs.str(stride) + ", padding=" + PoolArgs.str(padding);
    }

    @Override protected String extraRepr() { return args(); }
}
