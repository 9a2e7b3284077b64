package dev.nabla.datasets;

import dev.nabla.api.DType;
import dev.nabla.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Stacking of samples into batches by bulk copies through Java arrays, and array ↔ tensor helpers. */
final class Collation {
    private Collation() {}

    /** Checks {@code 0 <= index < size} with a message naming the dataset. */
    static int checkIndex(Object dataset, int index, int size) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(dataset.getClass().getSimpleName() + ": index " + index
                    + " is out of range for a dataset of size " + size);
        }
        return index;
    }

    static Batch collate(List<?> items) {
        if (items.isEmpty()) throw new IllegalArgumentException("collate: no samples to collate");
        Object first = items.get(0);
        if (first instanceof Sample) {
            List<Tensor> xs = new ArrayList<>(items.size());
            List<Tensor> ys = new ArrayList<>(items.size());
            for (Object o : items) {
                Sample s = (Sample) o;
                xs.add(s.x());
                ys.add(s.y());
            }
            boolean noTargets = ys.stream().allMatch(y -> y == null);
            if (!noTargets && ys.contains(null)) {
                throw new IllegalArgumentException("collate: some samples have a target y and some do not");
            }
            return new Batch(stack(xs), noTargets ? null : stack(ys));
        }
        if (first instanceof Tensor) {
            List<Tensor> xs = new ArrayList<>(items.size());
            for (Object o : items) xs.add((Tensor) o);
            return new Batch(stack(xs), null);
        }
        throw new IllegalArgumentException("collate: no default collation for elements of type "
                + first.getClass().getName() + "; expected Sample or Tensor, or give the DataLoader a collate function");
    }

    /** Stacks equal-shaped tensors along a new first dimension (not recorded by autograd). */
    static Tensor stack(List<Tensor> ts) {
        Tensor first = ts.get(0);
        long[] shape = first.shape().toArray();
        DType dtype = first.dtype();
        for (int i = 1; i < ts.size(); i++) {
            Tensor t = ts.get(i);
            if (!Arrays.equals(t.shape().toArray(), shape) || t.dtype() != dtype) {
                throw new IllegalArgumentException("collate: samples must have equal shapes and dtypes; got "
                        + Arrays.toString(shape) + " " + dtype + " at entry 0 and " + t.shape() + " "
                        + t.dtype() + " at entry " + i);
            }
        }
        long[] out = new long[shape.length + 1];
        out[0] = ts.size();
        System.arraycopy(shape, 0, out, 1, shape.length);
        int per = (int) first.numel();
        switch (dtype) {
            case FLOAT32 -> {
                float[] data = new float[per * ts.size()];
                for (int i = 0; i < ts.size(); i++) System.arraycopy(ts.get(i).toFloatArray(), 0, data, i * per, per);
                return floats(data, out);
            }
            case INT64 -> {
                long[] data = new long[per * ts.size()];
                for (int i = 0; i < ts.size(); i++) System.arraycopy(ts.get(i).toLongArray(), 0, data, i * per, per);
                return longs(data, out);
            }
            default -> {
                List<Tensor> detached = new ArrayList<>(ts.size());
                for (Tensor t : ts) detached.add(t.detach());
                return Tensor.stack(detached, 0);
            }
        }
    }

    /** Each thread's reusable float array for assembling a batch (at least {@code length} floats, contents undefined). */
    static float[] scratch(int length) {
        float[] s = SCRATCH.get();
        if (s == null || s.length < length) {
            s = new float[length];
            SCRATCH.set(s);
        }
        return s;
    }

    private static final ThreadLocal<float[]> SCRATCH = new ThreadLocal<>();

    /**
     * A float32 tensor of the given shape holding a copy of {@code data[0 … length)}: on the CPU one bulk copy into
     * memory from {@link dev.nabla.api.Pool}, so that neither the batch's array nor its ND4J allocation (~0.45 ms a MB)
     * is new each batch.
     */
    static Tensor floatsPooled(float[] data, int length, long... shape) {
        if (!dev.nabla.api.Blas.available()) return floats(Arrays.copyOf(data, length), shape);
        INDArray a = dev.nabla.api.Pool.uninitialized(DataType.FLOAT, shape);
        if (a.length() != length) throw new IllegalArgumentException("Collation.floatsPooled: shape " + Arrays.toString(shape) + " holds " + a.length() + " floats, got " + length);
        dev.nabla.api.Blas.floats(a).put(0, data, 0, length);
        return Tensor.from(a);
    }

    static Tensor floats(float[] data, long... shape) {
        return Tensor.from(Nd4j.create(data, shape, 'c'));
    }

    static Tensor longs(long[] data, long... shape) {
        return Tensor.from(Nd4j.createFromArray(data).reshape('c', shape));
    }

    /** A uint8 tensor holding a copy of {@code data[offset …]}. */
    static Tensor uint8(byte[] data, int offset, long... shape) {
        INDArray a = Nd4j.createUninitialized(DataType.UINT8, shape);
        int n = (int) a.length();
        if (n > 0) ((BytePointer) a.data().pointer()).put(data, offset, n);
        return Tensor.from(a);
    }

    /** The elements of a tensor as floats, in row-major order. */
    static float[] toFloats(Tensor t) { return t.toFloatArray(); }

    /** A tensor of {@code dtype} from floats (exact for integral values that fit the dtype). */
    static Tensor fromFloats(float[] data, DType dtype, long... shape) {
        Tensor f = floats(data, shape);
        return dtype == DType.FLOAT32 ? f : f.to(dtype);
    }
}
