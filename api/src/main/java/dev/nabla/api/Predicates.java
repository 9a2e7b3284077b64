package dev.nabla.api;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Whole-tensor and element-wise truth tests as PyTorch 1.13's: {@code equal}, {@code isclose} and the {@code all} /
 * {@code any} reductions (bool results; uint8 for a uint8 input, as PyTorch). Not differentiable.
 *
 * <pre>{@code
 * boolean same = Predicates.equal(a, b);          // Tensor.equal
 * INDArray close = Predicates.isclose(a, b, 1e-5, 1e-8, false);
 * }</pre>
 */
final class Predicates {
    private Predicates() {}

    /** Same shape and equal values after type promotion; any NaN makes it false, as {@code torch.equal}. */
    static boolean equal(INDArray a, INDArray b) {
        if (!Arrays.equals(a.shape(), b.shape())) return false;
        if (a.length() == 0) return true;
        DataType t = ArithmeticOps.resultType(a, b);
        if (t == DataType.BOOL) t = DataType.LONG;
        if (t.isFPType()) {
            double[] x = doubles(a, t), y = doubles(b, t);
            for (int i = 0; i < x.length; i++) if (!(x[i] == y[i])) return false;   // NaN == NaN is false
        } else {
            long[] x = longs(a), y = longs(b);
            for (int i = 0; i < x.length; i++) if (x[i] != y[i]) return false;
        }
        return true;
    }

    /**
     * |a − b| ≤ atol + rtol·|b| element-wise with broadcasting, as {@code torch.isclose}: equal values (infinities
     * too) are close, NaNs only with {@code equalNan}; both of one dtype. The error bound is computed in the inputs'
     * float dtype (float32 for float32 inputs, as PyTorch), for integer and bool inputs in the default dtype.
     */
    static INDArray isclose(String op, INDArray a, INDArray b, double rtol, double atol, boolean equalNan) {
        if (a.dataType() != b.dataType()) {
            throw new IllegalArgumentException(op + ": expected other of self's dtype " + DType.of(a.dataType()) + ", got "
                    + DType.of(b.dataType()) + " (PyTorch: " + DType.of(a.dataType()) + " did not match "
                    + DType.of(b.dataType()) + "); convert one with .to(dtype)");
        }
        if (!(rtol >= 0)) throw new IllegalArgumentException(op + ": rtol must be greater than or equal to zero, but got " + rtol);
        if (!(atol >= 0)) throw new IllegalArgumentException(op + ": atol must be greater than or equal to zero, but got " + atol);
        long[] shape = Broadcast.shape(op, a.shape(), b.shape());
        int n = Math.toIntExact(ReduceOps.count(shape, ReduceOps.dims(op, null, shape.length)));
        boolean[] close = new boolean[n];
        if (n > 0) {
            INDArray x = Broadcast.expand(a, shape), y = Broadcast.expand(b, shape);
            boolean exact = rtol == 0 && atol == 0;
            DataType t = a.dataType();
            boolean single = t == DataType.FLOAT || t == DataType.HALF
                    || !t.isFPType() && Nabla.defaultDtype() != DType.FLOAT64;   // PyTorch's error dtype
            if (t.isFPType()) {
                double[] u = doubles(x, t), v = doubles(y, t);
                for (int i = 0; i < n; i++) {
                    boolean c = u[i] == v[i] || equalNan && Double.isNaN(u[i]) && Double.isNaN(v[i]);
                    close[i] = c || !exact && within(u[i] - v[i], v[i], rtol, atol, single);
                }
            } else {
                long[] u = longs(x), v = longs(y);
                for (int i = 0; i < n; i++) {
                    close[i] = u[i] == v[i] || !exact && within(u[i] - v[i], v[i], rtol, atol, single);
                }
            }
        }
        return bools(close, shape);
    }

    /** Whether a finite |diff| ≤ atol + |rtol·other|, each step rounded to float when {@code single}, as PyTorch's ops. */
    private static boolean within(double diff, double other, double rtol, double atol, boolean single) {
        if (single) {
            float err = Math.abs((float) diff), allowed = (float) atol + Math.abs((float) rtol * (float) other);
            return Float.isFinite(err) && err <= allowed;
        }
        double err = Math.abs(diff);
        return Double.isFinite(err) && err <= atol + Math.abs(rtol * other);
    }

    /**
     * Whether all ({@code all}) or any elements along {@code dims} are nonzero (NaN counts as nonzero): true and false
     * respectively over no elements. dims are sorted and non-negative; none means all of them.
     */
    static INDArray reduce(INDArray x, int[] dims, boolean keepDim, boolean all) {
        long[] shape = x.shape();
        long[] out = keepDim ? ReduceOps.keptShape(shape, dims) : ReduceOps.removedShape(shape, dims);
        int m = Math.toIntExact(ReduceOps.count(out, ReduceOps.dims("", null, out.length)));
        boolean[] r = new boolean[m];
        Arrays.fill(r, all);
        if (x.length() > 0) {
            // move the reduced dims last, so that each result is one contiguous run of the C-ordered copy
            int rank = shape.length;
            int[] perm = new int[rank];
            int k = 0;
            for (int i = 0; i < rank; i++) if (Arrays.binarySearch(dims, i) < 0) perm[k++] = i;
            for (int d : dims) perm[k++] = d;
            INDArray p = rank == 0 ? x : x.permute(perm);
            boolean[] nz = nonzero(p);
            int run = nz.length / m;
            for (int j = 0; j < m; j++) {
                boolean v = all;
                for (int i = j * run, e = i + run; i < e; i++) {
                    if (nz[i] != all) { v = !all; break; }
                }
                r[j] = v;
            }
        }
        INDArray b = bools(r, out);
        return x.dataType() == DataType.UINT8 ? b.castTo(DataType.UINT8) : b;
    }

    private static boolean[] nonzero(INDArray x) {
        boolean[] nz;
        if (x.dataType().isFPType()) {
            double[] v = doubles(x, DataType.DOUBLE);
            nz = new boolean[v.length];
            for (int i = 0; i < v.length; i++) nz[i] = v[i] != 0;   // NaN != 0
        } else {
            long[] v = longs(x);
            nz = new boolean[v.length];
            for (int i = 0; i < v.length; i++) nz[i] = v[i] != 0;
        }
        return nz;
    }

    /** The elements in row-major order as doubles, after a cast to {@code t} (so float32 values round as float32). */
    private static double[] doubles(INDArray a, DataType t) {
        INDArray c = a.dataType() == t ? a : a.castTo(t);
        if (c.dataType() == DataType.HALF) c = c.castTo(DataType.FLOAT);
        return c.dup('c').reshape(c.length()).toDoubleVector();
    }

    private static long[] longs(INDArray a) {
        INDArray c = a.dataType() == DataType.LONG ? a : a.castTo(DataType.LONG);
        return c.dup('c').reshape(c.length()).toLongVector();
    }

    private static INDArray bools(boolean[] v, long[] shape) {
        if (shape.length == 0) return Nd4j.scalar(v[0]);
        if (v.length == 0) return Nd4j.create(DataType.BOOL, shape);
        return Nd4j.createFromArray(v).reshape('c', shape);
    }
}
