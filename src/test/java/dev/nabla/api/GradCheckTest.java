package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

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

    @Test void measureReportsTheWorstElementInsteadOfThrowing() {
        // x · y with the gradient of y wrong by exactly 1 at element 2 only
        final class MulWithOneWrongEntry extends Function {
            @Override protected INDArray forward(INDArray... x) { return x[0].mul(x[1]); }
            @Override protected INDArray[] backward(INDArray g) {
                INDArray gy = g.mul(input(0));
                gy.putScalar(2, gy.getDouble(2) + 1);
                return new INDArray[] {g.mul(input(1)), gy};
            }
        }
        Tensor x = Tensor.of(DType.FLOAT64, 1, 2, 3, 4).requiresGrad_();
        Tensor y = Tensor.of(DType.FLOAT64, -1, 0.5, 2, 1).requiresGrad_();
        GradCheck.Report r = GradCheck.measure(in -> Function.apply(new MulWithOneWrongEntry(), in.get(0), in.get(1)), x, y);
        assertThat(r.passed()).isFalse();
        assertThat(r.checked()).isEqualTo(8);
        assertThat(r.worstInput()).isEqualTo(1);
        assertThat(r.worstIndex()).isEqualTo(2);
        assertThat(r.analytic() - r.numeric()).isCloseTo(1.0, within(1e-6));
        assertThat(r.maxAbsError()).isCloseTo(1.0, within(1e-6));
        assertThat(r.describe(1e-5, 1e-3)).contains("input 1").contains("flat index 2").contains(" > atol");
        assertThatThrownBy(() -> GradCheck.check(in -> Function.apply(new MulWithOneWrongEntry(), in.get(0), in.get(1)), x, y))
                .isInstanceOf(AssertionError.class).hasMessageContaining("input 1 at flat index 2").hasMessageContaining("[4]");
    }

    @Test void measurePassesACorrectGradient() {
        Nabla.manualSeed(2);
        Tensor x = Tensor.randn(DType.FLOAT64, 2, 3).requiresGrad_();
        GradCheck.Report r = GradCheck.measure(in -> in.get(0).exp().mul(in.get(0)), x);
        assertThat(r.passed()).isTrue();
        assertThat(r.checked()).isEqualTo(6);
        assertThat(r.worstInput()).isZero();
        assertThat(r.worstIndex()).isBetween(0L, 5L);
        assertThat(Math.abs(r.analytic() - r.numeric())).isLessThanOrEqualTo(r.maxAbsError()).isLessThan(1e-6);
    }
}
