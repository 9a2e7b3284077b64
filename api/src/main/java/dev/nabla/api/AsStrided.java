package dev.nabla.api;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The history of a view regenerated from its base after the base's version moved (an in-place op on the base or on
 * another of its views), as PyTorch's {@code AsStridedBackward}: the view is the region of the base it lies on, and its
 * gradient goes back to that region of the base's gradient (zero elsewhere).
 */
final class AsStrided extends Function {
    private final StridedRegion region;

    AsStrided(StridedRegion region) { this.region = region; }

    @Override protected INDArray forward(INDArray... x) { return region.viewOf(x[0]); }

    @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {region.scatter(g)}; }
}
