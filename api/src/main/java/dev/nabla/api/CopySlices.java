package dev.nabla.api;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The history a base takes when an in-place op writes through one of its views, as PyTorch's {@code CopySlices}: the
 * new base is the old one with the view's region replaced by the op's result. Its inputs are the old base (its former
 * place on the tape) and the op's out-of-place result; the gradient of the region goes to the result (and through the
 * op's backward to the view's old value and the op's other inputs), the rest of the base's gradient to the old base.
 *
 * <pre>{@code
 * Tensor y = x.mul(2);
 * y.narrow(1, 0, 2).mul_(3);   // y.gradFn() is now "CopySlices"
 * y.sum().backward();          // x.grad() is 6 in columns 0 and 1, 2 elsewhere
 * }</pre>
 */
final class CopySlices extends Function {
    private final StridedRegion region;

    CopySlices(StridedRegion region) { this.region = region; }

    @Override public String name() { return "CopySlices"; }

    /** Not run: the in-place op has written the region already (see {@link DifferentiableView#rebase}). */
    @Override protected INDArray forward(INDArray... x) {
        throw new UnsupportedOperationException("CopySlices: recorded by an in-place op on a view, not applied");
    }

    @Override protected INDArray[] backward(INDArray g) {
        INDArray[] s = region.scratch(g.dataType());
        s[0].assign(g);
        INDArray gResult = needsGrad(1) ? s[1].dup('c') : null;
        if (!region.isEmpty()) s[1].assign(0);
        return new INDArray[] {needsGrad(0) ? s[0] : null, gResult};
    }
}
