package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/**
 * Mean over k×k windows, as {@code nn.AvgPool2d}; the stride defaults to the kernel size, padding counts
 * in the divisor by default ({@code countIncludePad}).
 *
 * <p>Shape: [N, C, H, W] → [N, C, OH, OW], OH = ⌊(H + 2·padding − k) / stride⌋ + 1 (⌈⌉ in ceil mode).
 *
 * <pre>{@code
 * AvgPool2d pool = new AvgPool2d(2);
 * }</pre>
 */
@dev.nabla.api.KeepsNoTensors
public final class AvgPool2d extends Module {
    private final int kernel, stride, padding, divisorOverride;
    private final boolean ceilMode, countIncludePad;

    public AvgPool2d(int kernel) { this(kernel, kernel); }

    public AvgPool2d(int kernel, int stride) { this(kernel, stride, 0, false, true, 0); }

    /** {@code divisorOverride} ≤ 0 means none. */
    public AvgPool2d(int kernel, int stride, int padding, boolean ceilMode, boolean countIncludePad, int divisorOverride) {
        if (kernel <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("AvgPool2d: expected kernel, stride > 0 and padding >= 0, got kernel_size=" + kernel
                    + ", stride=" + stride + ", padding=" + padding);
        }
        this.kernel = kernel; this.stride = stride; this.padding = padding; this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad; this.divisorOverride = divisorOverride;
    }

    public int kernel() { return kernel; }

    public int stride() { return stride; }

    public int padding() { return padding; }

    public boolean ceilMode() { return ceilMode; }

    public boolean countIncludePad() { return countIncludePad; }

    public int divisorOverride() { return divisorOverride; }

    @Override public Tensor forward(Tensor x) {
        if (x.dim() != 4 && x.dim() != 3) {
            throw new IllegalArgumentException(repr() + ": expected input [N, C, H, W] or [C, H, W], got " + x.shape()
                    + (x.dim() == 2 ? "; reshape it with view(N, C, H, W)?" : ""));
        }
        return F.avgPool2d(x, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding}, ceilMode,
                countIncludePad, divisorOverride);
    }

    @Override protected String extraRepr() { return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding; }
}
