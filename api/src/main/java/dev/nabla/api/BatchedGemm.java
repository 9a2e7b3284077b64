package dev.nabla.api;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batched matrix products C[i] = alpha·op(A[i])·op(B[i]) for arrays [..., r, c] of one batch shape, read in place
 * through their strides: a batch dimension may have any stride (0 for a broadcast one, the head stride of a
 * [N, L, H, d] buffer seen as [N, H, L, d]), and each matrix is a row-major or column-major block, which becomes
 * BLAS's leading dimension and transpose flag. So attention's q·kᵀ and weights·v run as one sgemm per matrix on the
 * projections' memory, with no copy of the heads and no transposed copy of k. The batch is split over the
 * framework's threads. Other dtypes (and matrices of other strides) are copied C-ordered first and multiplied by
 * ND4J one matrix at a time.
 */
final class BatchedGemm {
    /** Multiply-adds per part below which the product is not split. */
    private static final long SPLIT_MACS = 1_000_000;

    private BatchedGemm() {}

    /** alpha·op(a)·op(b) for each batch index, as a new C-ordered [..., rows, cols] array. */
    static INDArray mm(INDArray a, boolean ta, INDArray b, boolean tb, double alpha) {
        int rank = a.rank();
        long[] as = a.shape(), bs = b.shape();
        if (rank < 3 || b.rank() != rank || !Arrays.equals(as, 0, rank - 2, bs, 0, rank - 2)) {
            throw new IllegalArgumentException("BatchedGemm: expected two arrays [..., r, c] of the same batch shape, got "
                    + Arrays.toString(as) + " and " + Arrays.toString(bs));
        }
        long rows = ta ? as[rank - 1] : as[rank - 2], k = ta ? as[rank - 2] : as[rank - 1];
        long k2 = tb ? bs[rank - 1] : bs[rank - 2], cols = tb ? bs[rank - 2] : bs[rank - 1];
        if (k != k2) {
            throw new IllegalArgumentException("BatchedGemm: inner dimensions differ: " + Arrays.toString(as) + (ta ? "ᵀ" : "") + " · "
                    + Arrays.toString(bs) + (tb ? "ᵀ" : ""));
        }
        long[] outShape = Arrays.copyOf(as, rank);
        outShape[rank - 2] = rows;
        outShape[rank - 1] = cols;
        INDArray out = Pool.uninitialized(a.dataType(), outShape);
        long nb = 1;
        for (int i = 0; i < rank - 2; i++) nb *= as[i];
        if (nb == 0 || rows == 0 || cols == 0) return out;
        if (k == 0) return out.assign(0);
        boolean direct = Blas.available() && a.dataType() == DataType.FLOAT && b.dataType() == DataType.FLOAT
                && Math.max(rows, Math.max(cols, k)) < Integer.MAX_VALUE / 2 && out.length() < Integer.MAX_VALUE;
        if (!direct) return viaNd4j(a, ta, b, tb, alpha, out, nb, rows, cols);
        INDArray ad = layoutOk(a) ? a : a.dup('c'), bd = layoutOk(b) ? b : b.dup('c');
        boolean flipA = !rowMajor(ad), flipB = !rowMajor(bd);
        int ldA = ld(ad), ldB = ld(bd);
        int m = (int) rows, n = (int) cols, kk = (int) k;
        long per = (long) m * n;
        int parts = (int) Math.min(nb, Blas.parts(nb * per * kk, SPLIT_MACS));
        float alphaF = (float) alpha;
        long count = nb;
        Blas.parallel(parts, p -> {
            long i0 = count * p / parts, i1 = count * (p + 1) / parts;
            for (long i = i0; i < i1; i++) {
                Blas.sgemm(ta ^ flipA, tb ^ flipB, m, n, kk, alphaF, ad, offset(ad, i), ldA, bd, offset(bd, i), ldB, 0f, out, i * per, n);
            }
        });
        return out;
    }

    /** The element offset of batch matrix {@code i} (a flat index over the batch dimensions), through the strides. */
    private static long offset(INDArray x, long i) {
        long off = 0;
        for (int d = x.rank() - 3; d >= 0; d--) {
            long s = x.size(d);
            off += (i % s) * x.stride(d);
            i /= s;
        }
        return off;
    }

    /** Whether each matrix of x is a row-major block (unit column stride); else it is column-major ({@link #layoutOk}). */
    private static boolean rowMajor(INDArray x) {
        int r = x.rank();
        long rows = x.size(r - 2), cols = x.size(r - 1), s0 = x.stride(r - 2), s1 = x.stride(r - 1);
        return (cols == 1 || s1 == 1) && (rows == 1 || s0 >= cols);
    }

    /** Whether each matrix of x is a row-major or a column-major block with an int leading dimension, and no stride is negative. */
    private static boolean layoutOk(INDArray x) {
        int r = x.rank();
        for (int d = 0; d < r; d++) if (x.stride(d) < 0) return false;
        long rows = x.size(r - 2), cols = x.size(r - 1), s0 = x.stride(r - 2), s1 = x.stride(r - 1);
        if (Math.max(s0, s1) >= Integer.MAX_VALUE) return false;
        return rowMajor(x) || ((rows == 1 || s0 == 1) && (cols == 1 || s1 >= rows));
    }

    /** The leading dimension of x's matrices as BLAS reads them (row-major: the row stride; column-major: the column stride). */
    private static int ld(INDArray x) {
        int r = x.rank();
        long rows = x.size(r - 2), cols = x.size(r - 1);
        if (rowMajor(x)) return (int) Math.max(1, rows == 1 ? cols : x.stride(r - 2));
        return (int) Math.max(1, cols == 1 ? rows : x.stride(r - 1));
    }

    private static INDArray viaNd4j(INDArray a, boolean ta, INDArray b, boolean tb, double alpha, INDArray out, long nb, long rows, long cols) {
        int rank = a.rank();
        INDArray a3 = a.dup('c').reshape('c', nb, a.size(rank - 2), a.size(rank - 1));
        INDArray b3 = b.dup('c').reshape('c', nb, b.size(rank - 2), b.size(rank - 1));
        INDArray o3 = out.reshape('c', nb, rows, cols);
        for (long i = 0; i < nb; i++) {
            INDArray ai = ViewOps.row(a3, i), bi = ViewOps.row(b3, i);
            INDArray p = Gemm.mm(ai, ta, bi, tb);
            if (alpha != 1) p.muli(alpha);
            ViewOps.row(o3, i).assign(p);
        }
        return out;
    }

    /** For tests: whether this product would be read in place (no copy of either operand) on this backend. */
    static boolean inPlace(INDArray a, INDArray b) {
        return Blas.available() && a.dataType() == DataType.FLOAT && b.dataType() == DataType.FLOAT && layoutOk(a) && layoutOk(b);
    }
}
