package dev.nabla.api;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where a view lies in its base's storage: the base's shape and strides, the view's shape, strides and offset from the
 * base's first element (all in elements), as PyTorch's {@code as_strided} arguments. {@link CopySlices} and
 * {@link AsStrided} use it to find the view's elements inside a gradient of the base's shape, whatever the layout of
 * either (narrow of a transpose, a select of a reshape, …).
 */
final class StridedRegion {
    private final long[] baseShape, baseStride, shape, stride;
    private final long offset, span;

    private StridedRegion(long[] baseShape, long[] baseStride, long[] shape, long[] stride, long offset, long span) {
        this.baseShape = baseShape;
        this.baseStride = baseStride;
        this.shape = shape;
        this.stride = stride;
        this.offset = offset;
        this.span = span;
    }

    /** The region of {@code view} in {@code base}, which it must share storage with; {@code op} names the caller in errors. */
    static StridedRegion of(String op, INDArray base, INDArray view) {
        long[] bs = base.shape(), vs = view.shape();
        long[] bst = base.rank() == 0 ? new long[0] : base.stride().clone();
        long[] vst = view.rank() == 0 ? new long[0] : view.stride().clone();
        if (view.length() == 0 || base.length() == 0) return new StridedRegion(bs, bst, vs, vst, 0, 0);
        if (!Tensor.sharesStorage(base, view)) {
            throw new IllegalStateException(op + ": expected a view that shares its base's storage, got a tensor of shape "
                    + Arrays.toString(vs) + " with storage of its own");
        }
        long span = 1;
        for (int i = 0; i < bs.length; i++) {
            if (bst[i] < 0 || bst[i] == 0 && bs[i] > 1) {
                throw new IllegalStateException(op + ": expected a base whose elements each have their own memory location, "
                        + "got shape " + Arrays.toString(bs) + " with strides " + Arrays.toString(bst) + "; clone() the base first");
            }
            span += (bs[i] - 1) * bst[i];
        }
        long offset = view.offset() - base.offset(), last = offset;
        for (int i = 0; i < vs.length; i++) last += (vs[i] - 1) * vst[i];
        if (offset < 0 || last >= span) {
            throw new IllegalStateException(op + ": expected a view inside its base's elements [0, " + span + "), got offsets ["
                    + offset + ", " + last + "]");
        }
        return new StridedRegion(bs, bst, vs, vst, offset, span);
    }

    boolean isEmpty() { return span == 0; }

    long[] baseShape() { return baseShape.clone(); }

    /** The region of {@code baseLike} (an array laid out as the base, sharing its storage): the view it describes. */
    INDArray viewOf(INDArray baseLike) {
        if (isEmpty()) return Nd4j.create(baseLike.dataType(), shape);
        return Nd4j.create(baseLike.data(), shape, stride, baseLike.offset() + offset, 'c', baseLike.dataType());
    }

    /** Whether two or more elements of the view share a memory location (a stride 0 of an expand). */
    boolean overlaps() {
        for (int i = 0; i < shape.length; i++) if (stride[i] == 0 && shape[i] > 1) return true;
        return false;
    }

    /**
     * A fresh array laid out as the base (same strides, its own zeroed storage): element {@code [0]} is its base-shaped
     * view, element {@code [1]} the region inside it.
     */
    INDArray[] scratch(DataType type) {
        if (isEmpty()) return new INDArray[] {Nd4j.zeros(type, baseShape), Nd4j.create(type, shape)};
        INDArray storage = Nd4j.zeros(type, span);
        INDArray whole = Nd4j.create(storage.data(), baseShape, baseStride, 0, 'c', type);
        return new INDArray[] {whole, Nd4j.create(storage.data(), shape, stride, offset, 'c', type)};
    }

    /**
     * A gradient of the base's shape that is {@code g} (of the view's shape) on the region and zero elsewhere; where the
     * view repeats a memory location (stride 0), the gradients of the repeats add up.
     */
    INDArray scatter(INDArray g) {
        INDArray[] s = scratch(g.dataType());
        if (isEmpty()) return s[0];
        if (!overlaps()) {
            s[1].assign(g);
            return s[0];
        }
        int[] repeated = java.util.stream.IntStream.range(0, shape.length).filter(i -> stride[i] == 0 && shape[i] > 1).toArray();
        INDArray summed = g.sum(true, repeated);
        long[] one = shape.clone();
        for (int d : repeated) one[d] = 1;
        Nd4j.create(s[1].data(), one, stride, offset, 'c', g.dataType()).assign(summed);
        return s[0];
    }
}
