package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** transpose_ and the other in-place view ops: shape and storage, and autograd's rules as PyTorch's. */
class InPlaceViewTest {
    @Test void transposeChangesTheTensorItselfAndSharesStorage() {
        Tensor x = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        Tensor alias = x.view(2, 3);
        assertThat(x.transpose_(0, 1)).isSameAs(x);
        assertThat(x.shape().toArray()).containsExactly(3, 2);
        assertThat(x.toDoubleArray()).containsExactly(1, 4, 2, 5, 3, 6);
        assertThat(alias.shape().toArray()).containsExactly(2, 3);           // another view keeps its own shape
        x.index("0, 1").fill_(-1);                                 // x[0][1] is alias[1][0]
        assertThat(alias.toDoubleArray()).containsExactly(1, 2, 3, -1, 5, 6);
        assertThat(x.version()).isEqualTo(2);
    }

    @Test void aLeafThatRequiresGradIsRefusedWhileRecording() {
        Tensor a = Tensor.randn(2, 3).requiresGrad_();
        assertThatThrownBy(() -> a.transpose_(0, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("transpose_").hasMessageContaining("leaf");
        assertThat(a.shape().toArray()).containsExactly(2, 3);
        try (Grad g = Grad.disabled()) {
            a.t_();
        }
        assertThat(a.shape().toArray()).containsExactly(3, 2);
        assertThat(a.isLeaf()).isTrue();
    }

    @Test void anOpThatSavedTheTensorRefusesItsBackwardAfterwards() {
        Tensor a = Tensor.randn(2, 3).requiresGrad_();
        Tensor w = Tensor.randn(2, 3).requiresGrad_();
        Tensor b = a.mul(1.0);
        Tensor y = b.mul(w);        // saves b for w's gradient
        b.transpose_(0, 1);
        assertThatThrownBy(() -> y.sum().backward()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("modified by an inplace operation");
    }

    @Test void gradientFlowsThroughAChainOfInPlaceViews() {
        Tensor a = Tensor.randn(2, 3).requiresGrad_();
        Tensor b = a.mul(2.0);
        b.unsqueeze_(0).transpose_(1, 2).squeeze_(0);   // [3, 2]
        assertThat(b.gradFn()).isNotNull();
        Tensor w = Tensor.randn(3, 2);
        b.mul(w).sum().backward();
        assertThat(a.grad().toDoubleArray()).containsExactly(w.t().mul(2.0).toDoubleArray());
    }
}
