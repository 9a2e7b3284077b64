package dev.nabla.datasets;

import dev.nabla.api.DType;
import dev.nabla.api.Tensor;

/**
 * An image (or any small tensor) as a Java float array with its shape and the dtype it stands for: the
 * working form of the built-in transforms, so that a chain of them runs without an ND4J call per sample.
 */
final class Image {
    final float[] v;
    final long[] shape;
    final DType dtype;

    Image(float[] v, long[] shape, DType dtype) {
        this.v = v;
        this.shape = shape;
        this.dtype = dtype;
    }

    static Image of(Tensor x) { return new Image(x.toFloatArray(), x.shape().toArray(), x.dtype()); }

    /** Image {@code index} of {@code bytes} ({@code [n, c, h, w]} uint8). */
    static Image ofBytes(byte[] bytes, int offset, int c, int h, int w) {
        float[] v = new float[c * h * w];
        for (int i = 0; i < v.length; i++) v[i] = bytes[offset + i] & 0xff;
        return new Image(v, new long[] {c, h, w}, DType.UINT8);
    }

    Tensor toTensor() { return Collation.fromFloats(v, dtype, shape); }

    int dim() { return shape.length; }

    long size(int d) { return shape[d < 0 ? d + shape.length : d]; }
}
