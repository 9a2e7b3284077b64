package dev.nabla.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code new ReLU(true)} / {@link Tensor#relu_()} as PyTorch's {@code nn.ReLU(inplace=True)}: the same values and
 * gradients as the out-of-place ReLU (bit for bit: one kernel), written into the input's own memory, and refused
 * where an op saved the overwritten tensor.
 */
class InPlaceReluTest {
    /** conv → BatchNorm → ReLU (in place or not) → a weighted sum: every gradient equal. */
    private static Tensor[] grads(boolean inplace, int n, int c, int h, int w) {
        Nabla.manualSeed(5);
        Conv2d conv = new Conv2d(c, c + 1, 3, Conv2d.Options.DEFAULT.withPadding(1).withBias(false));
        BatchNorm2d bn = new BatchNorm2d(c + 1);
        Tensor x = Tensor.randn(n, c, h, w).requiresGrad_();
        Tensor y = new ReLU(inplace).forward(bn.forward(conv.forward(x)));
        Tensor weights = Tensor.randn(y.shape());
        y.mul(weights).sum().backward();
        return new Tensor[] {y.detach(), x.grad(), conv.parameters().get(0).grad(), bn.parameters().get(0).grad(), bn.parameters().get(1).grad()};
    }

    @Test void inPlaceGivesTheOutOfPlaceValuesAndGradients() {
        for (int[] s : new int[][] {{1, 1, 1, 2}, {3, 5, 7, 9}, {16, 8, 17, 16}}) {
            Tensor[] a = grads(false, s[0], s[1], s[2], s[3]), b = grads(true, s[0], s[1], s[2], s[3]);
            for (int i = 0; i < a.length; i++) {
                assertThat(b[i].nd().equalsWithEps(a[i].nd(), 0)).as("tensor %d at %s", i, java.util.Arrays.toString(s)).isTrue();
            }
        }
    }

    @Test void writesIntoTheInputsMemory() {
        Tensor x = Tensor.of(new float[] {-1f, 2f, Float.NaN, -0f, 0f, 3.5f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY}).mul(1);
        long address = x.nd().data().address();
        Tensor want = x.relu();
        Tensor r = x.relu_();
        assertThat(r).isSameAs(x);
        assertThat(x.nd().data().address()).isEqualTo(address);
        assertThat(x.nd().toFloatVector()).containsExactly(want.nd().toFloatVector());
        assertThat(x.nd().toFloatVector()).containsExactly(0f, 2f, Float.NaN, 0f, 0f, 3.5f, 0f, Float.POSITIVE_INFINITY);
    }

    @Test void refusedWhereAnOpSavedTheOverwrittenTensor() {
        Tensor a = Tensor.randn(4, 5).requiresGrad_();
        Tensor x = a.mul(2);
        Tensor y = x.mul(x);   // saves x
        x.relu_();
        assertThatThrownBy(() -> y.sum().backward()).hasMessageContaining("inplace");
        assertThatThrownBy(() -> a.relu_()).hasMessageContaining("leaf");
    }

    @Test void otherLayoutsAndTypesTakeTheGeneralPath() {
        Nabla.manualSeed(6);
        Tensor base = Tensor.randn(6, 7).requiresGrad_();
        Tensor t = base.mul(1).t();   // non-contiguous, a differentiable view
        Tensor want = base.detach().t().relu();
        t.relu_();
        assertThat(t.nd().equalsWithEps(want.nd(), 0)).isTrue();
        t.sum().backward();
        assertThat(base.grad().nd().equalsWithEps(base.detach().gt(0).nd().castTo(DataType.FLOAT), 0)).isTrue();
        Tensor d = Tensor.randn(3, 4).to(dev.nabla.api.DType.FLOAT64).requiresGrad_();
        Tensor e = d.mul(1);
        e.relu_();
        e.sum().backward();
        assertThat(e.nd().equalsWithEps(d.detach().relu().nd(), 0)).isTrue();
        assertThat(d.grad().nd().equalsWithEps(d.detach().gt(0).nd().castTo(DataType.DOUBLE), 0)).isTrue();
    }

    @Test void reprAsPyTorch() {
        assertThat(new ReLU(true).repr()).isEqualTo("ReLU(inplace=True)");
        assertThat(new ReLU().repr()).isEqualTo("ReLU()");
    }
}
