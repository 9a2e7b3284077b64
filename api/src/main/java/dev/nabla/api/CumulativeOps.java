package dev.nabla.api;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code cumsum} and {@code cumprod} along one dimension, as PyTorch's: float32 and float64 keep their dtype, integer and
 * bool inputs give int64, float16 is refused (PyTorch 1.13 has no CPU kernel for it). The loops are in {@link Scan}.
 *
 * <pre>{@code
 * Tensor y = Function.apply(new CumulativeOps.CumSum(1), x);   // x.cumsum(1)
 * }</pre>
 */
final class CumulativeOps {
    private CumulativeOps() {}

    /** The array the kernel scans: x itself (float32, float64, int64) or x as int64 (other integers, bool). */
    static INDArray operand(String op, INDArray x) {
        DataType t = x.dataType();
        if (t == DataType.HALF) {
            throw new IllegalArgumentException(op + "(): float16 is not supported on the CPU (PyTorch: \"" + op
                    + "_out_cpu\" not implemented for 'Half'); use x.to(DType.FLOAT32)." + op + "(dim)");
        }
        return t == DataType.FLOAT || t == DataType.DOUBLE || t == DataType.LONG ? x : x.castTo(DataType.LONG);
    }

    /** x with a 0-d array seen as [1] (the scan of one element is that element). */
    private static INDArray atLeast1d(INDArray x) { return x.rank() == 0 ? x.reshape(1) : x; }

    private static INDArray scan(String op, INDArray x, int dim, boolean prod, boolean reverse) {
        INDArray cast = operand(op, x), a = atLeast1d(cast);
        INDArray r = Scan.scan(a, dim, prod, reverse);
        if (cast != x) cast.close();   // the int64 copy of another integer type
        return x.rank() == 0 ? r.reshape() : r;
    }

    /** Running sums; the gradient is the running sum of the output's gradient from the end. */
    static final class CumSum extends Function {
        private final int dim;

        CumSum(int dim) { this.dim = dim; }

        @Override protected INDArray forward(INDArray... x) { return scan("cumsum", x[0], dim, false, false); }

        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {scan("cumsum", g, dim, false, true)}; }
    }

    /** Running products; the gradient is correct where the input has zeros (see {@link Scan#cumprodBackward}). */
    static final class CumProd extends Function {
        private final int dim;

        CumProd(int dim) { this.dim = dim; }

        @Override protected INDArray forward(INDArray... x) { return scan("cumprod", x[0], dim, true, false); }

        @Override protected INDArray[] backward(INDArray g) {
            INDArray x = input(0);
            if (x.rank() == 0) return new INDArray[] {g.dup()};
            return new INDArray[] {Scan.cumprodBackward(x, g, dim)};
        }
    }
}
