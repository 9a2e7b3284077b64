package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tensor.registerPostAccumulateGradHook, as PyTorch 2.1's register_post_accumulate_grad_hook. */
class PostAccumulateGradHookTest {
    /** A two-layer net x → tanh(x·w1 + b1)·w2: the second layer's weight is final before the first layer's gradient exists. */
    @Test void aLeafsHookRunsOnceItsGradientIsFinalAndBeforeEarlierLayersAreReached() {
        Nabla.manualSeed(3);
        Tensor x = Tensor.randn(4, 3), w1 = Tensor.randn(3, 5).requiresGrad_(), b1 = Tensor.randn(5).requiresGrad_();
        Tensor w2 = Tensor.randn(5, 2).requiresGrad_();
        List<String> events = new ArrayList<>();
        List<double[]> seen = new ArrayList<>();
        w2.registerPostAccumulateGradHook(t -> {
            events.add("w2" + (w1.grad() == null ? " before w1" : " after w1"));
            seen.add(t.grad().nd().dup().data().asDouble());
        });
        w1.registerPostAccumulateGradHook(t -> events.add("w1"));
        b1.registerPostAccumulateGradHook(t -> events.add("b1"));
        x.mm(w1).add(b1).tanh().mm(w2).sum().backward();
        assertThat(events).as("once each, w2 first, while w1 had no gradient yet").hasSize(3).startsWith("w2 before w1")
                .containsExactlyInAnyOrder("w2 before w1", "w1", "b1");
        assertThat(seen.get(0)).as("the hook sees the final gradient").containsExactly(w2.grad().nd().data().asDouble());
    }

    /** A weight used twice (tied): its hook runs after both uses have added into .grad, once. */
    @Test void aTensorUsedTwiceRunsItsHookOnceAfterBothContributions() {
        Nabla.manualSeed(4);
        Tensor w = Tensor.randn(3, 3).requiresGrad_(), x = Tensor.randn(2, 3);
        List<double[]> atHook = new ArrayList<>();
        w.registerPostAccumulateGradHook(t -> atHook.add(t.grad().nd().dup().data().asDouble()));
        x.mm(w).tanh().mm(w).sum().backward();
        assertThat(atHook).hasSize(1);
        assertThat(atHook.get(0)).containsExactly(w.grad().nd().data().asDouble());
        // the gradient of both uses: the same as without the hook
        Tensor w2 = w.detach().clone().requiresGrad_();
        x.mm(w2).tanh().mm(w2).sum().backward();
        assertThat(atHook.get(0)).containsExactly(w2.grad().nd().data().asDouble());
    }

    @Test void runsAgainOnEveryBackwardAndNotAfterRemoval() {
        Tensor w = Tensor.ones(2).requiresGrad_();
        int[] calls = {0};
        RemovableHandle h = w.registerPostAccumulateGradHook(t -> calls[0]++);
        w.mul(3).sum().backward();
        w.mul(3).sum().backward();
        assertThat(calls[0]).isEqualTo(2);
        assertThat(w.grad().nd().toDoubleVector()).as("accumulated over both passes").containsExactly(6, 6);
        h.remove();
        h.remove();   // twice: nothing
        w.mul(3).sum().backward();
        assertThat(calls[0]).isEqualTo(2);
    }

    @Test void aLeafThatIsTheRootAndALeafThisPassDoesNotReach() {
        Tensor w = Tensor.ones(1).requiresGrad_(), unused = Tensor.ones(1).requiresGrad_();
        int[] calls = {0, 0};
        w.registerPostAccumulateGradHook(t -> calls[0]++);
        unused.registerPostAccumulateGradHook(t -> calls[1]++);
        w.sum().backward();
        w.backward(Tensor.ones(1));
        assertThat(calls).containsExactly(2, 0);
    }

    @Test void refusesTensorsWithoutGradAndNonLeaves() {
        assertThatThrownBy(() -> Tensor.ones(2).registerPostAccumulateGradHook(t -> {}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("doesn't require gradient");
        Tensor w = Tensor.ones(2).requiresGrad_();
        assertThatThrownBy(() -> w.mul(2).registerPostAccumulateGradHook(t -> {}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("non-leaf").hasMessageContaining("MulScalarBackward");
        assertThatThrownBy(() -> w.registerPostAccumulateGradHook(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test void anExceptionInAHookEndsTheBackwardPass() {
        Tensor w = Tensor.ones(2).requiresGrad_();
        try (RemovableHandle h = w.registerPostAccumulateGradHook(t -> { throw new IllegalStateException("hook failed"); })) {
            assertThatThrownBy(() -> w.mul(2).sum().backward()).hasMessage("hook failed");
        }
        w.mul(2).sum().backward();   // closed: gone
    }
}
