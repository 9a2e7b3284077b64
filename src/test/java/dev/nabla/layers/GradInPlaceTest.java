package dev.nabla.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import java.util.function.Supplier;
import dev.nabla.api.Grad;
import org.junit.jupiter.api.Test;

/**
 * Linear writes its weight and bias gradients straight into existing {@code .grad} arrays (beta 0 after zeroGrad, 1 to
 * accumulate): the values must be those of the ordinary path (a new gradient copied or added into {@code .grad}), the
 * {@code .grad} tensor must stay the same object, updated in place, as PyTorch's with {@code set_to_none=False}.
 */
class GradInPlaceTest {
    /** Three backward passes: zeroGrad, backward; backward again without zeroGrad (accumulates); zeroGrad, a tied graph. */
    private static float[][] run(boolean inPlace, int out) {
        if (inPlace) return run(out);
        try (AutoCloseable anomaly = Grad.detectAnomaly()) {   // anomaly detection takes the ordinary path
            return run(out);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static float[][] run(int out) {
        Nabla.manualSeed(7);
        Linear lin = new Linear(6, out);
        Tensor x = Tensor.randn(9, 6), g = Tensor.randn(9, out);
        lin.forward(x).backward(g);                       // first: .grad made (no in-place target yet)
        Tensor weightGrad = lin.weight().grad(), biasGrad = lin.bias().grad();
        lin.zeroGrad();
        lin.forward(x.mul(2)).backward(g);                // overwrite after zeroGrad
        float[] afterZero = concat(lin.weight().grad(), lin.bias().grad());
        lin.forward(x).backward(g.mul(-3));               // accumulate
        float[] accumulated = concat(lin.weight().grad(), lin.bias().grad());
        lin.zeroGrad();
        Tensor h = lin.forward(x);                        // the same weight twice in one graph, a [out]→[out] needs out = 6
        Supplier<Tensor> second = () -> out == 6 ? lin.forward(h.tanh()) : lin.forward(x.sin());
        h.mul(second.get()).sum().backward();
        float[] tied = concat(lin.weight().grad(), lin.bias().grad());
        assertThat(lin.weight().grad()).as("the same .grad tensor throughout").isSameAs(weightGrad);
        assertThat(lin.bias().grad()).isSameAs(biasGrad);
        return new float[][] {afterZero, accumulated, tied};
    }

    private static float[] concat(Tensor a, Tensor b) {
        float[] x = a.nd().dup().reshape(-1).toFloatVector(), y = b.nd().toFloatVector(), r = new float[x.length + y.length];
        System.arraycopy(x, 0, r, 0, x.length);
        System.arraycopy(y, 0, r, x.length, y.length);
        return r;
    }

    @Test void sameGradientsAsTheOrdinaryPath() {
        for (int out : new int[] {6, 64, 130}) {   // 64+: the bias gradient as a product too
            float[][] direct = run(true, out), ordinary = run(false, out);
            for (int k = 0; k < 3; k++) {
                assertThat(direct[k]).as("out %d, pass %d", out, k).hasSize(ordinary[k].length);
                for (int i = 0; i < direct[k].length; i++) {
                    assertThat(direct[k][i]).as("out %d, pass %d, element %d", out, k, i)
                            .isCloseTo(ordinary[k][i], org.assertj.core.data.Offset.offset(1e-4f * Math.max(1, Math.abs(ordinary[k][i]))));
                }
            }
            // and they are right: the accumulated pass is the sum of the two
            assertThat(direct[1][0]).isNotEqualTo(direct[0][0]);
        }
    }

    @Test void aViewOfTheGradientSeesTheUpdate() {
        Nabla.manualSeed(3);
        Linear lin = new Linear(4, 3);
        Tensor x = Tensor.randn(5, 4);
        lin.forward(x).sum().backward();
        Tensor row = lin.weight().grad().select(0, 1);    // a view of .grad, held across steps
        lin.zeroGrad();
        lin.forward(x.mul(-2)).sum().backward();          // dW row = Σ_batch x · (−2)
        float[] want = x.nd().sum(0).mul(-2).toFloatVector(), got = row.nd().toFloatVector();
        for (int j = 0; j < 4; j++) assertThat(got[j]).isCloseTo(want[j], org.assertj.core.data.Offset.offset(1e-4f));
    }
}
