package dev.nabla.api;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix products. On the CPU backend, float32 products call BLAS directly on the arrays' memory ({@link Blas}),
 * with transposed or column-major views passed as transpose flags instead of copies, and split by rows or columns of
 * the result over {@link Nabla#numThreads()} threads when large. Otherwise through ND4J's gemm: BLAS is
 * column-major, and ND4J's {@code mmul} into a row-major result goes through a slow path (measured 1.5–17 GFLOP/s for
 * the course's shapes on the onednn-avx2 build), while a column-major result runs at 65–90 GFLOP/s; a row-major
 * C = op(A)·op(B) has the memory of the column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, so that is what is computed.
 */
public final class Gemm {
    /** Multiply-adds per thread below which a product is not split. */
    private static final long SPLIT_MACS = 2_000_000;

    private Gemm() {}

    /** op(a)·op(b) as a new C-ordered matrix, where op transposes when the flag is set. */
    public static INDArray mm(INDArray a, boolean transA, INDArray b, boolean transB) {
        long m = transA ? a.size(1) : a.size(0), k = transA ? a.size(0) : a.size(1);
        long k2 = transB ? b.size(1) : b.size(0), n = transB ? b.size(0) : b.size(1);
        if (k != k2) {
            throw new IllegalArgumentException("Gemm: inner dimensions differ: " + m + "x" + k + " and " + k2 + "x" + n);
        }
        INDArray c = Pool.uninitialized(a.dataType(), m, n);
        if (m == 0 || n == 0) return c;
        if (k == 0) return c.assign(0);
        if (Blas.available() && a.dataType() == DataType.FLOAT && b.dataType() == DataType.FLOAT
                && Math.max(m, Math.max(n, k)) < Integer.MAX_VALUE / 2) {
            direct(Operand.of(a, transA), Operand.of(b, transB), c, (int) m, (int) n, (int) k);
            return c;
        }
        Nd4j.gemm(b, a, c.transpose(), !transB, !transA, 1.0, 0.0);
        return c;
    }

    /** a·b. */
    public static INDArray mm(INDArray a, INDArray b) { return mm(a, false, b, false); }

    /**
     * c = op(a)·op(b) + beta·c into an existing C-contiguous matrix c (beta 0 or 1: c's contents are then ignored or
     * added to), all of one floating-point type.
     */
    public static void mmInto(INDArray a, boolean transA, INDArray b, boolean transB, float beta, INDArray c) {
        long m = transA ? a.size(1) : a.size(0), k = transA ? a.size(0) : a.size(1);
        long n = transB ? b.size(0) : b.size(1);
        if (c.rank() != 2 || c.size(0) != m || c.size(1) != n || (transB ? b.size(1) : b.size(0)) != k || !Blas.dense(c)) {
            throw new IllegalArgumentException("Gemm.mmInto: shapes " + java.util.Arrays.toString(a.shape()) + (transA ? "ᵀ" : "") + " · "
                    + java.util.Arrays.toString(b.shape()) + (transB ? "ᵀ" : "") + " into " + java.util.Arrays.toString(c.shape()));
        }
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (beta == 0) c.assign(0);
            return;
        }
        if (Blas.available() && a.dataType() == DataType.FLOAT && b.dataType() == DataType.FLOAT && c.dataType() == DataType.FLOAT
                && Math.max(m, Math.max(n, k)) < Integer.MAX_VALUE / 2) {
            direct(Operand.of(a, transA), Operand.of(b, transB), c, (int) m, (int) n, (int) k, beta);
            return;
        }
        Nd4j.gemm(b, a, c.transpose(), !transB, !transA, 1.0, beta);
    }

    /** A matrix operand as BLAS wants it: a row-major block with a leading dimension, and whether to transpose it. */
    private record Operand(INDArray array, boolean trans, int ld) {
        /** op(x) as a row-major operand: a transposed or column-major view becomes a transpose flag; other strides a copy. */
        static Operand of(INDArray x, boolean trans) {
            long r = x.size(0), c = x.size(1), s0 = x.stride(0), s1 = x.stride(1);
            if ((c == 1 || s1 == 1) && (r == 1 || s0 >= c) && s0 < Integer.MAX_VALUE) {
                return new Operand(x, trans, (int) Math.max(1, r == 1 ? c : s0));
            }
            if ((r == 1 || s0 == 1) && (c == 1 || s1 >= r) && s1 < Integer.MAX_VALUE) {
                return new Operand(x, !trans, (int) Math.max(1, c == 1 ? r : s1));
            }
            INDArray d = x.dup('c');
            return new Operand(d, trans, (int) Math.max(1, c));
        }
    }

    private static void direct(Operand a, Operand b, INDArray c, int m, int n, int k) { direct(a, b, c, m, n, k, 0f); }

    private static void direct(Operand a, Operand b, INDArray c, int m, int n, int k, float beta) {
        int parts = Blas.parts((long) m * n * k, SPLIT_MACS);
        if (parts <= 1) {
            Blas.sgemm(a.trans(), b.trans(), m, n, k, 1f, a.array(), 0, a.ld(), b.array(), 0, b.ld(), beta, c, 0, n);
            return;
        }
        if (m >= n) {   // rows of C: rows of op(A)
            Blas.parallel(parts, p -> {
                int r0 = (int) ((long) m * p / parts), r1 = (int) ((long) m * (p + 1) / parts);
                long offA = a.trans() ? r0 : (long) r0 * a.ld();
                Blas.sgemm(a.trans(), b.trans(), r1 - r0, n, k, 1f, a.array(), offA, a.ld(), b.array(), 0, b.ld(), beta, c, (long) r0 * n, n);
            });
        } else {        // columns of C: columns of op(B)
            Blas.parallel(parts, p -> {
                int c0 = (int) ((long) n * p / parts), c1 = (int) ((long) n * (p + 1) / parts);
                long offB = b.trans() ? (long) c0 * b.ld() : c0;
                Blas.sgemm(a.trans(), b.trans(), m, c1 - c0, k, 1f, a.array(), 0, a.ld(), b.array(), offB, b.ld(), beta, c, c0, n);
            });
        }
    }
}
