package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * CopySlices and AsStridedBackward on bases of any layout (the goldens' bases are fresh row-major arrays): a base in
 * column-major order, and one that is itself a strided window (offset, gaps) of a larger ND4J array; against finite
 * differences.
 */
class CopySlicesTest {
    private static Tensor x64(long... shape) {
        return Tensor.randn(DType.FLOAT64, shape).requiresGrad_();
    }

    /** A buffer that does not require grad, column-major: rows written from values that do. */
    @Test void aColumnMajorBufferTakesTheGradientOfWhatWasWritten() {
        GradCheck.Report r = GradCheck.check(in -> {
            Tensor buf = Tensor.from(Nd4j.create(DataType.DOUBLE, new long[] {3, 4}, 'f').assign(0.5));
            assertThat(buf.nd().stride()).containsExactly(1, 3);
            Tensor old = buf.narrow(1, 0, 3);                  // an older view: regenerated from the rebased base
            buf.narrow(1, 1, 2).copy_(in.get(0).mul(in.get(1)));
            buf.select(0, 2).mul_(in.get(1).select(0, 0).sum());
            return Tensor.cat(java.util.List.of(buf.mul(buf).flatten(), old.flatten()), 0);
        }, x64(3, 2), x64(3, 2));
        assertThat(r.checked()).isEqualTo(12);
    }

    /** A base that is a window of a larger array (an offset, a row stride longer than its rows). */
    @Test void aWindowOfALargerArrayAsTheBase() {
        INDArray big = Nd4j.rand(DataType.DOUBLE, 5, 6);
        GradCheck.Report r = GradCheck.check(in -> {
            Tensor base = Tensor.from(big.dup().get(NDArrayIndex.interval(1, 4), NDArrayIndex.interval(2, 6))).mul(1.0);
            Tensor window = Tensor.from(big.dup().get(NDArrayIndex.interval(1, 4), NDArrayIndex.interval(2, 6)));
            assertThat(window.nd().offset()).isEqualTo(8);
            window.select(1, 2).copy_(in.get(0).exp());
            window.t().narrow(0, 0, 2).mul_(in.get(1));
            return window.add(base.mul(in.get(0).sum()));
        }, x64(3), x64(2, 3));
        assertThat(r.checked()).isEqualTo(9);
    }

    /** The gradient of a region read back from a rebased base, by hand: 0 where overwritten by a constant. */
    @Test void anOlderOverlappingViewSeesTheWrite() {
        Tensor x = x64(4);
        Tensor y = x.mul(2.0);
        Tensor a = y.narrow(0, 0, 3), b = y.narrow(0, 2, 2);
        b.fill_(7);                          // y = [2x0, 2x1, 7, 7]
        assertThat(a.gradFn()).isEqualTo("AsStridedBackward");   // regenerated from y's CopySlices
        a.sum().backward();                  // a = [2x0, 2x1, 7]
        assertThat(x.grad().toDoubleArray()).containsExactly(2, 2, 0, 0);
        assertThat(a.toDoubleArray()[2]).isEqualTo(7);
    }
}
