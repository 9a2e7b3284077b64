package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/**
 * Max over k×k windows, as {@code nn.MaxPool2d}; the stride defaults to the kernel size.
 *
 * <p>Shape: [N, C, H, W] → [N, C, OH, OW], OH = ⌊(H + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1 (⌈⌉ in ceil mode).
 *
 * <pre>{@code
 * MaxPool2d pool = new MaxPool2d(3);          // [N, 32, 24, 24] -> [N, 32, 8, 8]
 * }</pre>
 */
@dev.nabla.api.KeepsNoTensors
public final class MaxPool2d extends Module {
    private final int kernel, stride, padding, dilation;
    private final boolean ceilMode;

    public MaxPool2d(int kernel) { this(kernel, kernel); }

    public MaxPool2d(int kernel, int stride) { this(kernel, stride, 0, 1, false); }

    public MaxPool2d(int kernel, int stride, int padding, int dilation, boolean ceilMode) {
        if (kernel <= 0 || stride <= 0 || dilation <= 0 || padding < 0) {
            throw new IllegalArgumentException("MaxPool2d: expected kernel, stride, dilation > 0 and padding >= 0, got kernel_size=" + kernel
                    + ", stride=" + stride + ", padding=" + padding + ", dilation=" + dilation);
        }
        this.kernel = kernel; this.stride = stride; this.padding = padding; this.dilation = dilation; this.ceilMode = ceilMode;
    }

    public int kernel() { return kernel; }

    public int stride() { return stride; }

    public int padding() { return padding; }

    public int dilation() { return dilation; }

    public boolean ceilMode() { return ceilMode; }

    @Override public Tensor forward(Tensor x) {
        if (x.dim() != 4 && x.dim() != 3) {
            throw new IllegalArgumentException(repr() + ": expected input [N, C, H, W] or [C, H, W], got " + x.shape()
                    + (x.dim() == 2 ? "; reshape it with view(N, C, H, W)?" : ""));
        }
        return F.maxPool2d(x, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding},
                new int[] {dilation, dilation}, ceilMode);
    }

    @Override protected String extraRepr() {
        return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding + ", dilation=" + dilation + ", ceil_mode="
                + (ceilMode ? "True" : "False");
    }
}
