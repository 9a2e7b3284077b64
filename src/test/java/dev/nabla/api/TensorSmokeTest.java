package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TensorSmokeTest {
    @Test void printsLikePyTorch() {
        assertThat(Tensor.of(new double[][] {{1.125, 1.125}}).toString()).isEqualTo("tensor([[1.1250, 1.1250]])");
        assertThat(Tensor.of(1, 2, 3).toString()).isEqualTo("tensor([1, 2, 3])");
        assertThat(Tensor.of(1.0, 2.0).toString()).isEqualTo("tensor([1., 2.])");
    }

    @Test void backwardThroughBroadcastMul() {
        Tensor a = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}}).requiresGrad_();
        Tensor b = Tensor.of(10.0, 20.0, 30.0).requiresGrad_();
        Tensor y = a.mul(b).sum();
        y.backward();
        assertThat(y.item()).isEqualTo(10 + 40 + 90 + 40 + 100 + 180);
        assertThat(a.grad().toDoubleArray()).containsExactly(10, 20, 30, 10, 20, 30);
        assertThat(b.grad().toDoubleArray()).containsExactly(5, 7, 9);
    }

    @Test void viewWritesReachBase() {
        Tensor x = Tensor.zeros(3, 4);
        x.index(":, 1:3").fill_(-1);
        assertThat(x.toDoubleArray()).containsExactly(0, -1, -1, 0, 0, -1, -1, 0, 0, -1, -1, 0);
        x.narrow(0, 2, 1).fill_(5);
        assertThat(x.select(0, -1).toDoubleArray()).containsExactly(5, 5, 5, 5);
        Tensor e = Tensor.of(1.0, 2.0).unsqueeze(1).expand(2, 3);
        assertThat(e.toDoubleArray()).containsExactly(1, 1, 1, 2, 2, 2);
    }

    @Test void secondBackwardFails() {
        Tensor a = Tensor.of(1.0, 2.0).requiresGrad_();
        Tensor y = a.exp().sum();
        y.backward();
        assertThatThrownBy(y::backward).hasMessageContaining("second time");
    }

    @Test void inPlaceChangeOfSavedTensorFails() {
        Tensor a = Tensor.of(1.0, 2.0).requiresGrad_();
        Tensor b = a.mul(2);
        Tensor c = b.sin();
        b.add_(1);
        assertThatThrownBy(() -> c.sum().backward()).hasMessageContaining("modified by an inplace operation");
    }
}
