package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/**
 * Max over windows of length k, as {@code nn.MaxPool1d}; the stride defaults to the kernel size.
 *
 * <p>Shape: [N, C, L] → [N, C, OL], OL = ⌊(L + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1.
 *
 * <pre>{@code
 * MaxPool1d pool = new MaxPool1d(2);
 * }</pre>
 */
@dev.nabla.api.KeepsNoTensors
public final class MaxPool1d extends Module {
    private final int kernel, stride, padding, dilation;
    private final boolean ceilMode;

    public MaxPool1d(int kernel) { this(kernel, kernel); }

    public MaxPool1d(int kernel, int stride) { this(kernel, stride, 0, 1, false); }

    public MaxPool1d(int kernel, int stride, int padding, int dilation, boolean ceilMode) {
        if (kernel <= 0 || stride <= 0 || dilation <= 0 || padding < 0) {
            throw new IllegalArgumentException("MaxPool1d: expected kernel, stride, dilation > 0 and padding >= 0, got kernel_size=" + kernel
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
        if (x.dim() != 3 && x.dim() != 2) {
            throw new IllegalArgumentException(repr() + ": expected input [N, C, L] or [C, L], got " + x.shape());
        }
        return F.maxPool1d(x, kernel, stride, padding, dilation, ceilMode);
    }

    @Override protected String extraRepr() {
        return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding + ", dilation=" + dilation + ", ceil_mode="
                + (ceilMode ? "True" : "False");
    }
}
