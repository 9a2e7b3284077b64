package dev.nabla.layers.kernels;

import dev.nabla.api.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Binary cross-entropy per element of probabilities p and targets y (one shape), as PyTorch's
 * {@code binary_cross_entropy} kernel: {@code (y − 1)·max(log(1 − p), −100) − y·max(log p, −100)}; the gradient for p
 * is {@code (p − y) / max(p·(1 − p), 1e−12)}, finite where p is exactly 0 or 1 (a float32 sigmoid(17) is 1.0), and
 * for y {@code −logit(p)}.
 *
 * <p>Internal: public only for {@code dev.nabla.layers}; not part of the public API.
 */
public final class BinaryCrossEntropyFunction extends Function {
    /** PyTorch's {@code EPSILON}, a float constant: 9.99999996e-13 also in float64. */
    private static final double EPSILON = 1e-12f;

    @Override protected INDArray forward(INDArray... x) {
        INDArray p = x[0], y = target(x[1], p);
        INDArray logP = Transforms.max(Transforms.log(p, true), -100, false);
        INDArray log1mP = Transforms.max(Transforms.log(p.rsub(1), false), -100, false);
        return y.sub(1).muli(log1mP).subi(logP.muli(y));
    }

    @Override protected INDArray[] backward(INDArray g) {
        INDArray p = input(0), y = target(input(1), p);
        INDArray gp = null, gy = null;
        if (needsGrad(0)) {
            INDArray denominator = Transforms.max(p.rsub(1).muli(p), EPSILON, false);
            gp = p.sub(y).divi(denominator).muli(g);
        }
        if (needsGrad(1)) gy = Transforms.log(p.div(p.rsub(1)), false).negi().muli(g);
        return new INDArray[] {gp, gy};
    }

    private static INDArray target(INDArray y, INDArray p) { return y.dataType() == p.dataType() ? y : y.castTo(p.dataType()); }
}
