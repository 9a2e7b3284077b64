package dev.nabla.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nabla.api.Shape;
import dev.nabla.api.Tensor;
import org.junit.jupiter.api.Test;

/** The pooling modules' int-or-pair arguments (values and gradients are in GoldenConvTest). */
class PoolingModulesTest {
    @Test void aPairIsCopiedAndItsAxesAreIndependent() {
        int[] k = {2, 3};
        MaxPool2d pool = new MaxPool2d(k);
        k[0] = 7;
        assertThat(pool.kernel()).containsExactly(2, 3);
        assertThat(pool.stride()).containsExactly(2, 3);
        assertThat(pool.forward(Tensor.zeros(1, 1, 6, 9)).shape()).isEqualTo(Shape.of(1, 1, 3, 3));
        assertThat(new AvgPool2d(new int[] {3, 1}).forward(Tensor.zeros(2, 6, 4)).shape()).isEqualTo(Shape.of(2, 2, 4));
    }

    @Test void badPairsNameTheModuleAndArgument() {
        assertThatThrownBy(() -> new MaxPool2d(new int[] {2})).hasMessage("MaxPool2d: expected kernel_size as one number or a pair {h, w}, got [2]");
        assertThatThrownBy(() -> new AvgPool2d(new int[] {2, 2}, new int[] {1, 2, 3}))
                .hasMessage("AvgPool2d: expected stride as one number or a pair {h, w}, got [1, 2, 3]");
        assertThatThrownBy(() -> new MaxPool2d(new int[] {2, 0}))
                .hasMessage("MaxPool2d: expected kernel, stride, dilation > 0 and padding >= 0, got kernel_size=(2, 0), stride=(2, 0), padding=0, dilation=1");
    }
}
