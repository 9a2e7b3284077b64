package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GradCheckTest {
    @Test void passesForCorrectGradient() {
        Nabla.manualSeed(1);
        Tensor x = Tensor.randn(DType.FLOAT64, 3, 4).requiresGrad_();
        GradCheck.Report r = GradCheck.check(in -> in.get(0).tanh().mul(in.get(0)), x);
        assertThat(r.checked()).isEqualTo(12);
        assertThat(r.maxAbsError()).isLessThan(1e-7);
    }

    @Test void catchesAWrongGradient() {
        final class WrongSquare extends Function {
            @Override protected org.nd4j.linalg.api.ndarray.INDArray forward(org.nd4j.linalg.api.ndarray.INDArray... x) {
                return x[0].mul(x[0]);
            }
            @Override protected org.nd4j.linalg.api.ndarray.INDArray[] backward(org.nd4j.linalg.api.ndarray.INDArray g) {
                return new org.nd4j.linalg.api.ndarray.INDArray[] {g.mul(input(0))}; // misses the factor 2
            }
        }
        Tensor x = Tensor.of(DType.FLOAT64, 1, 2, 3).requiresGrad_();
        assertThatThrownBy(() -> GradCheck.check(in -> Function.apply(new WrongSquare(), in.get(0)), x))
                .isInstanceOf(AssertionError.class).hasMessageContaining("finite difference");
    }
}
