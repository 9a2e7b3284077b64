package dev.nabla.api;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Matrix products and decompositions. One small class per op. */
final class LinalgOps {
    private LinalgOps() {}

    /** [n, k] · [k, m]. */
    static final class Mm extends Function {
        @Override protected INDArray forward(INDArray... x) {
            INDArray a = x[0], b = x[1];
            if (a.rank() != 2 || b.rank() != 2 || a.size(1) != b.size(0)) {
                throw new IllegalArgumentException("mm: mat1 and mat2 shapes cannot be multiplied ("
                        + shape(a) + " and " + shape(b) + ")");
            }
            if (a.dataType() != b.dataType()) {
                throw new IllegalArgumentException("mm: expected both matrices to have the same dtype, but got "
                        + DType.of(a.dataType()) + " != " + DType.of(b.dataType()));
            }
            return a.mmul(b);
        }
        @Override protected INDArray[] backward(INDArray g) {
            return new INDArray[] {
                needsGrad(0) ? g.mmul(input(1).transpose()) : null,
                needsGrad(1) ? input(0).transpose().mmul(g) : null};
        }
    }

    /** Batched [B, n, k] · [B, k, m]. */
    static final class Bmm extends Function {
        @Override protected INDArray forward(INDArray... x) {
            INDArray a = x[0], b = x[1];
            if (a.rank() != 3 || b.rank() != 3 || a.size(0) != b.size(0) || a.size(2) != b.size(1)) {
                throw new IllegalArgumentException("bmm: batch shapes cannot be multiplied (" + shape(a) + " and " + shape(b) + ")");
            }
            return batched(a, b, false, false);
        }
        @Override protected INDArray[] backward(INDArray g) {
            return new INDArray[] {
                needsGrad(0) ? batched(g, input(1), false, true) : null,
                needsGrad(1) ? batched(input(0), g, true, false) : null};
        }
    }

    static INDArray batched(INDArray a, INDArray b, boolean ta, boolean tb) {
        long n = a.size(0);
        long rows = ta ? a.size(2) : a.size(1);
        long cols = tb ? b.size(1) : b.size(2);
        INDArray out = Nd4j.create(a.dataType(), n, rows, cols);
        for (long i = 0; i < n; i++) {
            INDArray ai = ViewOps.row(a, i), bi = ViewOps.row(b, i);
            out.slice(i).assign((ta ? ai.transpose() : ai).mmul(tb ? bi.transpose() : bi));
        }
        return out;
    }

    static String shape(INDArray a) {
        long[] s = a.shape();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length; i++) sb.append(i == 0 ? "" : "x").append(s[i]);
        return sb.toString();
    }
}
