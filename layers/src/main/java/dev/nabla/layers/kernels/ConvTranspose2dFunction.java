package dev.nabla.layers.kernels;

import dev.nabla.api.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The project's transposed 2-d convolution: the adjoint of {@link Conv2dFunction} with respect to
 * its input. Forward: col = Wᵀ·X then col2im; backward: im2col of the output gradient, then two
 * GEMMs. Inputs: x [N, Cin, H, W], weight [Cin, Cout/groups, kh, kw], optional bias [Cout].
 *
 * <p>Internal: public only for {@code dev.nabla.layers}; not part of the public API.
 */
public final class ConvTranspose2dFunction extends Function {
    private final int sh, sw, ph, pw, oph, opw, dh, dw, groups;
    private ConvGeometry g;

    public ConvTranspose2dFunction(int sh, int sw, int ph, int pw, int oph, int opw, int dh, int dw, int groups) {
        this.sh = sh; this.sw = sw; this.ph = ph; this.pw = pw; this.oph = oph; this.opw = opw; this.dh = dh; this.dw = dw;
        this.groups = groups;
    }

    @Override protected INDArray forward(INDArray... in) {
        INDArray x = in[0], w = in[1];
        int n = (int) x.size(0), h = (int) x.size(2), wd = (int) x.size(3);
        int kh = (int) w.size(2), kw = (int) w.size(3);
        int cout = (int) (w.size(1) * groups);
        int oh = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1;
        int ow = (wd - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1;
        // the convolution whose input is this op's output and whose output is this op's input
        g = new ConvGeometry(n, cout, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw, h, wd);
        INDArray xc = Conv2dFunction.nchwToChannelMajor(x);                                 // [Cin, N·H·W]
        INDArray col = Conv2dFunction.gemm(weight2d(w), true, xc, false, groups);          // [Cout·kh·kw, N·H·W]
        INDArray y = Conv2dFunction.col2im(g, col);                                        // [N, Cout, OH, OW]
        if (in.length > 2 && in[2] != null) y.addi(in[2].reshape(1, cout, 1, 1).broadcast(y.shape()));
        return y;
    }

    @Override protected INDArray[] backward(INDArray gOut) {
        INDArray[] r = new INDArray[inputCount()];
        INDArray gcol = Conv2dFunction.im2col(g, gOut.dataType() == input(1).dataType() ? gOut : gOut.castTo(input(1).dataType()));
        long[] xs = inputShape(0);
        if (needsGrad(0)) {
            INDArray dx = Conv2dFunction.gemm(weight2d(input(1)), false, gcol, false, groups);   // [Cin, N·H·W]
            r[0] = Conv2dFunction.channelMajorToNchw(dx, xs[0], xs[1], xs[2], xs[3]);
        }
        if (needsGrad(1)) {
            INDArray xc = Conv2dFunction.nchwToChannelMajor(input(0));
            r[1] = Conv2dFunction.gemm(xc, false, gcol, true, groups).reshape(inputShape(1));
        }
        if (inputCount() > 2 && needsGrad(2)) r[2] = gOut.sum(0, 2, 3);
        return r;
    }

    /** [Cin, Cout/groups·kh·kw]. */
    private static INDArray weight2d(INDArray w) { return w.reshape('c', w.size(0), w.length() / w.size(0)); }
}
