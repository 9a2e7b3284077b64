package dev.nabla.api;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Reductions over all or some dimensions, with PyTorch's {@code keepdim}. One small class per op. */
final class ReduceOps {
    private ReduceOps() {}

    /** Normalises dims (negative allowed, none = all), checked against the rank. */
    static int[] dims(String op, int[] dims, int rank) {
        if (dims == null || dims.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) out[i] = Tensor.wrapDim(op, dims[i], rank);
        Arrays.sort(out);
        return out;
    }

    /** The shape with the reduced dims kept as 1. */
    static long[] keptShape(long[] shape, int[] dims) {
        long[] s = shape.clone();
        for (int d : dims) s[d] = 1;
        return s;
    }

    static long[] removedShape(long[] shape, int[] dims) {
        long[] s = new long[shape.length - dims.length];
        int k = 0;
        for (int i = 0; i < shape.length; i++) if (Arrays.binarySearch(dims, i) < 0) s[k++] = shape[i];
        return s;
    }

    private static int[] allDims(int rank) { return dims("", null, rank); }

    static long count(long[] shape, int[] dims) {
        long n = 1;
        for (int d : dims) n *= shape[d];
        return n;
    }

    /** The gradient of a reduction, reshaped to keep-dims form and broadcast to the input's shape. */
    static INDArray spread(INDArray g, long[] inShape, int[] dims) {
        // a one-element gradient (a full reduction, e.g. the loss): one fill instead of a reshape, a
        // stride-0 view and a copy; the value is exact in any float dtype (float → double → float)
        if (g.length() == 1 && count(inShape, dims) > 0) return Nd4j.valueArrayOf(inShape, g.getDouble(0), g.dataType());
        INDArray kept = g.reshape(keptShape(inShape, dims));
        return Broadcast.expand(kept, inShape).dup();
    }

    static INDArray reshapeResult(INDArray r, long[] inShape, int[] dims, boolean keepDim) {
        long[] target = keepDim ? keptShape(inShape, dims) : removedShape(inShape, dims);
        return Arrays.equals(r.shape(), target) ? r : r.reshape(target);
    }

    /** Reductions of more elements than this per result accumulate in float64 (ND4J's float32 sums drift by ~1% at 47M elements). */
    private static final long WIDE_ABOVE = 4096;

    /** {@code a} in float64 when it is float32/float16 and each result sums many elements; else {@code a} itself. */
    static INDArray wide(INDArray a, int[] dims) {
        if (a.dataType() != DataType.FLOAT && a.dataType() != DataType.HALF) return a;
        return count(a.shape(), dims) > WIDE_ABOVE ? a.castTo(DataType.DOUBLE) : a;
    }

    static final class Sum extends Function {
        private final int[] dims; private final boolean keepDim;
        Sum(int[] dims, boolean keepDim) { this.dims = dims; this.keepDim = keepDim; }
        @Override protected INDArray forward(INDArray... x) {
            INDArray a = x[0].dataType() == DataType.BOOL ? x[0].castTo(DataType.LONG) : x[0];
            if (!a.dataType().isFPType() && a.dataType() != DataType.LONG) a = a.castTo(DataType.LONG); // as PyTorch
            INDArray w = wide(a, dims);
            INDArray r = w.sum(keepDim, dims);
            return reshapeResult(w == a ? r : r.castTo(a.dataType()), a.shape(), dims, keepDim);
        }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {spread(g, inputShape(0), dims)}; }
    }

    static final class Mean extends Function {
        private final int[] dims; private final boolean keepDim;
        Mean(int[] dims, boolean keepDim) { this.dims = dims; this.keepDim = keepDim; }
        @Override protected INDArray forward(INDArray... x) {
            if (!x[0].dataType().isFPType()) {
                throw new IllegalArgumentException("mean(): could not infer output dtype. Input dtype must be either a floating "
                        + "point or complex dtype. Got: " + DType.of(x[0].dataType()));
            }
            if (x[0].length() == 0) { // the mean of nothing is nan, as PyTorch (ND4J refuses empties)
                long[] s = keepDim ? keptShape(x[0].shape(), dims) : removedShape(x[0].shape(), dims);
                return count(s, allDims(s.length)) == 0 ? Nd4j.create(x[0].dataType(), s) : Nd4j.valueArrayOf(s, Double.NaN, x[0].dataType());
            }
            INDArray w = wide(x[0], dims);
            INDArray r = w.mean(keepDim, dims);
            return reshapeResult(w == x[0] ? r : r.castTo(x[0].dataType()), x[0].shape(), dims, keepDim);
        }
        @Override protected INDArray[] backward(INDArray g) {
            long[] s = inputShape(0);
            return new INDArray[] {spread(g, s, dims).divi(count(s, dims))};
        }
    }

    /** Variance; {@code unbiased} divides by N − 1 (PyTorch's default). */
    static final class Var extends Function {
        private final int[] dims; private final boolean unbiased, keepDim;
        Var(int[] dims, boolean unbiased, boolean keepDim) { this.dims = dims; this.unbiased = unbiased; this.keepDim = keepDim; }
        @Override protected INDArray forward(INDArray... x) {
            INDArray a0 = UnaryOps.fp(x[0]), a = wide(a0, dims);
            INDArray centred = a.sub(Broadcast.expand(a.mean(true, dims), a.shape()));
            long n = count(a.shape(), dims) - (unbiased ? 1 : 0);
            INDArray r = centred.muli(centred).sum(keepDim, dims).divi(n);
            return reshapeResult(a == a0 ? r : r.castTo(a0.dataType()), a.shape(), dims, keepDim);
        }
        @Override protected INDArray[] backward(INDArray g) {
            INDArray a = input(0).castTo(g.dataType());
            long[] s = a.shape();
            INDArray centred = a.sub(Broadcast.expand(a.mean(true, dims), s));
            long n = count(s, dims) - (unbiased ? 1 : 0);
            return new INDArray[] {spread(g, s, dims).muli(centred).muli(2.0 / n)};
        }
    }

    /** max() or min() over everything; ties share the gradient evenly, as PyTorch's amax. */
    static final class Extreme extends Function {
        private final boolean max; private final int[] dims; private final boolean keepDim;
        Extreme(boolean max, int[] dims, boolean keepDim) { this.max = max; this.dims = dims; this.keepDim = keepDim; }
        @Override protected INDArray forward(INDArray... x) {
            saveOutput();
            INDArray r = reshapeResult(max ? x[0].max(keepDim, dims) : x[0].min(keepDim, dims), x[0].shape(), dims, keepDim);
            if (!x[0].dataType().isFPType()) return r;
            INDArray nan = x[0].isNaN().castTo(DataType.DOUBLE).sum(keepDim, dims).gt(0); // nan wins, as PyTorch
            return ViewOps.fillWhere(r, reshapeResult(nan, x[0].shape(), dims, keepDim), Double.NaN);
        }
        @Override protected INDArray[] backward(INDArray g) {
            INDArray x = input(0);
            long[] s = x.shape();
            INDArray hit = x.eq(Broadcast.expand(output().reshape(keptShape(s, dims)), s)).castTo(g.dataType());
            INDArray n = Broadcast.expand(hit.sum(true, dims), s);
            return new INDArray[] {spread(g, s, dims).muli(hit).divi(n)};
        }
    }

    /** max(dim) / min(dim) values; the gradient goes to the index that was chosen. */
    static final class ExtremeDim extends Function {
        private final int dim; private final boolean keepDim; private final INDArray indices;
        ExtremeDim(int dim, boolean keepDim, INDArray indices) { this.dim = dim; this.keepDim = keepDim; this.indices = indices; }
        @Override protected INDArray forward(INDArray... x) {
            // values picked through the indices, so that values and indices always agree
            return reshapeResult(pick(x[0], indices, dim), x[0].shape(), new int[] {dim}, keepDim);
        }
        @Override protected INDArray[] backward(INDArray g) {
            long[] s = inputShape(0);
            INDArray hot = oneHot(indices, s, dim, g.dataType());
            return new INDArray[] {spread(g, s, new int[] {dim}).muli(hot)};
        }
    }

    /** argmax / argmin along {@code dim} with keep-dims shape, int64. */
    static INDArray argExtreme(INDArray x, boolean max, int dim) {
        INDArray idx = max ? Nd4j.argMax(x, dim) : Nd4j.getExecutioner().exec(
                new org.nd4j.linalg.api.ops.impl.indexaccum.custom.ArgMin(x, false, new int[] {dim}))[0];
        long[] kept = keptShape(x.shape(), new int[] {dim});
        idx = idx.castTo(DataType.LONG).reshape(kept);
        if (!x.dataType().isFPType()) return idx;
        INDArray nan = x.isNaN().castTo(DataType.DOUBLE); // the first nan wins, as PyTorch
        INDArray firstNan = Nd4j.argMax(nan, dim).castTo(DataType.LONG).reshape(kept);
        return ViewOps.select(nan.max(true, dim).reshape(kept).gt(0), firstNan, idx);
    }

    /** For keep-dims indices along dim, a 0/1 array of the input's shape marking them. */
    static INDArray oneHot(INDArray keptIndices, long[] shape, int dim, DataType type) {
        long[] rs = new long[shape.length];
        Arrays.fill(rs, 1);
        rs[dim] = shape[dim];
        INDArray range = Nd4j.arange(shape[dim]).castTo(DataType.LONG).reshape(rs);
        return Broadcast.pairwise("eq", "equals", Broadcast.expand(keptIndices, shape), range, DataType.BOOL).castTo(type);
    }

    static INDArray pick(INDArray x, INDArray keptIndices, int dim) {
        INDArray hot = oneHot(keptIndices, x.shape(), dim, DataType.BOOL);
        INDArray zero = Nd4j.zeros(x.dataType(), x.shape());
        INDArray sel = Nd4j.createUninitialized(x.dataType(), x.shape());
        Nd4j.exec(org.nd4j.linalg.api.ops.DynamicCustomOp.builder("select").addInputs(hot, x, zero).addOutputs(sel).build());
        return sel.sum(true, dim);
    }

    /** The p-norm; p = 2, 1, ∞ and any p > 0. The gradient at a zero norm is zero, as PyTorch. */
    static final class Norm extends Function {
        private final double p; private final int[] dims; private final boolean keepDim;
        Norm(double p, int[] dims, boolean keepDim) {
            if (!(p > 0)) throw new IllegalArgumentException("norm: expected p > 0 (or Double.POSITIVE_INFINITY), got " + p);
            this.p = p; this.dims = dims; this.keepDim = keepDim;
        }
        @Override protected INDArray forward(INDArray... in) {
            saveOutput();
            INDArray x0 = UnaryOps.fp(in[0]), x = p == Double.POSITIVE_INFINITY ? x0 : wide(x0, dims);
            INDArray abs = Transforms.abs(x, true);
            INDArray r;
            if (p == Double.POSITIVE_INFINITY) r = abs.max(true, dims);
            else if (p == 1) r = abs.sum(true, dims);
            else if (p == 2) r = Transforms.sqrt(abs.muli(abs).sum(true, dims), false);
            else r = Transforms.pow(Transforms.pow(abs, p, false).sum(true, dims), 1 / p, false);
            return reshapeResult(x == x0 ? r : r.castTo(x0.dataType()), x.shape(), dims, keepDim);
        }
        @Override protected INDArray[] backward(INDArray g) {
            INDArray x = input(0).castTo(g.dataType());
            long[] s = x.shape();
            INDArray norm = Broadcast.expand(output().reshape(keptShape(s, dims)), s);
            INDArray gs = spread(g, s, dims);
            INDArray sign = Transforms.sign(x, true);
            INDArray local;
            if (p == Double.POSITIVE_INFINITY) {
                INDArray abs = Transforms.abs(x, true);
                INDArray hit = abs.eq(norm).castTo(g.dataType());
                local = sign.muli(hit).divi(Broadcast.expand(hit.sum(true, dims), s));
            } else if (p == 1) {
                local = sign;
            } else {
                // sign(x)·|x|^(p−1) / norm^(p−1), zero where norm = 0
                INDArray num = p == 2 ? x.dup() : sign.muli(Transforms.pow(Transforms.abs(x, true), p - 1, false));
                INDArray den = p == 2 ? norm.dup() : Transforms.pow(norm, p - 1, true);
                INDArray zero = den.eq(0);
                local = ViewOps.fillWhere(num.divi(ViewOps.fillWhere(den, zero, 1.0)), zero, 0.0);
            }
            return new INDArray[] {gs.muli(local)};
        }
    }
}
