package dev.nabla.layers.kernels;

import dev.nabla.api.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Softplus as PyTorch's kernel: {@code log1p(exp(β·x)) / β}, and x itself where β·x > threshold; the gradient
 * {@code g·z / (z + 1)} with z = exp(β·x), and g above the threshold. An accurate log1p keeps the lower tail:
 * log(1 + exp(−40)) is 0 in float64 (PyTorch 4.2e−18); a float32 input's log1p is taken in float64 and rounded.
 *
 * <p>Internal: public only for {@code dev.nabla.layers}; not part of the public API.
 */
public final class SoftplusFunction extends Function {
    private final double beta, threshold;

    public SoftplusFunction(double beta, double threshold) {
        this.beta = beta;
        this.threshold = threshold;
    }

    @Override protected INDArray forward(INDArray... in) {
        INDArray x = in[0], bx = x.mul(beta);
        INDArray z = Transforms.exp(bx, true);   // in x's dtype: overflows to inf where PyTorch's does
        INDArray soft = log1p(z.dataType() == DataType.DOUBLE ? z : z.castTo(DataType.DOUBLE));
        if (soft.dataType() != x.dataType()) soft = soft.castTo(x.dataType());
        return select(bx.gt(threshold), x, soft.divi(beta));
    }

    /**
     * log(1 + u) for u ≥ 0 to a few ulps of float64, by Goldberg's {@code u·log(1 + u) / ((1 + u) − 1)} (u itself where
     * 1 + u rounds to 1, inf for inf): libnd4j's Log1p is log(1 + u), 0 below 1.1e−16 and 1.00000008e−10 for 1e−10.
     */
    static INDArray log1p(INDArray u) {
        INDArray w = u.add(1);
        INDArray r = Transforms.log(w, true).muli(u).divi(w.sub(1));
        r = select(w.eq(1), u, r);
        return select(u.isInfinite(), u, r);
    }

    @Override protected INDArray[] backward(INDArray g) {
        INDArray bx = input(0).mul(beta);
        if (bx.dataType() != g.dataType()) bx = bx.castTo(g.dataType());
        INDArray z = Transforms.exp(bx, true);
        INDArray inner = z.div(z.add(1)).muli(g);
        return new INDArray[] {select(bx.gt(threshold), g, inner)};
    }

    /** {@code cond ? a : b} for arrays of one shape (a cast to b's dtype). */
    private static INDArray select(INDArray cond, INDArray a, INDArray b) {
        if (b.length() == 0) return b;
        INDArray out = Nd4j.createUninitialized(b.dataType(), b.shape());
        INDArray c = cond.dataType() == DataType.BOOL ? cond : cond.castTo(DataType.BOOL);
        INDArray av = a.dataType() == b.dataType() ? a.dup('c') : a.castTo(b.dataType()).dup('c');
        Nd4j.exec(DynamicCustomOp.builder("select").addInputs(c.dup('c'), av, b.dup('c')).addOutputs(out).build());
        return out;
    }
}
