package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Gemm's direct BLAS path against ND4J's own product, on the layouts the tape hands it. */
class GemmTest {
    private static void same(INDArray a, boolean ta, INDArray b, boolean tb) {
        INDArray ref = (ta ? a.transpose() : a).dup('c').castTo(DataType.DOUBLE).mmul((tb ? b.transpose() : b).dup('c').castTo(DataType.DOUBLE));
        INDArray got = Gemm.mm(a, ta, b, tb);
        assertThat(got.shape()).containsExactly(ref.shape());
        double scale = 1 + ref.amaxNumber().doubleValue();
        assertThat(got.castTo(DataType.DOUBLE).sub(ref).amaxNumber().doubleValue()).as("%s%s · %s%s", a.shapeInfoToString(), ta, b.shapeInfoToString(), tb)
                .isLessThan(1e-5 * scale * Math.sqrt(ref.length()));
    }

    @Test void viewsTransposesAndFlags() {
        Nd4j.getRandom().setSeed(7);
        INDArray a3 = Nd4j.randn(DataType.FLOAT, 4, 3, 6), w = Nd4j.randn(DataType.FLOAT, 5, 6);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                same(ta ? a3.slice(1).transpose() : a3.slice(1), ta, tb ? w : w.transpose(), tb);   // slices with offsets, transposed views
            }
        }
        INDArray wide = Nd4j.randn(DataType.FLOAT, 7, 20);
        same(wide.get(NDArrayIndex.interval(1, 6), NDArrayIndex.interval(3, 9)), false, w, true);   // leading dimension > columns
        same(Nd4j.randn(DataType.FLOAT, 1, 6), false, w, true);                                      // one row
        same(w, false, Nd4j.randn(DataType.FLOAT, 1, 6), true);                                      // one column
        same(Nd4j.randn(DataType.FLOAT, 6, 1).broadcast(6, 5), true, Nd4j.randn(DataType.FLOAT, 6, 3), false); // zero stride: copied
    }

    @Test void largeProductsSplitOverThreadsByRowsAndByColumns() {
        Nd4j.getRandom().setSeed(8);
        same(Nd4j.randn(DataType.FLOAT, 300, 400), false, Nd4j.randn(DataType.FLOAT, 500, 400), true);   // rows
        same(Nd4j.randn(DataType.FLOAT, 400, 30), true, Nd4j.randn(DataType.FLOAT, 400, 900), false);    // columns
        same(Nd4j.randn(DataType.FLOAT, 257, 129), false, Nd4j.randn(DataType.FLOAT, 129, 255), false);  // odd sizes
    }

    @Test void intoAnExistingMatrixWithBeta() {
        INDArray a = Nd4j.randn(DataType.FLOAT, 100, 784), b = Nd4j.randn(DataType.FLOAT, 512, 784);
        INDArray c = Nd4j.ones(DataType.FLOAT, 100, 512);
        Gemm.mmInto(a, false, b, true, 1f, c);
        INDArray ref = a.castTo(DataType.DOUBLE).mmul(b.castTo(DataType.DOUBLE).transpose()).addi(1);
        assertThat(c.castTo(DataType.DOUBLE).sub(ref).amaxNumber().doubleValue()).isLessThan(1e-3);
    }
}
