package dev.nabla.api;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Views, copies and joins. One small class per op. */
final class ViewOps {
    private ViewOps() {}

    /** One entry of a slice: a point (drops the dim), a range with a positive step, or a new axis. */
    record Part(Kind kind, long start, long end, long step) {
        enum Kind { POINT, RANGE, NEW_AXIS }
        static Part point(long i) { return new Part(Kind.POINT, i, i + 1, 1); }
        static Part range(long start, long end, long step) { return new Part(Kind.RANGE, start, end, step); }
        static Part all(long size) { return range(0, size, 1); }
        static Part newAxis() { return new Part(Kind.NEW_AXIS, 0, 1, 1); }
        INDArrayIndex nd() {
            return switch (kind) {
                case POINT -> NDArrayIndex.point(start);
                case RANGE -> NDArrayIndex.interval(start, step, end);
                case NEW_AXIS -> NDArrayIndex.newAxis();
            };
        }
    }

    static INDArrayIndex[] nd(Part[] parts) {
        INDArrayIndex[] r = new INDArrayIndex[parts.length];
        for (int i = 0; i < parts.length; i++) r[i] = parts[i].nd();
        return r;
    }

    /**
     * Entry {@code i} of dimension 0, as a view. (ND4J's {@code slice(i)} is wrong for i > 0 on the
     * strided views that {@link #slice} makes: it fails or reads another dtype.)
     */
    static INDArray row(INDArray x, long i) {
        Part[] parts = new Part[x.rank()];
        parts[0] = Part.point(i);
        for (int d = 1; d < parts.length; d++) parts[d] = Part.all(x.size(d));
        return slice(x, parts);
    }

    /** A strided view of x for one part per dimension (no new axes). */
    static INDArray slice(INDArray x, Part[] parts) {
        long[] shape = new long[parts.length];
        long[] stride = new long[parts.length];
        long offset = x.offset();
        int k = 0;
        for (int i = 0; i < parts.length; i++) {
            Part p = parts[i];
            offset += p.start() * x.stride(i);
            if (p.kind() == Part.Kind.RANGE) {
                long n = p.end() > p.start() ? (p.end() - p.start() + p.step() - 1) / p.step() : 0;
                shape[k] = n;
                stride[k++] = x.stride(i) * p.step();
            }
        }
        shape = Arrays.copyOf(shape, k);
        stride = Arrays.copyOf(stride, k);
        long numel = 1;
        for (long s : shape) numel *= s;
        if (numel == 0) return Nd4j.create(x.dataType(), shape);
        if (k == 0) {
            return Nd4j.create(x.data(), new long[0], new long[0], offset, 'c', x.dataType());
        }
        return Nd4j.create(x.data(), shape, stride, offset, 'c', x.dataType());
    }

    static final class Slice extends Function {
        private final Part[] parts;
        Slice(Part[] parts) { this.parts = parts; }
        @Override protected INDArray forward(INDArray... x) { return slice(x[0], parts); }
        @Override protected INDArray[] backward(INDArray g) {
            long[] shape = inputShape(0);
            INDArray z = Arrays.stream(shape).anyMatch(d -> d == 0) ? Nd4j.zeros(g.dataType(), shape) : Pool.uninitialized(g.dataType(), shape).assign(0);
            INDArray target = slice(z, parts);
            if (target.length() > 0 && !Strided.copyInto(target, g)) target.assign(g);
            return new INDArray[] {z};
        }
        /** Adds g into its part of the input's gradient gathered so far (another slice of the same tensor wrote it). */
        @Override boolean backwardInto(INDArray g, INDArray target) {
            INDArray part = slice(target, parts);
            if (part.length() > 0 && !Strided.addInto(part, g)) part.addi(g);
            return true;
        }
    }

    /** reshape / view; {@code view} refuses to copy, as PyTorch's. */
    static final class Reshape extends Function {
        private final long[] shape; private final boolean mustView;
        Reshape(long[] shape, boolean mustView) { this.shape = shape; this.mustView = mustView; }
        @Override protected INDArray forward(INDArray... x) {
            if (x[0].length() == 0 || shape.length == 0) return shape.length == 0 ? scalarView(x[0]) : Nd4j.create(x[0].dataType(), shape);
            INDArray r = org.nd4j.linalg.api.shape.Shape.newShapeNoCopy(x[0], shape, false);
            if (r == null) {
                if (mustView) {
                    throw new IllegalStateException("view size is not compatible with input tensor's size and stride (at least one "
                            + "dimension spans across two contiguous subspaces); shape " + Arrays.toString(x[0].shape())
                            + " -> " + Arrays.toString(shape) + ". Use .reshape(...) instead.");
                }
                r = Blas.denseC(x[0]).reshape('c', shape);
            }
            return r;
        }
        @Override protected INDArray[] backward(INDArray g) {
            long[] shape = inputShape(0);
            if (g.length() == 0 || shape.length == 0 || !Strided.applies(g)) return new INDArray[] {g.reshape(shape)};
            INDArray view = org.nd4j.linalg.api.shape.Shape.newShapeNoCopy(g, shape, false);
            if (view != null) return new INDArray[] {view};
            // an array of the input's shape (of its own, so that the walk gives it back to the pool), filled through a
            // view of it in g's shape
            INDArray d = Pool.uninitialized(g.dataType(), shape), asG = d.reshape('c', g.shape());
            if (!Strided.copyInto(asG, g)) asG.assign(g);
            return new INDArray[] {d};
        }

        private static INDArray scalarView(INDArray x) {
            return Nd4j.create(x.data(), new long[0], new long[0], x.offset(), 'c', x.dataType());
        }
    }

    static final class Permute extends Function {
        private final int[] dims;
        Permute(int[] dims) { this.dims = dims; }
        @Override protected INDArray forward(INDArray... x) { return x[0].permute(dims); }
        @Override protected INDArray[] backward(INDArray g) {
            int[] inv = new int[dims.length];
            for (int i = 0; i < dims.length; i++) inv[dims[i]] = i;
            return new INDArray[] {g.permute(inv)};
        }
    }

    static final class Expand extends Function {
        private final long[] shape;
        Expand(long[] shape) { this.shape = shape; }
        @Override protected INDArray forward(INDArray... x) { return Broadcast.expand(x[0], shape); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g}; } // the engine sums back
    }

    /** clone / contiguous: a C-ordered copy. */
    static final class Copy extends Function {
        @Override protected INDArray forward(INDArray... x) { return x[0].dup('c'); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g}; }
    }

    static final class Cast extends Function {
        private final DataType type;
        Cast(DataType type) { this.type = type; }
        @Override protected INDArray forward(INDArray... x) { return x[0].castTo(type); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g}; } // the engine casts back
    }

    static final class Cat extends Function {
        private final int dim;
        Cat(int dim) { this.dim = dim; }
        @Override protected INDArray forward(INDArray... x) {
            DataType t = x[0].dataType();
            for (INDArray a : x) t = DType.promote(DType.of(t), DType.of(a.dataType())).nd();
            INDArray[] c = new INDArray[x.length];
            for (int i = 0; i < x.length; i++) c[i] = x[i].dataType() == t ? x[i] : x[i].castTo(t);
            return Nd4j.concat(dim, c);
        }
        @Override protected INDArray[] backward(INDArray g) {
            int n = inputCount();
            INDArray[] r = new INDArray[n];
            long at = 0;
            for (int i = 0; i < n; i++) {
                long len = inputShape(i)[dim];
                if (needsGrad(i)) r[i] = g.get(range(g.rank(), dim, at, at + len));
                at += len;
            }
            return r;
        }
    }

    static INDArrayIndex[] range(int rank, int dim, long from, long to) {
        INDArrayIndex[] idx = new INDArrayIndex[rank];
        for (int i = 0; i < rank; i++) idx[i] = i == dim ? NDArrayIndex.interval(from, to) : NDArrayIndex.all();
        return idx;
    }

    /** index_select(dim, index) with an int64 1-d index. */
    static final class IndexSelect extends Function {
        private final int dim; private final long[] index;
        IndexSelect(int dim, long[] index) { this.dim = dim; this.index = index; }
        @Override protected INDArray forward(INDArray... x) {
            long size = x[0].size(dim);
            for (long i : index) {
                if (i < 0 || i >= size) throw new IndexOutOfBoundsException("indexSelect: index " + i + " is out of bounds for dimension " + dim + " with size " + size);
            }
            long[] shape = x[0].shape().clone();
            shape[dim] = index.length;
            INDArray out = Nd4j.create(x[0].dataType(), shape);
            for (int k = 0; k < index.length; k++) {
                out.get(range(shape.length, dim, k, k + 1)).assign(x[0].get(range(shape.length, dim, index[k], index[k] + 1)));
            }
            return out;
        }
        @Override protected INDArray[] backward(INDArray g) {
            long[] s = inputShape(0);
            INDArray z = Nd4j.zeros(g.dataType(), s);
            for (int k = 0; k < index.length; k++) {
                z.get(range(s.length, dim, index[k], index[k] + 1)).addi(g.get(range(s.length, dim, k, k + 1)));
            }
            return new INDArray[] {z};
        }
    }

    /** gather(dim, index): out[i][j] = x[index[i][j]][j] for dim 0, and so on. */
    static final class Gather extends Function {
        private final int dim; private final INDArray index;
        Gather(int dim, INDArray index) { this.dim = dim; this.index = index; }
        @Override protected INDArray forward(INDArray... x) {
            long[] offsets = offsets(x[0].shape(), index, dim);
            INDArray src = x[0].dup('c').reshape(-1);
            INDArray out = Nd4j.create(x[0].dataType(), index.shape());
            INDArray flat = out.reshape(-1);
            for (int i = 0; i < offsets.length; i++) flat.putScalar(i, src.getDouble(offsets[i]));
            return out;
        }
        @Override protected INDArray[] backward(INDArray g) {
            long[] s = inputShape(0);
            long[] offsets = offsets(s, index, dim);
            INDArray z = Nd4j.zeros(g.dataType(), s);
            INDArray flat = z.reshape(-1);
            INDArray gf = g.dup('c').reshape(-1);
            for (int i = 0; i < offsets.length; i++) flat.putScalar(offsets[i], flat.getDouble(offsets[i]) + gf.getDouble(i));
            return new INDArray[] {z};
        }
    }

    /** For each element of index, the C-order offset into an array of {@code shape} that gather reads. */
    static long[] offsets(long[] shape, INDArray index, int dim) {
        if (index.rank() != shape.length) {
            throw new IllegalArgumentException("gather: index tensor must have the same number of dimensions as input tensor; got "
                    + index.rank() + " and " + shape.length);
        }
        long[] is = index.shape();
        for (int d = 0; d < shape.length; d++) {
            if (d != dim && is[d] > shape[d]) {
                throw new IllegalArgumentException("gather: size does not match at dimension " + d + ": expected index "
                        + Arrays.toString(is) + " to be smaller than self " + Arrays.toString(shape) + " apart from dimension " + dim);
            }
        }
        long[] strides = new long[shape.length];
        long st = 1;
        for (int d = shape.length - 1; d >= 0; d--) { strides[d] = st; st *= shape[d]; }
        long[] idx = index.dup('c').reshape(-1).toLongVector();
        long[] out = new long[idx.length];
        long[] pos = new long[is.length];
        for (int i = 0; i < idx.length; i++) {
            long rem = i;
            for (int d = is.length - 1; d >= 0; d--) { pos[d] = rem % is[d]; rem /= is[d]; }
            long v = idx[i];
            if (v < 0 || v >= shape[dim]) throw new IndexOutOfBoundsException("gather: index " + v + " is out of bounds for dimension " + dim + " with size " + shape[dim]);
            long off = 0;
            for (int d = 0; d < is.length; d++) off += (d == dim ? v : pos[d]) * strides[d];
            out[i] = off;
        }
        return out;
    }

    /** where(cond, a, b) with broadcasting of all three. */
    static final class Where extends Function {
        private final INDArray cond;
        Where(INDArray cond) { this.cond = cond; }
        @Override protected INDArray forward(INDArray... x) {
            DataType t = ArithmeticOps.resultType(x[0], x[1]);
            long[] shape = Broadcast.shape("where", Broadcast.shape("where", cond.shape(), x[0].shape()), x[1].shape());
            INDArray c = Broadcast.expand(cond.castTo(DataType.BOOL), shape).dup();
            INDArray a = Broadcast.expand(x[0].castTo(t), shape).dup();
            INDArray b = Broadcast.expand(x[1].castTo(t), shape).dup();
            INDArray out = Nd4j.createUninitialized(t, shape);
            Nd4j.exec(org.nd4j.linalg.api.ops.DynamicCustomOp.builder("select").addInputs(c, a, b).addOutputs(out).build());
            return out;
        }
        @Override protected INDArray[] backward(INDArray g) {
            INDArray c = Broadcast.expand(cond.castTo(g.dataType()), g.shape());
            return new INDArray[] {
                needsGrad(0) ? g.mul(c) : null,
                needsGrad(1) ? g.mul(c.rsub(1)) : null};
        }
    }

    /** The elements where a (broadcast) bool mask is true, as a 1-d tensor. */
    static final class MaskedSelect extends Function {
        private final INDArray mask;
        MaskedSelect(INDArray mask) { this.mask = mask; }
        @Override protected INDArray forward(INDArray... x) {
            long[] shape = Broadcast.shape("maskedSelect", x[0].shape(), mask.shape());
            INDArray src = Broadcast.expand(x[0], shape).dup('c').reshape(-1);
            boolean[] m = flags(mask, shape);
            int n = 0;
            for (boolean b : m) if (b) n++;
            INDArray out = Nd4j.create(x[0].dataType(), n);
            for (int i = 0, k = 0; i < m.length; i++) if (m[i]) out.putScalar(k++, src.getDouble(i));
            return out;
        }
        @Override protected INDArray[] backward(INDArray g) {
            long[] shape = Broadcast.shape("maskedSelect", inputShape(0), mask.shape());
            boolean[] m = flags(mask, shape);
            INDArray z = Nd4j.zeros(g.dataType(), shape);
            INDArray flat = z.reshape(-1);
            for (int i = 0, k = 0; i < m.length; i++) if (m[i]) flat.putScalar(i, g.getDouble(k++));
            return new INDArray[] {z};
        }
    }

    /** masked_fill(mask, value) out of place; no gradient flows where the mask is true. */
    static final class MaskedFill extends Function {
        private final INDArray mask; private final double value;
        MaskedFill(INDArray mask, double value) { this.mask = mask; this.value = value; }
        @Override protected INDArray forward(INDArray... x) {
            INDArray m = Broadcast.expand(mask.castTo(DataType.BOOL), x[0].shape()).dup();
            return fillWhere(x[0], m, value);
        }
        @Override protected INDArray[] backward(INDArray g) {
            INDArray keep = Broadcast.expand(mask.castTo(g.dataType()), g.shape()).rsub(1);
            return new INDArray[] {g.mul(keep)};
        }
    }

    /**
     * A copy of {@code x} with {@code value} where the bool {@code mask} (same shape) is true. (ND4J's
     * {@code putWhereWithMask} returns a new array and leaves its receiver as it was.)
     */
    static INDArray fillWhere(INDArray x, INDArray mask, double value) {
        if (x.length() == 0) return x.dup();
        return select(mask, Nd4j.valueArrayOf(x.shape(), value, x.dataType()), x);
    }

    /** {@code cond ? a : b} elementwise, for a bool {@code cond} and arrays of one shape and dtype. */
    static INDArray select(INDArray cond, INDArray a, INDArray b) {
        if (a.length() == 0) return a.dup();
        INDArray c = cond.dataType() == DataType.BOOL ? cond.dup('c') : cond.castTo(DataType.BOOL);
        INDArray out = Nd4j.createUninitialized(a.dataType(), a.shape());
        Nd4j.exec(org.nd4j.linalg.api.ops.DynamicCustomOp.builder("select").addInputs(c, a.dup('c'), b.dup('c')).addOutputs(out).build());
        return out;
    }

    static boolean[] flags(INDArray mask, long[] shape) {
        if (mask.dataType() != DataType.BOOL) {
            throw new IllegalArgumentException("masking: expected a bool mask, got " + DType.of(mask.dataType()));
        }
        INDArray m = Broadcast.expand(mask, shape).dup('c').reshape(-1).castTo(DataType.INT);
        int[] v = m.toIntVector();
        boolean[] r = new boolean[v.length];
        for (int i = 0; i < v.length; i++) r[i] = v[i] != 0;
        return r;
    }
}
