package dev.nabla.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Linear's bias gradient (a product with a ones column on float32 from 64 outputs, columns split over the threads for
 * large gradients) is the column sum of the output gradient, and a second backward adds to it.
 */
class LinearBiasGradTest {
    @Test void biasGradientIsTheSumOverTheBatch() {
        // up to 2,049 × 333 (682 K elements): the sums split over two threads' columns, an odd column count
        for (int out : new int[] {10, 64, 200, 333}) {
            for (int batch : new int[] {1, 7, 100, 2049}) {
                Nabla.manualSeed(out + batch);
                Linear lin = new Linear(5, out);
                Tensor x = Tensor.randn(batch, 5), g = Tensor.randn(batch, out);
                lin.forward(x).backward(g);
                lin.forward(x).backward(g);   // the second time into the existing .grad
                float[] got = lin.bias().grad().nd().toFloatVector(), want = g.nd().sum(0).mul(2).toFloatVector();
                assertThat(got).as("out %d, batch %d", out, batch).hasSize(out);
                for (int j = 0; j < out; j++) assertThat(got[j]).isCloseTo(want[j], org.assertj.core.data.Offset.offset(1e-4f * (1 + Math.abs(want[j]))));
            }
        }
    }
}
