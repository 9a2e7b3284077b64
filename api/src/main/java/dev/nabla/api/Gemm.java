package dev.nabla.api;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix products through ND4J's BLAS on its fastest path. BLAS is column-major: ND4J's
 * {@code mmul} into a row-major result goes through a slow path (measured 1.5–17 GFLOP/s for the
 * course's shapes on the onednn-avx2 build), while a column-major result runs at 65–90 GFLOP/s. A
 * row-major C = op(A)·op(B) has the memory of the column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, so that is what
 * is computed, with transpose flags instead of copies.
 */
public final class Gemm {
    private Gemm() {}

    /** op(a)·op(b) as a new C-ordered matrix, where op transposes when the flag is set. */
    public static INDArray mm(INDArray a, boolean transA, INDArray b, boolean transB) {
        long m = transA ? a.size(1) : a.size(0), k = transA ? a.size(0) : a.size(1);
        long k2 = transB ? b.size(1) : b.size(0), n = transB ? b.size(0) : b.size(1);
        if (k != k2) {
            throw new IllegalArgumentException("Gemm: inner dimensions differ: " + m + "x" + k + " and " + k2 + "x" + n);
        }
        INDArray c = Nd4j.createUninitialized(a.dataType(), new long[] {m, n}, 'c');
        if (m == 0 || n == 0) return c;
        if (k == 0) return c.assign(0);
        Nd4j.gemm(b, a, c.transpose(), !transB, !transA, 1.0, 0.0);
        return c;
    }

    /** a·b. */
    public static INDArray mm(INDArray a, INDArray b) { return mm(a, false, b, false); }
}
