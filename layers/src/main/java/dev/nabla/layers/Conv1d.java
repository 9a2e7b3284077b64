package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;
import java.util.Arrays;

/**
 * 1-d convolution over [N, C, L], as {@code nn.Conv1d}, on the project's 2-d kernel.
 *
 * <p>Shape: input [N, in, L] (or [in, L]), output [N, out, OL] with OL = ⌊(L + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1;
 * weight [out, in/groups, k], bias [out].
 *
 * <pre>{@code
 * Conv1d conv = new Conv1d(4, 8, 3, Conv1d.Options.DEFAULT.withPadding(1));
 * }</pre>
 */
@dev.nabla.api.KeepsNoTensors
public final class Conv1d extends Module {
    /** Stride, padding (a number or "same" / "valid"), dilation, groups and bias. */
    public record Options(int stride, int padding, String padMode, int dilation, int groups, boolean bias) {
        public static final Options DEFAULT = new Options(1, 0, null, 1, 1, true);

        public Options {
            if (stride <= 0 || padding < 0 || dilation <= 0 || groups <= 0) {
                throw new IllegalArgumentException("Conv1d: expected stride, dilation, groups > 0 and padding >= 0, got stride=" + stride
                        + ", padding=" + padding + ", dilation=" + dilation + ", groups=" + groups);
            }
            if (padMode != null && !padMode.equals("same") && !padMode.equals("valid")) {
                throw new IllegalArgumentException("Conv1d: invalid padding string '" + padMode + "', should be one of {'valid', 'same'}");
            }
        }

        public Options withStride(int s) { return new Options(s, padding, padMode, dilation, groups, bias); }
        public Options withPadding(int p) { return new Options(stride, p, null, dilation, groups, bias); }
        public Options withPadding(String mode) { return new Options(stride, 0, mode, dilation, groups, bias); }
        public Options withDilation(int d) { return new Options(stride, padding, padMode, d, groups, bias); }
        public Options withGroups(int g) { return new Options(stride, padding, padMode, dilation, g, bias); }
        public Options withBias(boolean b) { return new Options(stride, padding, padMode, dilation, groups, b); }
    }

    private final int in, out, k;
    private final Options o;
    private final int[] pad;
    private final Parameter weight, bias;

    public Conv1d(int in, int out, int kernel) { this(in, out, kernel, Options.DEFAULT); }

    public Conv1d(int in, int out, int kernel, Options options) {
        if (in <= 0 || out <= 0 || kernel <= 0) throw new IllegalArgumentException("Conv1d: channels and kernel size must be positive");
        if (in % options.groups() != 0 || out % options.groups() != 0) {
            throw new IllegalArgumentException("Conv1d: in_channels (" + in + ") and out_channels (" + out + ") must be divisible by groups ("
                    + options.groups() + ")");
        }
        if ("same".equals(options.padMode()) && options.stride() != 1) {
            throw new IllegalArgumentException("Conv1d: padding='same' is not supported for strided convolutions");
        }
        this.in = in; this.out = out; this.k = kernel; this.o = options;
        int total = options.dilation() * (kernel - 1);
        this.pad = "same".equals(options.padMode()) ? new int[] {total / 2, total - total / 2} : new int[] {options.padding(), options.padding()};
        long fanIn = (long) in / options.groups() * kernel;
        this.weight = param("weight", Init.kaimingUniform(out, in / options.groups(), kernel));
        this.bias = options.bias() ? param("bias", Init.uniform(1 / Math.sqrt(fanIn), out)) : null;
    }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    public Options options() { return o; }

    /** {left, right}. */
    public int[] padding() { return pad.clone(); }

    @Override public Tensor forward(Tensor x) {
        if ((x.dim() != 3 && x.dim() != 2) || x.size(x.dim() - 2) != in) {
            throw new IllegalArgumentException(repr() + ": expected input [N, " + in + ", L], got " + x.shape());
        }
        return F.conv1d(x, weight, bias, o.stride(), pad, o.dilation(), o.groups());
    }

    @Override protected String extraRepr() {
        StringBuilder b = new StringBuilder().append(in).append(", ").append(out).append(", kernel_size=").append(Format.tuple(k))
                .append(", stride=").append(Format.tuple(o.stride()));
        if (o.padMode() != null) b.append(", padding=").append(o.padMode());
        else if (o.padding() != 0) b.append(", padding=").append(Format.tuple(o.padding()));
        if (o.dilation() != 1) b.append(", dilation=").append(Format.tuple(o.dilation()));
        if (o.groups() != 1) b.append(", groups=").append(o.groups());
        if (bias == null) b.append(", bias=False");
        return b.toString();
    }
}
