package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AutogradTest {
    @Test void gradientsAccumulateUntilZeroed() {
        Tensor x = Tensor.of(1.0, 2.0, 3.0).requiresGrad_();
        x.mul(x).sum().backward();
        x.mul(x).sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(4, 8, 12);
        x.grad().zero_();
        x.mul(3).sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(3, 3, 3);
    }

    @Test void retainGraphAllowsASecondBackward() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad_();
        Tensor y = x.exp().sum();
        y.backward(null, true);
        y.backward();
        assertThat(x.grad().toDoubleArray()[0]).isCloseTo(2 * Math.E, within(1e-5));
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("backward through the graph a second time").hasMessageContaining("retainGraph");
    }

    @Test void nonScalarBackwardNeedsAGradient() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad_();
        Tensor y = x.mul(2);
        assertThatThrownBy(y::backward).hasMessageContaining("scalar outputs").hasMessageContaining("[2]");
        y.backward(Tensor.of(1.0, 10.0));
        assertThat(x.grad().toDoubleArray()).containsExactly(2, 20);
        assertThatThrownBy(() -> x.mul(2).backward(Tensor.of(1.0))).hasMessageContaining("mismatch in shape");
    }

    @Test void backwardOnSomethingThatNeedsNoGradIsAnError() {
        assertThatThrownBy(() -> Tensor.of(1.0).backward()).hasMessageContaining("does not require grad");
    }

    @Test void leafAndGradFn() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad_();
        Tensor y = x.mul(2).sum();
        assertThat(x.isLeaf()).isTrue();
        assertThat(x.gradFn()).isNull();
        assertThat(y.isLeaf()).isFalse();
        assertThat(y.gradFn()).isEqualTo("SumBackward");
        assertThat(y.requiresGrad()).isTrue();
        assertThat(Tensor.of(1.0).add(Tensor.of(2.0)).requiresGrad()).isFalse();
    }

    @Test void noGradScopeRecordsNothingAndNests() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad_();
        Tensor y;
        try (var g = Grad.disabled()) {
            y = x.mul(2);
            assertThat(Grad.isEnabled()).isFalse();
            try (var h = Grad.enabled()) {
                assertThat(x.mul(2).requiresGrad()).isTrue();
            }
            assertThat(Grad.isEnabled()).isFalse();
        }
        assertThat(Grad.isEnabled()).isTrue();
        assertThat(y.requiresGrad()).isFalse();
        assertThat(y.gradFn()).isNull();
    }

    @Test void noGradLambdaFormsRestoreTheStateEvenOnAnException() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad_();
        Tensor y = Grad.noGrad(() -> x.mul(2));
        assertThat(y.requiresGrad()).isFalse();
        assertThat(y.toDoubleArray()).containsExactly(2, 4);
        assertThat(Grad.isEnabled()).isTrue();
        boolean[] seen = new boolean[2];
        Grad.noGrad(() -> {
            seen[0] = Grad.isEnabled();
            seen[1] = Grad.enableGrad(() -> x.mul(2)).requiresGrad();
        });
        assertThat(seen).containsExactly(false, true);
        assertThatThrownBy(() -> Grad.noGrad((Runnable) () -> { throw new IllegalStateException("boom"); }))
                .hasMessage("boom");
        assertThat(Grad.isEnabled()).isTrue();
        assertThat(x.mul(2).requiresGrad()).isTrue();
    }

    @Test void aLeafsFirstGradientIsItsOwnArrayEvenWhenTakenOverFromTheTape() {
        Tensor a = Tensor.randn(64, 256).requiresGrad_(), b = Tensor.randn(64, 256).requiresGrad_();
        a.add(b).mul(2).sum().backward();            // the same gradient array reaches both leaves
        a.grad().fill_(7);
        assertThat(b.grad().toDoubleArray()).containsOnly(2.0);
        Tensor x = Tensor.randn(128, 128).requiresGrad_();
        Tensor w = Tensor.randn(128, 128);
        Tensor y = x.matmul(w);
        y.sum().backward(null, true);
        double[] first = x.grad().toDoubleArray();
        y.sum().backward();                          // accumulates into the adopted array
        double[] twice = x.grad().toDoubleArray();
        for (int i = 0; i < first.length; i++) assertThat(twice[i]).isCloseTo(2 * first[i], within(1e-4));
        x.grad().zero_();
        assertThat(w.toDoubleArray()).doesNotContain(Double.NaN);
        Tensor again = x.matmul(w);
        again.sum().backward();
        double[] fresh = x.grad().toDoubleArray();
        for (int i = 0; i < first.length; i++) assertThat(fresh[i]).isCloseTo(first[i], within(1e-4));
    }

    @Test void noGradIsPerThread() throws Exception {
        try (var g = Grad.disabled()) {
            boolean[] other = new boolean[1];
            Thread t = new Thread(() -> other[0] = Grad.isEnabled());
            t.start();
            t.join();
            assertThat(other[0]).isTrue();
        }
    }

    @Test void detachCutsTheTapeButSharesStorage() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad_();
        Tensor y = x.mul(2);
        Tensor d = y.detach();
        assertThat(d.requiresGrad()).isFalse();
        assertThat(d.isLeaf()).isTrue();
        d.fill_(7);
        assertThat(y.toDoubleArray()).containsExactly(7, 7);
        Tensor z = x.mul(y.detach()).sum();
        z.backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(7, 7);
    }

    @Test void retainGradKeepsANonLeafGradient() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad_();
        Tensor y = x.mul(3).retainGrad();
        y.pow(2).sum().backward();
        assertThat(y.grad().toDoubleArray()).containsExactly(6, 12);
        assertThat(x.grad().toDoubleArray()).containsExactly(18, 36);
    }

    @Test void inPlaceOnALeafThatRequiresGradIsAnError() {
        Tensor w = Tensor.of(1.0, 2.0).requiresGrad_();
        assertThatThrownBy(() -> w.add_(1)).hasMessageContaining("leaf Variable that requires grad").hasMessageContaining("in-place");
        try (var g = Grad.disabled()) {
            w.sub_(Tensor.of(0.5, 0.5));
        }
        assertThat(w.toDoubleArray()).containsExactly(0.5, 1.5);
    }

    @Test void versionCounterCatchesAChangeOfASavedInput() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad_();
        Tensor h = x.mul(2);
        Tensor y = h.sin().sum();
        h.mul_(3);
        assertThatThrownBy(y::backward).hasMessageContaining("modified by an inplace operation")
                .hasMessageContaining("SinBackward").hasMessageContaining("version 1; expected version 0");
    }

    @Test void versionCounterIsSharedWithViews() {
        Tensor x = Tensor.of(1.0, 2.0, 3.0).requiresGrad_();
        Tensor h = x.mul(1);
        Tensor y = h.sin().sum();
        try (var g = Grad.disabled()) {
            h.narrow(0, 0, 1).fill_(0);
        }
        assertThatThrownBy(y::backward).hasMessageContaining("modified by an inplace operation");
    }

    @Test void inPlaceOnANonLeafIsDifferentiable() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad_();
        Tensor y = x.mul(2);
        y.add_(1).mul_(x);      // y = (2x + 1) · x
        y.sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(4 * 1 + 1, 4 * 2 + 1);
        assertThat(y.gradFn()).isEqualTo("MulBackward");
    }

    @Test void aUseBeforeAnInPlaceChangeKeepsItsGradient() {
        // z = t + 1 uses t before t.mul_(2): dz/dw is 1 (PyTorch: 1), not the 2 of the in-place op recorded later
        Tensor w = Tensor.of(DType.FLOAT64, 1, 2, 3).requiresGrad_();
        Tensor t = w.mul(1.0);
        Tensor z = t.add(1.0);
        t.mul_(2);
        z.add(t).sum().backward();    // d/dw (w + 1 + 2w) = 3
        assertThat(w.grad().toDoubleArray()).containsExactly(3, 3, 3);
    }

    @Test void onlyFloatingPointTensorsRequireGrad() {
        assertThatThrownBy(() -> Tensor.of(1, 2).requiresGrad_()).hasMessageContaining("floating point");
        Tensor y = Tensor.of(1.0).requiresGrad_().mul(2);
        assertThatThrownBy(() -> y.requiresGrad(false)).hasMessageContaining("leaf");
    }

    @Test void gradientOfADtypeConversionComesBackInTheLeafDtype() {
        Tensor x = Tensor.of(DType.FLOAT64, 1, 2).requiresGrad_();
        x.to(DType.FLOAT32).mul(3).sum().backward();
        assertThat(x.grad().dtype()).isEqualTo(DType.FLOAT64);
        assertThat(x.grad().toDoubleArray()).containsExactly(3, 3);
    }

    @Test void gradientsAtKinks() {
        Tensor z = Tensor.zeros(DType.FLOAT64, 3).requiresGrad_();
        z.norm().backward();
        assertThat(z.grad().toDoubleArray()).containsExactly(0, 0, 0);   // as PyTorch, not NaN
        Tensor r = Tensor.of(DType.FLOAT64, -1, 0, 1).requiresGrad_();
        r.relu().sum().backward();
        assertThat(r.grad().toDoubleArray()).containsExactly(0, 0, 1);
        Tensor m = Tensor.of(DType.FLOAT64, 3, 1, 3).requiresGrad_();
        m.max().backward();
        assertThat(m.grad().toDoubleArray()).containsExactly(0.5, 0, 0.5);  // ties share, as PyTorch's max()
    }

    @Test void aLongChainDoesNotOverflowTheStack() {
        Tensor x = Tensor.of(1.0).requiresGrad_();
        Tensor y = x;
        for (int i = 0; i < 20_000; i++) y = y.mul(1.0001);
        y.sum().backward();
        assertThat(x.grad().item()).isCloseTo(Math.pow(1.0001, 20_000), within(1e-2));
    }

    @Test void customFunctionIsAFirstClassOp() {
        final class Cube extends Function {
            @Override protected org.nd4j.linalg.api.ndarray.INDArray forward(org.nd4j.linalg.api.ndarray.INDArray... x) {
                return x[0].mul(x[0]).muli(x[0]);
            }
            @Override protected org.nd4j.linalg.api.ndarray.INDArray[] backward(org.nd4j.linalg.api.ndarray.INDArray g) {
                return new org.nd4j.linalg.api.ndarray.INDArray[] {g.mul(input(0)).muli(input(0)).muli(3)};
            }
        }
        Tensor x = Tensor.of(DType.FLOAT64, 2, -1).requiresGrad_();
        Tensor y = Function.apply(new Cube(), x);
        assertThat(y.gradFn()).isEqualTo("CubeBackward");
        y.sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(12, 3);
    }

    @Test void anomalyDetectionNamesTheOpThatMadeANaN() throws Exception {
        Tensor x = Tensor.of(DType.FLOAT64, -1, 4).requiresGrad_();
        Tensor y = x.sqrt().sum();                       // sqrt(-1) = NaN, silently without detection
        assertThat(Double.isNaN(y.item())).isTrue();
        try (var a = Grad.detectAnomaly()) {
            assertThatThrownBy(() -> x.sqrt()).isInstanceOf(ArithmeticException.class)
                    .hasMessageContaining("Sqrt").hasMessageContaining("nan values");
            Tensor z = Tensor.of(DType.FLOAT64, 0, 1).requiresGrad_();
            Tensor w = z.sqrt().sum();                   // finite forward, infinite gradient at 0
            assertThatThrownBy(w::backward).hasMessageContaining("SqrtBackward").hasMessageContaining("0th output")
                    .hasMessageContaining("infinite");
        }
        assertThat(Grad.isAnomalyDetectionEnabled()).isFalse();
    }
}
