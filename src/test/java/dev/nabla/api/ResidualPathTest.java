package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The gradient of a tensor used twice (a residual block's input), summed in place into a gradient the tape owns on
 * float32 — checked element by element against the closed form — and by the general path in float64 against finite
 * differences.
 */
class ResidualPathTest {
    private static float[] values(int n, int seed) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) Math.sin(seed * 0.37 + i * 0.011) * (1 + (i % 7));
        return v;
    }

    /**
     * h = x·w feeds ReLU and the residual add (z = relu(h) + h, or relu(h) + 3h where both of h's gradients are the
     * tape's own): dL/dx for L = Σ c·z is c·(1[h > 0] + k)·w, element by element.
     */
    @Test void gradientOfATensorUsedTwice() {
        int n = 2 * 16 * 40 * 40;   // a pooled size: the gradients are the pool's
        for (double k : new double[] {1, 3}) {
            float[] xv = values(n, 5), wv = values(n, 6), cv = values(n, 7);
            Tensor x = Tensor.from(Nd4j.createFromArray(xv).reshape(2, 16, 40, 40)).requiresGrad_();
            Tensor w = Tensor.from(Nd4j.createFromArray(wv).reshape(2, 16, 40, 40)), c = Tensor.from(Nd4j.createFromArray(cv).reshape(2, 16, 40, 40));
            Tensor h = x.mul(w);
            Tensor z = h.relu().add(k == 1 ? h : h.mul(k));
            z.mul(c).sum().backward();
            float[] gx = x.grad().nd().ravel().toFloatVector(), hv = h.nd().ravel().toFloatVector();
            for (int i = 0; i < n; i++) {
                float dh = (hv[i] > 0 ? cv[i] : 0f) + (k == 1 ? cv[i] : (float) (cv[i] * k));
                assertThat((double) gx[i]).as("k=%s element %d", k, i).isCloseTo(dh * wv[i], org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(dh * wv[i]))));
            }
            assertThat(w.nd().dataType()).isEqualTo(DataType.FLOAT);
        }
    }

    /** The same graph in float64 against finite differences (the general path of the accumulation). */
    @Test void gradientOfATensorUsedTwiceMatchesFiniteDifferences() {
        GradCheck.check(in -> {
            Tensor h = in.get(0).mul(in.get(1));
            return h.relu().add(h).add(h.tanh().mul(2));
        }, Tensor.randn(DType.FLOAT64, 3, 4).requiresGrad_(), Tensor.randn(DType.FLOAT64, 3, 4).requiresGrad_());
    }
}
