package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutogradFunctionTest {
    /** exp with the output saved, as PyTorch's documentation example. */
    static final class MyExp extends AutogradFunction {
        @Override protected Tensor[] forward(Context ctx, Tensor... x) {
            Tensor y = x[0].exp();
            ctx.saveForBackward(y);
            return new Tensor[] {y};
        }
        @Override protected Tensor[] backward(Context ctx, Tensor... g) {
            return new Tensor[] {g[0].mul(ctx.savedTensors().get(0))};
        }
    }

    /** clamp to [min, max] (non-tensor arguments in the constructor) with a straight-through gradient. */
    static final class StraightThroughClamp extends AutogradFunction {
        private final double min, max;
        StraightThroughClamp(double min, double max) { this.min = min; this.max = max; }
        @Override protected Tensor[] forward(Context ctx, Tensor... x) { return new Tensor[] {x[0].clamp(min, max)}; }
        @Override protected Tensor[] backward(Context ctx, Tensor... g) { return new Tensor[] {g[0]}; }
    }

    /** (a · b, a + b): two inputs, two outputs. */
    static final class ProductAndSum extends AutogradFunction {
        final List<Boolean> needs = new ArrayList<>();
        @Override protected Tensor[] forward(Context ctx, Tensor... in) {
            ctx.saveForBackward(in[0], in[1]);
            return new Tensor[] {in[0].mul(in[1]), in[0].add(in[1])};
        }
        @Override protected Tensor[] backward(Context ctx, Tensor... g) {
            List<Tensor> s = ctx.savedTensors();
            needs.add(ctx.needsInputGrad(0));
            needs.add(ctx.needsInputGrad(1));
            return new Tensor[] {
                ctx.needsInputGrad(0) ? g[0].mul(s.get(1)).add(g[1]) : null,
                ctx.needsInputGrad(1) ? g[0].mul(s.get(0)).add(g[1]) : null};
        }
    }

    /** x · w + b with an optional bias (null when absent). */
    static final class Affine extends AutogradFunction {
        @Override protected Tensor[] forward(Context ctx, Tensor... in) {
            ctx.saveForBackward(in[0], in[1]);
            Tensor y = in[0].mm(in[1]);
            return new Tensor[] {in[2] == null ? y : y.add(in[2])};
        }
        @Override protected Tensor[] backward(Context ctx, Tensor... g) {
            List<Tensor> s = ctx.savedTensors();
            return new Tensor[] {g[0].mm(s.get(1).t()), s.get(0).t().mm(g[0]), ctx.needsInputGrad(2) ? g[0].sum(0) : null};
        }
    }

    /** x.mul_(c) in place: the input is marked dirty and returned. */
    static final class ScaleInPlace extends AutogradFunction {
        private final double c;
        ScaleInPlace(double c) { this.c = c; }
        @Override protected Tensor[] forward(Context ctx, Tensor... x) {
            x[0].mul_(c);
            ctx.markDirty(x[0]);
            return new Tensor[] {x[0]};
        }
        @Override protected Tensor[] backward(Context ctx, Tensor... g) { return new Tensor[] {g[0].mul(c)}; }
    }

    /** Returns whatever gradients it is given, to test the checks. */
    static final class Returns extends AutogradFunction {
        private final java.util.function.Function<Tensor, Tensor[]> grads;
        Returns(java.util.function.Function<Tensor, Tensor[]> grads) { this.grads = grads; }
        @Override protected Tensor[] forward(Context ctx, Tensor... in) { return new Tensor[] {in[0].mul(in[1])}; }
        @Override protected Tensor[] backward(Context ctx, Tensor... g) { return grads.apply(g[0]); }
    }

    private static Tensor x64(long... shape) {
        Nabla.manualSeed(7);
        return Tensor.randn(DType.FLOAT64, shape).requiresGrad_();
    }

    @Test void customExpMatchesFiniteDifferencesAndTheBuiltInExp() {
        Tensor x = x64(2, 3);
        GradCheck.Report r = GradCheck.measure(in -> new MyExp().apply(in.get(0)), x);
        assertThat(r.passed()).as(r.describe(1e-5, 1e-3)).isTrue();
        assertThat(r.checked()).isEqualTo(6);

        Tensor y = new MyExp().apply(x);
        assertThat(y.gradFn()).isEqualTo("MyExpBackward");
        assertThat(y.toDoubleArray()).containsExactly(x.exp().toDoubleArray());
        x.setGrad(null);
        y.mul(y).sum().backward();
        double[] custom = x.grad().toDoubleArray();
        x.setGrad(null);
        x.exp().mul(x.exp()).sum().backward();
        assertThat(custom).containsExactly(x.grad().toDoubleArray());
    }

    @Test void straightThroughClampPassesTheGradientUnchanged() {
        Tensor x = Tensor.of(DType.FLOAT64, -2, -0.5, 0.25, 3).requiresGrad_();
        Tensor w = Tensor.of(DType.FLOAT64, 1, 2, 3, 4);
        Tensor y = new StraightThroughClamp(-1, 1).apply(x);
        assertThat(y.toDoubleArray()).containsExactly(-1, -0.5, 0.25, 1);
        y.mul(w).sum().backward();
        double[] custom = x.grad().toDoubleArray();
        // the same gradient composed from built-in ops: x + (clamp(x) - x).detach()
        x.setGrad(null);
        x.add(x.clamp(-1, 1).sub(x).detach()).mul(w).sum().backward();
        assertThat(custom).containsExactly(x.grad().toDoubleArray()).containsExactly(1, 2, 3, 4);
        // the built-in clamp's gradient is zero outside [-1, 1]: the custom one is really a different rule
        x.setGrad(null);
        x.clamp(-1, 1).mul(w).sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(0, 2, 3, 0);
    }

    @Test void severalInputsAndOutputs() {
        Tensor a = x64(3), b = x64(3).mul(2).detach().requiresGrad_();
        GradCheck.Report r = GradCheck.measure(in -> {
            List<Tensor> o = new ProductAndSum().applyAll(in.get(0), in.get(1));
            return o.get(0).sin().add(o.get(1).mul(o.get(1)));
        }, a, b);
        assertThat(r.passed()).as(r.describe(1e-5, 1e-3)).isTrue();
        assertThat(r.checked()).isEqualTo(6);
        List<Tensor> o = new ProductAndSum().applyAll(a, b);
        assertThat(o).hasSize(2);
        assertThat(o.get(1).gradFn()).isEqualTo("ProductAndSumBackward");
        assertThatThrownBy(() -> new ProductAndSum().apply(a, b)).hasMessageContaining("ProductAndSumBackward")
                .hasMessageContaining("2 outputs").hasMessageContaining("applyAll");
    }

    @Test void anOutputThatDoesNotReachTheLossGetsAZeroGradient() {
        Tensor a = x64(3), b = Tensor.of(DType.FLOAT64, 1, 2, 3).requiresGrad_();
        new ProductAndSum().applyAll(a, b).get(1).sum().backward();   // only a + b reaches the loss
        assertThat(a.grad().toDoubleArray()).containsExactly(1, 1, 1);
        assertThat(b.grad().toDoubleArray()).containsExactly(1, 1, 1);
    }

    @Test void needsInputGradTellsWhichInputsNeedAGradient() {
        Tensor a = x64(3), b = Tensor.of(DType.FLOAT64, 1, 2, 3);   // b needs none
        ProductAndSum f = new ProductAndSum();
        List<Tensor> o = f.applyAll(a, b);
        o.get(0).sum().backward();
        assertThat(f.needs).containsExactly(true, false);
        assertThat(a.grad().toDoubleArray()).containsExactly(1, 2, 3);   // b, and zero from the unused a + b
        assertThat(b.grad()).isNull();
    }

    @Test void anAbsentOptionalInputIsNull() {
        Tensor x = x64(2, 3), w = x64(3, 4).mul(0.5).detach().requiresGrad_(), bias = x64(4).add(1).detach().requiresGrad_();
        GradCheck.Report r = GradCheck.measure(in -> new Affine().apply(in.get(0), in.get(1), in.get(2)).tanh(), x, w, bias);
        assertThat(r.passed()).as(r.describe(1e-5, 1e-3)).isTrue();
        Tensor y = new Affine().apply(x, w, null);
        assertThat(y.toDoubleArray()).containsExactly(x.mm(w).toDoubleArray());
        y.sum().backward();
        assertThat(w.grad()).isNotNull();
    }

    @Test void aGradientForANullInputIsAnError() {
        final class GradForNull extends AutogradFunction {
            @Override protected Tensor[] forward(Context ctx, Tensor... in) { return new Tensor[] {in[0].mul(2)}; }
            @Override protected Tensor[] backward(Context ctx, Tensor... g) { return new Tensor[] {g[0].mul(2), g[0]}; }
        }
        Tensor y = new GradForNull().apply(x64(2), null);
        assertThatThrownBy(() -> y.sum().backward()).hasMessageContaining("GradForNullBackward")
                .hasMessageContaining("position 1").hasMessageContaining("null");
    }

    @Test void theWrongNumberOfGradientsIsAnErrorNamingTheFunction() {
        Tensor a = x64(2, 3), b = x64(2, 3);
        Tensor y = new Returns(g -> new Tensor[] {g}).apply(a, b);
        assertThatThrownBy(() -> y.sum().backward()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ReturnsBackward returned an incorrect number of gradients (expected 2, got 1)");
    }

    @Test void aGradientOfTheWrongShapeIsAnErrorNamingTheFunction() {
        Tensor a = x64(2, 3), b = x64(2, 3);
        Tensor y = new Returns(g -> new Tensor[] {g.sum(0), g}).apply(a, b);
        assertThatThrownBy(() -> y.sum().backward()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ReturnsBackward returned an invalid gradient at index 0 - got [3] but expected shape "
                        + "compatible with [2, 3]");
    }

    @Test void aGradientOfABroadcastShapeIsSummedBack() {
        Tensor a = Tensor.of(DType.FLOAT64, 1, 2, 3).reshape(1, 3).detach().requiresGrad_(), b = x64(2, 3);
        // the gradient of a comes as [2, 3] (the output's shape): it is summed to a's [1, 3]
        Tensor y = new Returns(g -> new Tensor[] {g.mul(2), null}).apply(a, b);
        y.sum().backward();
        assertThat(a.grad().shape()).isEqualTo(Shape.of(1, 3));
        assertThat(a.grad().toDoubleArray()).containsExactly(4, 4, 4);
        assertThat(b.grad()).isNull();
    }

    @Test void aSavedTensorChangedInPlaceIsCaughtByTheVersionCounter() {
        Tensor x = x64(3);
        Tensor y = new MyExp().apply(x);
        y.mul_(2);    // y was saved for the backward
        assertThatThrownBy(() -> y.sum().backward()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("modified by an inplace operation").hasMessageContaining("saved tensor 0 of MyExpBackward")
                .hasMessageContaining("is at version 1; expected version 0");
    }

    @Test void savedTensorsAreFreedByBackwardUnlessTheGraphIsRetained() {
        Tensor x = x64(3);
        Tensor y = new MyExp().apply(x);
        Tensor ones = Tensor.ones(DType.FLOAT64, 3);
        y.backward(ones, true);
        y.backward(ones, false);
        assertThat(x.grad().toDoubleArray()).containsExactly(x.exp().mul(2).toDoubleArray());
        assertThatThrownBy(() -> y.backward(ones)).hasMessageContaining("backward through the graph a second time")
                .hasMessageContaining("MyExpBackward");
    }

    @Test void anInputChangedInPlaceIsMarkedDirtyAndTakesTheFunctionsPlace() {
        Tensor x = Tensor.of(DType.FLOAT64, 1, 2, 3).requiresGrad_();
        Tensor h = x.mul(x);                         // a non-leaf: x²
        Tensor out = new ScaleInPlace(3).apply(h);
        assertThat(out).isSameAs(h);
        assertThat(h.gradFn()).isEqualTo("ScaleInPlaceBackward");
        assertThat(h.toDoubleArray()).containsExactly(3, 12, 27);
        h.sum().backward();                          // d(3x²)/dx = 6x
        assertThat(x.grad().toDoubleArray()).containsExactly(6, 12, 18);
        GradCheck.Report r = GradCheck.measure(in -> new ScaleInPlace(3).apply(in.get(0).mul(in.get(0))), x64(4));
        assertThat(r.passed()).as(r.describe(1e-5, 1e-3)).isTrue();
    }

    @Test void aDirtyViewRebasesItsBasesHistory() {
        // PyTorch: y = x * 1; Scale.apply(y[1]) with mark_dirty gives y a CopySlices, y[1] an AsStridedBackward0,
        // and y.sum().backward() gives x.grad 3 in row 1, 1 elsewhere
        Tensor x = x64(3, 4);
        Tensor y = x.mul(1.0);
        Tensor v = y.select(0, 1);
        Tensor out = new ScaleInPlace(3).apply(v);
        assertThat(out).isSameAs(v);
        assertThat(y.gradFn()).isEqualTo("CopySlices");
        assertThat(v.gradFn()).isEqualTo("AsStridedBackward");
        assertThat(y.select(0, 1).toDoubleArray()).containsExactly(x.select(0, 1).mul(3).toDoubleArray());
        y.sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(1, 1, 1, 1, 3, 3, 3, 3, 1, 1, 1, 1);
        GradCheck.Report r = GradCheck.measure(in -> {
            Tensor h = in.get(0).mul(in.get(0));
            new ScaleInPlace(3).apply(h.narrow(1, 1, 2));
            return h;
        }, x64(3, 4));
        assertThat(r.passed()).as(r.describe(1e-5, 1e-3)).isTrue();
    }

    @Test void aLeafThatRequiresGradCannotBeChangedInPlace() {
        Tensor x = x64(3);
        assertThatThrownBy(() -> new ScaleInPlace(2).apply(x)).hasMessageContaining("ScaleInPlaceBackward")
                .hasMessageContaining("leaf Variable that requires grad");
    }

    @Test void nonDifferentiableOutputsRequireNoGrad() {
        final class ReluWithMask extends AutogradFunction {
            @Override protected Tensor[] forward(Context ctx, Tensor... x) {
                Tensor mask = x[0].gt(0).to(x[0].dtype());
                ctx.saveForBackward(mask);
                ctx.markNonDifferentiable(mask);
                return new Tensor[] {x[0].mul(mask), mask};
            }
            @Override protected Tensor[] backward(Context ctx, Tensor... g) {
                return new Tensor[] {g[0].mul(ctx.savedTensors().get(0))};
            }
        }
        Tensor x = Tensor.of(DType.FLOAT64, -1, 2, -3, 4).requiresGrad_();
        List<Tensor> o = new ReluWithMask().applyAll(x);
        assertThat(o.get(0).requiresGrad()).isTrue();
        assertThat(o.get(1).requiresGrad()).isFalse();
        assertThat(o.get(1).toDoubleArray()).containsExactly(0, 1, 0, 1);
        o.get(0).mul(o.get(1).add(1)).sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(0, 2, 0, 2);
    }

    @Test void withRecordingOffNothingIsRecorded() {
        Tensor x = x64(3);
        Tensor y;
        try (var g = Grad.disabled()) {
            y = new MyExp().apply(x);
        }
        assertThat(y.requiresGrad()).isFalse();
        assertThat(y.gradFn()).isNull();
    }

    @Test void anInputReturnedAsItIsComesOutAsANewTensor() {
        final class Identity extends AutogradFunction {
            @Override protected Tensor[] forward(Context ctx, Tensor... x) { return new Tensor[] {x[0]}; }
            @Override protected Tensor[] backward(Context ctx, Tensor... g) { return new Tensor[] {g[0].mul(5)}; }
        }
        Tensor x = x64(2);
        Tensor y = new Identity().apply(x);
        assertThat(y).isNotSameAs(x);
        assertThat(x.isLeaf()).isTrue();
        assertThat(y.gradFn()).isEqualTo("IdentityBackward");
        y.sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(5, 5);
    }
}
