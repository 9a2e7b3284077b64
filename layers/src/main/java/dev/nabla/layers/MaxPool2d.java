package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/**
 * Max over kh×kw windows, as {@code nn.MaxPool2d}; the stride defaults to the kernel size. Every size is one number for
 * both axes or a pair {h, w}, as PyTorch's int-or-tuple arguments.
 *
 * <p>Shape: [N, C, H, W] → [N, C, OH, OW], OH = ⌊(H + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1 (⌈⌉ in ceil mode),
 * OW likewise.
 *
 * <pre>{@code
 * MaxPool2d pool = new MaxPool2d(3);                                   // [N, 32, 24, 24] -> [N, 32, 8, 8]
 * MaxPool2d wide = new MaxPool2d(new int[] {2, 3}, new int[] {2, 1});  // nn.MaxPool2d((2, 3), stride=(2, 1))
 * }</pre>
 */
@dev.nabla.api.KeepsNoTensors
public final class MaxPool2d extends Module {
    private final int[] kernel, stride, padding, dilation;
    private final boolean ceilMode;

    public MaxPool2d(int kernel) { this(kernel, kernel); }

    public MaxPool2d(int kernel, int stride) { this(kernel, stride, 0, 1, false); }

    public MaxPool2d(int kernel, int stride, int padding, int dilation, boolean ceilMode) {
        this(new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {padding, padding}, new int[] {dilation, dilation}, ceilMode);
    }

    /** A kh×kw window; the stride is the kernel. */
    public MaxPool2d(int[] kernel) { this(kernel, kernel); }

    public MaxPool2d(int[] kernel, int[] stride) { this(kernel, stride, new int[] {0, 0}, new int[] {1, 1}, false); }

    /** Every size a pair {h, w}. */
    public MaxPool2d(int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        this.kernel = PoolArgs.pair("MaxPool2d", "kernel_size", kernel);
        this.stride = PoolArgs.pair("MaxPool2d", "stride", stride);
        this.padding = PoolArgs.pair("MaxPool2d", "padding", padding);
        this.dilation = PoolArgs.pair("MaxPool2d", "dilation", dilation);
        if (PoolArgs.min(this.kernel) <= 0 || PoolArgs.min(this.stride) <= 0 || PoolArgs.min(this.dilation) <= 0 || PoolArgs.min(this.padding) < 0) {
            throw new IllegalArgumentException("MaxPool2d: expected kernel, stride, dilation > 0 and padding >= 0, got " + args());
        }
        this.ceilMode = ceilMode;
    }

    /** The window {h, w}. */
    public int[] kernel() { return kernel.clone(); }

    /** {h, w}. */
    public int[] stride() { return stride.clone(); }

    /** {h, w}. */
    public int[] padding() { return padding.clone(); }

    /** {h, w}. */
    public int[] dilation() { return dilation.clone(); }

    public boolean ceilMode() { return ceilMode; }

    @Override public Tensor forward(Tensor x) {
        if (x.dim() != 4 && x.dim() != 3) {
            throw new IllegalArgumentException(repr() + ": expected input [N, C, H, W] or [C, H, W], got " + x.shape()
                    + (x.dim() == 2 ? "; reshape it with view(N, C, H, W)?" : ""));
        }
        return F.maxPool2d(x, kernel, stride, padding, dilation, ceilMode);
    }

    private String args() {
        return "kernel_size=" + PoolArgs.str(kernel) + ", stride=" + PoolArgs.str(stride) + ", padding=" + PoolArgs.str(padding)
                + ", dilation=" + PoolArgs.str(dilation);
    }

    @Override protected String extraRepr() { return args() + ", ceil_mode=" + (ceilMode ? "True" : "False"); }
}
