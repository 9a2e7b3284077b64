package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** zeroGrad keeps the gradient tensor and makes it read as zero; the next backward writes it (not adds to it). */
class ZeroGradTest {
    @Test void zeroGradThenBackwardGivesTheNewGradientInTheSameTensor() {
        Module m = new Module() {
            final Parameter w = param("w", Tensor.ones(3));
            @Override public Tensor forward(Tensor x) { return w.mul(x); }
        };
        Parameter w = m.parameters().get(0);
        Tensor x = Tensor.of(DType.FLOAT32, 1, 2, 3);
        w.mul(x).sum().backward();
        Tensor g = w.grad();
        w.mul(x).sum().backward();
        assertThat(w.grad().toDoubleArray()).containsExactly(2, 4, 6);   // accumulated
        m.zeroGrad();
        assertThat(w.grad()).isSameAs(g);
        assertThat(w.grad().toDoubleArray()).containsExactly(0, 0, 0);   // reads as zero before any backward
        w.mul(x).sum().backward();
        assertThat(w.grad().toDoubleArray()).containsExactly(1, 2, 3);
        m.zeroGrad();
        w.mul(x.mul(10)).sum().backward();                                 // overwritten, not added to a stale value
        assertThat(w.grad()).isSameAs(g);
        assertThat(w.grad().toDoubleArray()).containsExactly(10, 20, 30);
        w.mul(x).sum().backward();
        assertThat(w.grad().toDoubleArray()).containsExactly(11, 22, 33);
    }
}
