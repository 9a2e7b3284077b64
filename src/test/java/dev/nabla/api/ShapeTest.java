package dev.nabla.api;

import java.util.List;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShapeTest {
    @Test
    void printsComparesAndIndexesAsTorchSize() {
        Shape s = Shape.of(2, 3, 4);
        assertThat(s).hasToString("[2, 3, 4]");
        assertThat(Shape.of()).hasToString("[]");
        assertThat(s).isEqualTo(Shape.of(2L, 3L, 4L)).hasSameHashCodeAs(Shape.of(2, 3, 4)).isNotEqualTo(Shape.of(2, 3));
        assertThat(s.get(0)).isEqualTo(2);
        assertThat(s.get(-1)).isEqualTo(4);
        assertThat(s.get(-3)).isEqualTo(2);
        assertThat(s.dim()).isEqualTo(3);
        assertThat(s.size()).isEqualTo(3);
        assertThat(s.numel()).isEqualTo(24);
        assertThat(Shape.of().numel()).isEqualTo(1);
        assertThat(Shape.of(5, 0).numel()).isZero();
        assertThat(s.is(2, 3, 4)).isTrue();
        assertThat(s.is(2, 3)).isFalse();
        assertThat(s.slice(1, 3)).isEqualTo(Shape.of(3, 4));
        assertThat(s.toIntArray()).containsExactly(2, 3, 4);
    }

    @Test
    void isImmutable() {
        long[] sizes = {2, 3};
        Shape s = Shape.of(sizes);
        sizes[0] = 7;
        s.toArray()[1] = 9;
        assertThat(s).isEqualTo(Shape.of(2, 3));
    }

    @Test
    void badIndexAndSizesAreNamed() {
        assertThatThrownBy(() -> Shape.of(2, 3).get(2)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("Shape.get").hasMessageContaining("[-2, 1]").hasMessageContaining("[2, 3]")
                .hasMessageContaining("got 2");
        assertThatThrownBy(() -> Shape.of(2, 3).get(-3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> Shape.of(2, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Shape.of").hasMessageContaining("[2, -1]");
    }

    @Test
    void tensorShapesAreShapes() {
        Tensor x = Tensor.zeros(Shape.of(2, 3));
        assertThat(x.shape()).isEqualTo(Shape.of(2, 3)).hasToString("[2, 3]");
        assertThat(x.size()).isEqualTo(x.shape());
        assertThat(Tensor.scalar(1).shape()).isEqualTo(Shape.of());
        assertThat(x.view(Shape.of(3, 2)).shape()).isEqualTo(Shape.of(3, 2));
        assertThat(x.reshape(Shape.of(6)).shape()).isEqualTo(Shape.of(6));
        assertThat(Tensor.zeros(2, 1).expand(Shape.of(2, 5)).shape()).isEqualTo(Shape.of(2, 5));
        assertThat(Tensor.ones(DType.FLOAT64, x.shape()).dtype()).isEqualTo(DType.FLOAT64);
        assertThat(Tensor.randn(x.shape()).shape()).isEqualTo(x.shape());
        assertThat(Tensor.full(x.shape(), 2.5).toDoubleArray()).containsOnly(2.5);
    }

    @Test
    void errorMessagesPrintShapesReadably() {
        Tensor x = Tensor.zeros(2, 3).requiresGrad_();
        assertThatThrownBy(() -> x.setGrad(Tensor.zeros(3, 2))).hasMessageContaining("[3, 2]").hasMessageContaining("[2, 3]")
                .hasMessageNotContaining("[J@");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).mm(Tensor.zeros(2, 3)).shape()).hasMessageNotContaining("[J@");
        assertThatThrownBy(() -> Tensor.cat(List.of(Tensor.zeros(2, 3), Tensor.zeros(2, 4)), 0)).hasMessageContaining("[2, 4]");
    }
}
