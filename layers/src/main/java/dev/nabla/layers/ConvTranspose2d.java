package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;
import java.util.Arrays;

/**
 * Transposed 2-d convolution, as {@code nn.ConvTranspose2d}: the adjoint of {@link Conv2d}, used to upsample.
 *
 * <p>Shape: input [N, in, H, W], output [N, out, OH, OW] with
 * OH = (H − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1; weight [in, out/groups, kh, kw], bias [out].
 *
 * <pre>{@code
 * ConvTranspose2d up = new ConvTranspose2d(16, 8, 3, ConvTranspose2d.Options.DEFAULT.withStride(2));
 * }</pre>
 */
@dev.nabla.api.KeepsNoTensors
public final class ConvTranspose2d extends Module {
    /** Stride, padding, output padding, dilation, groups and bias. */
    public record Options(int stride, int padding, int outputPadding, int dilation, int groups, boolean bias) {
        public static final Options DEFAULT = new Options(1, 0, 0, 1, 1, true);

        public Options {
            if (stride <= 0 || padding < 0 || outputPadding < 0 || dilation <= 0 || groups <= 0) {
                throw new IllegalArgumentException("ConvTranspose2d: expected stride, dilation, groups > 0 and paddings >= 0, got stride="
                        + stride + ", padding=" + padding + ", output_padding=" + outputPadding + ", dilation=" + dilation + ", groups=" + groups);
            }
        }

        public Options withStride(int s) { return new Options(s, padding, outputPadding, dilation, groups, bias); }
        public Options withPadding(int p) { return new Options(stride, p, outputPadding, dilation, groups, bias); }
        public Options withOutputPadding(int p) { return new Options(stride, padding, p, dilation, groups, bias); }
        public Options withDilation(int d) { return new Options(stride, padding, outputPadding, d, groups, bias); }
        public Options withGroups(int g) { return new Options(stride, padding, outputPadding, dilation, g, bias); }
        public Options withBias(boolean b) { return new Options(stride, padding, outputPadding, dilation, groups, b); }
    }

    private final int in, out, k;
    private final Options o;
    private final Parameter weight, bias;

    public ConvTranspose2d(int in, int out, int kernel) { this(in, out, kernel, Options.DEFAULT); }

    public ConvTranspose2d(int in, int out, int kernel, Options options) {
        if (in <= 0 || out <= 0 || kernel <= 0) throw new IllegalArgumentException("ConvTranspose2d: channels and kernel size must be positive");
        if (in % options.groups() != 0 || out % options.groups() != 0) {
            throw new IllegalArgumentException("ConvTranspose2d: in_channels (" + in + ") and out_channels (" + out
                    + ") must be divisible by groups (" + options.groups() + ")");
        }
        this.in = in; this.out = out; this.k = kernel; this.o = options;
        long fanIn = (long) out / options.groups() * kernel * kernel;   // PyTorch computes fans from weight dim 1
        this.weight = param("weight", Init.kaimingUniform(in, out / options.groups(), kernel, kernel));
        this.bias = options.bias() ? param("bias", Init.uniform(1 / Math.sqrt(fanIn), out)) : null;
    }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    public Options options() { return o; }

    @Override public Tensor forward(Tensor x) {
        if ((x.dim() != 4 && x.dim() != 3) || x.size(x.dim() - 3) != in) {
            throw new IllegalArgumentException(repr() + ": expected input [N, " + in + ", H, W], got " + x.shape());
        }
        int[] two = {o.stride(), o.stride()};
        return F.convTranspose2d(x, weight, bias, two, new int[] {o.padding(), o.padding()}, new int[] {o.outputPadding(), o.outputPadding()},
                new int[] {o.dilation(), o.dilation()}, o.groups());
    }

    @Override protected String extraRepr() {
        StringBuilder b = new StringBuilder().append(in).append(", ").append(out).append(", kernel_size=").append(Format.tuple(k, k))
                .append(", stride=").append(Format.tuple(o.stride(), o.stride()));
        if (o.padding() != 0) b.append(", padding=").append(Format.tuple(o.padding(), o.padding()));
        if (o.outputPadding() != 0) b.append(", output_padding=").append(Format.tuple(o.outputPadding(), o.outputPadding()));
        if (o.dilation() != 1) b.append(", dilation=").append(Format.tuple(o.dilation(), o.dilation()));
        if (o.groups() != 1) b.append(", groups=").append(o.groups());
        if (bias == null) b.append(", bias=False");
        return b.toString();
    }
}
