package dev.nabla.layers.kernels;

import dev.nabla.api.Blas;
import dev.nabla.api.Function;
import dev.nabla.api.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * conv2d followed by max_pool2d as one op ({@link FastConvPool}): what {@code Conv2d} runs for itself and the
 * {@code MaxPool2d} after it inside a {@link dev.nabla.api.Sequential}; the module hands over the pooling's plain
 * parameters (kernel, stride, padding, dilation, ceil mode), so that this op knows no module. Inputs x [N, C, H, W], weight, optional bias;
 * output the pooled [N, Co, POH, POW]. Only where the unfused pair would run the project's convolution kernel anyway
 * (float32, one group, fewer than 8 input channels or a batch under 16: see {@link Kernels}) and every pooling window
 * lies inside the convolution's output (no padding, dilation or ceil mode); {@link #tryApply} declines otherwise.
 *
 * <p>Internal: public only for {@code dev.nabla.layers}; not part of the public API.
 */
public final class ConvMaxPool2dFunction extends Function {
    private final ConvGeometry g;
    private final PoolGeometry pg;
    private final String pool;
    private int[] arg;
    private long co;

    private ConvMaxPool2dFunction(ConvGeometry g, PoolGeometry pg, String pool) {
        this.g = g; this.pg = pg; this.pool = pool;
    }

    /** The fused op on {@code x}, or null when the pair does not fuse for this input (then each module runs). */
    public static Tensor tryApply(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] pad, int[] dilation, int groups,
                                  int poolKernel, int poolStride, int poolPadding, int poolDilation, boolean ceilMode) {
        if (x.dim() != 4 || groups != 1 || poolPadding != 0 || poolDilation != 1 || ceilMode || !Blas.available()) return null;
        if (x.dtype() != dev.nabla.api.DType.FLOAT32 || weight.dtype() != dev.nabla.api.DType.FLOAT32
                || (bias != null && bias.dtype() != dev.nabla.api.DType.FLOAT32)) return null;
        long[] w = weight.shape().toArray();
        int n = (int) x.size(0), c = (int) x.size(1), h = (int) x.size(2), wd = (int) x.size(3);
        if (c != w[1] || n == 0 || x.nd().length() >= Integer.MAX_VALUE / 2) return null;
        int kh = (int) w[2], kw = (int) w[3];
        if (Kernels.current() == Kernels.AUTO && !Conv2dFunction.ownBeatsOneDnn(c, n, kh, kw, stride[0], stride[1])) return null;   // Conv2dFunction's choice
        if ((long) h + pad[0] + pad[2] < (long) dilation[0] * (kh - 1) + 1 || (long) wd + pad[1] + pad[3] < (long) dilation[1] * (kw - 1) + 1) return null;
        int oh = ConvGeometry.outSize(h, kh, stride[0], pad[0] + pad[2], dilation[0]);
        int ow = ConvGeometry.outSize(wd, kw, stride[1], pad[1] + pad[3], dilation[1]);
        int k = poolKernel, s = poolStride;
        if (oh < k || ow < k) return null;   // the unfused max_pool2d reports the error
        int poh = PoolGeometry.outSize(oh, k, 0, s, 1, false), pow = PoolGeometry.outSize(ow, k, 0, s, 1, false);
        PoolGeometry pg = new PoolGeometry(1, oh, ow, k, k, s, s, 0, 0, 1, 1, poh, pow);
        if (!pg.windowsInside() || (long) n * w[0] * oh * ow >= Integer.MAX_VALUE / 2) return null;
        ConvGeometry g = new ConvGeometry(n, c, h, wd, kh, kw, stride[0], stride[1], pad[0], pad[1], dilation[0], dilation[1], oh, ow);
        var f = new ConvMaxPool2dFunction(g, pg, "k" + k);
        return bias == null ? Function.apply(f, x, weight) : Function.apply(f, x, weight, bias);
    }

    @Override protected INDArray forward(INDArray... in) {
        co = in[1].size(0);
        int[] a = MaxPool2dFunction.takeArgs((int) (g.n() * co * pg.oh() * pg.ow()));
        INDArray y = FastConvPool.forward(g, pg, in[0], in[1], in.length > 2 ? in[2] : null, a);
        if (needsGrad(0) || needsGrad(1) || (in.length > 2 && needsGrad(2))) arg = a;
        else MaxPool2dFunction.giveArgs(a);   // no backward will read it
        return y;
    }

    @Override protected INDArray[] backward(INDArray gOut) {
        boolean bias = inputCount() > 2;
        INDArray[] r = FastConvPool.backward(g, pg, input(0), input(1), gOut, arg, needsGrad(0), needsGrad(1), bias && needsGrad(2));
        return bias ? r : new INDArray[] {r[0], r[1]};
    }

    @Override protected void releaseSaved() {
        if (arg != null) MaxPool2dFunction.giveArgs(arg);   // benchmark switch, read per call
        arg = null;
    }

    @Override public String name() { return "ConvMaxPool2dBackward"; }

    @Override protected String profileName() {
        return "Conv2d " + g.c() + "->" + co + " k" + g.kh() + " + MaxPool2d " + pool + " (fused)";
    }
}
