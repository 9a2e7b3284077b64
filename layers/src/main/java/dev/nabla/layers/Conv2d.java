package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;
import dev.nabla.layers.kernels.ConvMaxPool2dFunction;
import java.util.Arrays;

/**
 * 2-d convolution (cross-correlation) over [N, C, H, W], as {@code nn.Conv2d}, on the project's
 * im2col + GEMM kernel; initialised as PyTorch (kaiming-uniform with a = √5, bias U(±1/√fan_in)).
 *
 * <p>Shape: input [N, in, H, W] (or [in, H, W]), output [N, out, OH, OW] with
 * OH = ⌊(H + padTop + padBottom − dilation·(k − 1) − 1) / stride⌋ + 1; weight [out, in/groups, kh, kw], bias [out].
 *
 * <pre>{@code
 * Conv2d conv = new Conv2d(1, 32, 5);                                           // [N, 1, 28, 28] -> [N, 32, 24, 24]
 * Conv2d same = new Conv2d(32, 64, 3, Conv2d.Options.DEFAULT.withPadding("same"));
 * }</pre>
 */
@dev.nabla.api.KeepsNoTensors
public final class Conv2d extends Module implements dev.nabla.api.FusesWithNext {
    /** Stride, padding (numbers or "same" / "valid"), dilation, groups and bias; PyTorch's defaults in {@link #DEFAULT}. */
    public record Options(int strideH, int strideW, int padH, int padW, String padMode, int dilationH, int dilationW, int groups,
                          boolean bias) {
        public static final Options DEFAULT = new Options(1, 1, 0, 0, null, 1, 1, 1, true);

        public Options {
            if (strideH <= 0 || strideW <= 0) throw new IllegalArgumentException("Conv2d: stride must be positive, got (" + strideH + ", " + strideW + ")");
            if (padH < 0 || padW < 0) throw new IllegalArgumentException("Conv2d: padding must be non-negative, got (" + padH + ", " + padW + ")");
            if (dilationH <= 0 || dilationW <= 0) throw new IllegalArgumentException("Conv2d: dilation must be positive, got (" + dilationH + ", " + dilationW + ")");
            if (groups <= 0) throw new IllegalArgumentException("Conv2d: groups must be positive, got " + groups);
            if (padMode != null && !padMode.equals("same") && !padMode.equals("valid")) {
                throw new IllegalArgumentException("Conv2d: invalid padding string '" + padMode + "', should be one of {'valid', 'same'}");
            }
        }

        public Options withStride(int s) { return withStride(s, s); }
        public Options withStride(int h, int w) { return new Options(h, w, padH, padW, padMode, dilationH, dilationW, groups, bias); }
        public Options withPadding(int p) { return withPadding(p, p); }
        public Options withPadding(int h, int w) { return new Options(strideH, strideW, h, w, null, dilationH, dilationW, groups, bias); }
        /** "same" (stride 1 only; output size = input size) or "valid" (no padding). */
        public Options withPadding(String mode) { return new Options(strideH, strideW, 0, 0, mode, dilationH, dilationW, groups, bias); }
        public Options withDilation(int d) { return withDilation(d, d); }
        public Options withDilation(int h, int w) { return new Options(strideH, strideW, padH, padW, padMode, h, w, groups, bias); }
        public Options withGroups(int g) { return new Options(strideH, strideW, padH, padW, padMode, dilationH, dilationW, g, bias); }
        public Options withBias(boolean b) { return new Options(strideH, strideW, padH, padW, padMode, dilationH, dilationW, groups, b); }
    }

    private final int in, out, kh, kw;
    private final Options o;
    private final int[] stride, pad, dilation;
    private final Parameter weight, bias;

    public Conv2d(int in, int out, int kernel) { this(in, out, kernel, kernel, Options.DEFAULT); }

    public Conv2d(int in, int out, int kernel, Options options) { this(in, out, kernel, kernel, options); }

    public Conv2d(int in, int out, int kh, int kw, Options options) {
        if (in <= 0 || out <= 0 || kh <= 0 || kw <= 0) {
            throw new IllegalArgumentException("Conv2d: channels and kernel size must be positive, got in=" + in + ", out=" + out + ", kernel=(" + kh + ", " + kw + ")");
        }
        int g = options.groups();
        if (in % g != 0 || out % g != 0) {
            throw new IllegalArgumentException("Conv2d: in_channels (" + in + ") and out_channels (" + out + ") must be divisible by groups (" + g + ")");
        }
        if ("same".equals(options.padMode()) && (options.strideH() != 1 || options.strideW() != 1)) {
            throw new IllegalArgumentException("Conv2d: padding='same' is not supported for strided convolutions");
        }
        this.in = in; this.out = out; this.kh = kh; this.kw = kw; this.o = options;
        this.stride = new int[] {options.strideH(), options.strideW()};
        this.dilation = new int[] {options.dilationH(), options.dilationW()};
        if ("same".equals(options.padMode())) {   // as PyTorch: the extra pixel of an odd total goes to the bottom / right
            int th = options.dilationH() * (kh - 1), tw = options.dilationW() * (kw - 1);
            this.pad = new int[] {th / 2, tw / 2, th - th / 2, tw - tw / 2};
        } else {
            this.pad = new int[] {options.padH(), options.padW(), options.padH(), options.padW()};
        }
        long fanIn = (long) in / g * kh * kw;
        this.weight = param("weight", Init.kaimingUniform(out, in / g, kh, kw));
        this.bias = options.bias() ? param("bias", Init.uniform(1 / Math.sqrt(fanIn), out)) : null;
    }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    public int[] stride() { return stride.clone(); }

    /** {top, left, bottom, right}. */
    public int[] padding() { return pad.clone(); }

    public int[] dilation() { return dilation.clone(); }

    public int groups() { return o.groups(); }

    @Override public Tensor forward(Tensor x) {
        if ((x.dim() != 4 && x.dim() != 3) || x.size(x.dim() - 3) != in) {
            throw new IllegalArgumentException(repr() + ": expected input [N, " + in + ", H, W], got " + x.shape()
                    + (x.dim() == 2 ? "; reshape it with view(-1, " + in + ", H, W)?" : ""));
        }
        return F.conv2d(x, weight, bias, stride, pad, dilation, o.groups());
    }

    /**
     * This convolution and a {@link MaxPool2d} after it as one op ({@link ConvMaxPool2dFunction}: the convolution's
     * output never becomes a tensor), where the pair would run the project's kernels anyway; null otherwise.
     */
    @Override public Tensor forwardFused(Module next, Tensor x) {
        if (!(next instanceof MaxPool2d p) || x.dim() != 4 || x.size(1) != in) return null;
        int[] k = p.kernel(), s = p.stride(), pp = p.padding(), d = p.dilation();
        if (k[0] != k[1] || s[0] != s[1] || pp[0] != pp[1] || d[0] != d[1]) return null;    // the fused kernel's windows are square
        return ConvMaxPool2dFunction.tryApply(x, weight, bias, stride, pad, dilation, o.groups(), k[0], s[0], pp[0], d[0], p.ceilMode());
    }

    @Override protected String extraRepr() {
        StringBuilder b = new StringBuilder().append(in).append(", ").append(out).append(", kernel_size=").append(Format.tuple(kh, kw))
                .append(", stride=").append(Format.tuple(stride[0], stride[1]));
        if (o.padMode() != null) b.append(", padding=").append(o.padMode());
        else if (pad[0] != 0 || pad[1] != 0) b.append(", padding=").append(Format.tuple(pad[0], pad[1]));
        if (dilation[0] != 1 || dilation[1] != 1) b.append(", dilation=").append(Format.tuple(dilation[0], dilation[1]));
        if (o.groups() != 1) b.append(", groups=").append(o.groups());
        if (bias == null) b.append(", bias=False");
        return b.toString();
    }
}
