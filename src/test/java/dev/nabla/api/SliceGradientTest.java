package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Gradients of several slices of one tensor (attention's q, k, v selected from one projection), which the engine adds
 * into the gradient gathered so far instead of summing full-size arrays: finite differences with slices, narrows and
 * direct uses mixed in every order, and the exact sum in float32 against slices taken of separate copies.
 */
class SliceGradientTest {
    @Test void slicesSelectsAndDirectUsesMixedAgreeWithFiniteDifferences() {
        GradCheck.check(in -> {
            Tensor x = in.get(0).mul(1.5);   // a non-leaf: its gradient is gathered on the tape
            Tensor qkv = x.view(2, 3, 4).permute(1, 0, 2);
            Tensor a = qkv.select(0, 0), b = qkv.select(0, 1), c = qkv.select(0, 2);
            return a.mul(b).add(c.pow(2)).sum().add(x.narrow(1, 1, 2).sum()).add(x.mul(x).sum()).add(qkv.select(0, 1).sum());
        }, Tensor.randn(DType.FLOAT64, 2, 12).requiresGrad_());
        GradCheck.check(in -> {
            Tensor x = in.get(0).tanh();
            return x.narrow(0, 0, 2).sum().add(x.narrow(0, 1, 3).pow(2).sum()).add(x.select(0, 4).mul(3).sum());
        }, Tensor.randn(DType.FLOAT64, 5, 3).requiresGrad_());
    }

    @Test void float32SumsEqualSeparateCopies() {
        Nabla.manualSeed(1);
        Tensor base = Tensor.randn(DType.FLOAT32, 3, 64, 129);
        Tensor w0 = Tensor.randn(DType.FLOAT32, 64, 129), w1 = Tensor.randn(DType.FLOAT32, 64, 129), w2 = Tensor.randn(DType.FLOAT32, 64, 129);
        Tensor x = base.detach().requiresGrad_();
        Tensor y = x.mul(2);
        y.select(0, 0).mul(w0).add(y.select(0, 1).mul(w1)).add(y.select(0, 2).mul(w2)).add(y.select(0, 1)).sum().backward();
        double[] g = x.grad().toDoubleArray(), e0 = w0.toDoubleArray(), e1 = w1.toDoubleArray(), e2 = w2.toDoubleArray();
        int plane = 64 * 129;
        for (int i = 0; i < plane; i++) {
            assertThat(g[i]).isEqualTo((float) (2 * e0[i]));
            assertThat(g[plane + i]).isCloseTo(2 * ((float) e1[i] + 1f), org.assertj.core.data.Offset.offset(1e-5));
            assertThat(g[2 * plane + i]).isEqualTo((float) (2 * e2[i]));
        }
    }
}
