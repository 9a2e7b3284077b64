package dev.nabla.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import org.junit.jupiter.api.Test;

/** Linear's bias gradient (a product with a ones column on float32 from 64 outputs) is the column sum of the output gradient. */
class LinearBiasGradTest {
    @Test void biasGradientIsTheSumOverTheBatch() {
        for (int out : new int[] {10, 64, 200}) {
            for (int batch : new int[] {1, 7, 100}) {
                Nabla.manualSeed(out + batch);
                Linear lin = new Linear(5, out);
                Tensor x = Tensor.randn(batch, 5), g = Tensor.randn(batch, out);
                lin.forward(x).backward(g);
                float[] got = lin.bias().grad().nd().toFloatVector(), want = g.nd().sum(0).toFloatVector();
                assertThat(got).as("out %d, batch %d", out, batch).hasSize(out);
                for (int j = 0; j < out; j++) assertThat(got[j]).isCloseTo(want[j], org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
    }
}
