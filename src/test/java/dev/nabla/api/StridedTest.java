package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The row-wise strided copy and add against ND4J's own dup and addi, element for element, on the views a model makes:
 * a permuted attention gradient, a slice of the last dimension (a view with an offset), a narrowed leading dimension,
 * a last dimension of size 1, transposed matrices (kᵀ's gradient), rows split over one and two threads; and what it
 * refuses (a transposed last dimension that is not one dense block, a destination whose rows are not contiguous,
 * float64, different shapes).
 */
class StridedTest {
    private static INDArray[] views() {
        INDArray base = Nd4j.rand(DataType.FLOAT, 6, 4, 130, 64);
        INDArray wide = Nd4j.rand(DataType.FLOAT, 6, 130, 3 * 257);
        INDArray col = Nd4j.rand(DataType.FLOAT, 37, 9, 1);
        return new INDArray[] {
            base.permute(0, 2, 1, 3),                                                            // [6, 130, 4, 64]
            wide.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(257, 514)),    // offset 257, rows of 257
            wide.get(NDArrayIndex.interval(1, 5), NDArrayIndex.interval(3, 101), NDArrayIndex.interval(514, 771)),
            col.permute(1, 0, 2),                                                                // last dimension of size 1
            Nd4j.rand(DataType.FLOAT, 1000, 3).get(NDArrayIndex.interval(10, 990), NDArrayIndex.all()),
            Nd4j.rand(DataType.FLOAT, 6, 4, 64, 130).permute(0, 1, 3, 2),                        // kᵀ's gradient: column-major blocks
            Nd4j.rand(DataType.FLOAT, 7, 33).transpose(),
        };
    }

    @Test void aDenseCopyEqualsNd4jsDupOnEveryViewAndThreadCount() {
        int threads = Nabla.numThreads();
        try {
            for (int t = 1; t <= 2; t++) {
                Nabla.setNumThreads(t);
                for (INDArray v : views()) {
                    assertThat(Strided.applies(v)).as("applies to %s", v.shapeInfoToString()).isTrue();
                    INDArray d = Strided.dense(v);
                    assertThat(Blas.dense(d)).isTrue();
                    assertThat(d.shape()).containsExactly(v.shape());
                    assertThat(d.data().asFloat()).as("%s on %d threads", java.util.Arrays.toString(v.shape()), t).isEqualTo(v.dup('c').data().asFloat());
                }
            }
        } finally {
            Nabla.setNumThreads(threads);
        }
    }

    @Test void addingIntoAViewChangesItsElementsAloneAsNd4jsAddi() {
        int threads = Nabla.numThreads();
        try {
            for (int t = 1; t <= 2; t++) {
                Nabla.setNumThreads(t);
                INDArray wide = Nd4j.rand(DataType.FLOAT, 6, 130, 3 * 257), expected = wide.dup();
                INDArray g = Nd4j.rand(DataType.FLOAT, 130, 6, 257).permute(1, 0, 2);   // a strided source too
                INDArray part = wide.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(257, 514));
                assertThat(Strided.addInto(part, g)).isTrue();
                expected.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(257, 514)).addi(g);
                INDArray gt = Nd4j.rand(DataType.FLOAT, 6, 257, 130).permute(0, 2, 1);    // and a transposed one
                INDArray other = wide.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 257));
                assertThat(Strided.addInto(other, gt)).isTrue();
                expected.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 257)).addi(gt);
                assertThat(wide.data().asFloat()).as("on %d threads", t).isEqualTo(expected.data().asFloat());
            }
        } finally {
            Nabla.setNumThreads(threads);
        }
    }

    @Test void whatItDoesNotTakeIsLeftToNd4j() {
        INDArray m = Nd4j.rand(DataType.FLOAT, 40, 30);
        assertThat(Strided.applies(m.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 20)).transpose()))
                .as("a transposed last dimension that is not one dense block").isFalse();
        assertThat(Strided.copyInto(m.transpose(), Nd4j.rand(DataType.FLOAT, 30, 40))).as("a destination whose rows are not contiguous").isFalse();
        assertThat(Strided.applies(Nd4j.rand(DataType.DOUBLE, 4, 5))).as("float64").isFalse();
        assertThat(Strided.addInto(m, Nd4j.rand(DataType.FLOAT, 30, 40))).as("other shapes").isFalse();
        INDArray before = m.dup();
        INDArray wide = Nd4j.rand(DataType.FLOAT, 30, 50);
        assertThat(Strided.addInto(m, wide.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 40)).transpose())).as("a source of neither layout").isFalse();
        assertThat(m.data().asFloat()).as("left unchanged").isEqualTo(before.data().asFloat());
    }
}
