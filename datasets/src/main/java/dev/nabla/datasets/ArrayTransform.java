package dev.nabla.datasets;

/** A built-in transform that works on an {@link Image}; its {@code apply(Tensor)} goes through this. */
interface ArrayTransform extends Transform {
    Image apply(Image img);

    @Override default dev.nabla.api.Tensor apply(dev.nabla.api.Tensor x) { return apply(Image.of(x)).toTensor(); }
}
