package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** ReLU's backward on float32 is PyTorch's threshold_backward: {@code y <= 0 ? 0 : g}, a select, NaN and infinities included. */
class ReluBackwardTest {
    private static float expected(float y, float g) { return y <= 0 ? 0f : g; }

    @Test void aSelectOnSpecialValues() {
        float nanNeg = Float.intBitsToFloat(0xFFC00000);   // x86's default NaN has its sign bit set
        float[] x = {1.5f, -2f, 0f, -0f, Float.NaN, nanNeg, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE};
        float[] g = {Float.NaN, Float.NaN, Float.POSITIVE_INFINITY, 3f, 4f, 5f, 6f, Float.NEGATIVE_INFINITY, 7f, Float.NaN};
        Tensor xt = Tensor.from(Nd4j.createFromArray(x)).requiresGrad_();
        Tensor y = xt.relu();
        y.backward(Tensor.from(Nd4j.createFromArray(g)));
        float[] yv = y.nd().toFloatVector(), got = xt.grad().nd().toFloatVector();
        for (int i = 0; i < x.length; i++) {
            assertThat(Float.floatToRawIntBits(got[i])).as("x=%s g=%s", x[i], g[i])
                    .isEqualTo(Float.floatToRawIntBits(expected(yv[i], g[i])));
        }
    }

    /** The forward on float32 (the project's kernel on the raw bits): x where x > 0, NaN where NaN (as PyTorch), else 0. */
    @Test void forwardKeepsPositivesAndNaN() {
        float nanNeg = Float.intBitsToFloat(0xFFC00000);
        float[] x = {1.5f, -2f, 0f, -0f, Float.NaN, nanNeg, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE};
        for (int n : new int[] {x.length, 3 * 65_536 + 7}) {   // and split over threads, chunks with a remainder
            float[] in = new float[n];
            for (int i = 0; i < n; i++) in[i] = x[i % x.length] * (1 + i / x.length);
            float[] y = Tensor.from(Nd4j.createFromArray(in)).relu().nd().toFloatVector();
            for (int i = 0; i < n; i++) {
                if (Float.isNaN(in[i])) assertThat(y[i]).as("relu(%s) at %d", in[i], i).isNaN();
                else if (in[i] > 0) assertThat(y[i]).as("relu(%s) at %d", in[i], i).isEqualTo(in[i]);
                else assertThat(y[i] == 0f).as("relu(%s) at %d is 0, got %s", in[i], i, y[i]).isTrue();
            }
        }
    }

    @Test void largeArraysSplitAndChunkedAsTheFormulaSays() {
        Nabla.manualSeed(9);
        int n = 3 * 65_536 + 123;   // two parts, chunks with a remainder
        Tensor xt = Tensor.randn(n).requiresGrad_();
        Tensor gt = Tensor.randn(n);
        Tensor y = xt.relu();
        y.backward(gt);
        float[] yv = y.nd().toFloatVector(), gv = gt.nd().toFloatVector(), got = xt.grad().nd().toFloatVector();
        int passed = 0;
        for (int i = 0; i < n; i++) {
            assertThat(got[i]).isEqualTo(expected(yv[i], gv[i]));
            if (yv[i] > 0) passed++;
        }
        assertThat(passed).isBetween(n / 2 - 2_000, n / 2 + 2_000);
        assertThat(xt.grad().nd().dataType()).isEqualTo(DataType.FLOAT);
    }

    /**
     * The backward writes into its output gradient only when the walk holds that array alone: one array that an add
     * passes to two ReLUs is read by the first (still shared) before the second (by then alone) overwrites it; a user's
     * gradient is never written.
     */
    @Test void writesIntoTheOutputGradientOnlyWhenTheWalkHoldsItAlone() {
        for (int n : new int[] {37, 3 * 65_536 + 123}) {
            Nabla.manualSeed(11);
            Tensor u = Tensor.randn(n).requiresGrad_(), v = Tensor.randn(n).requiresGrad_(), w = Tensor.randn(n), seed = Tensor.randn(n);
            float[] seedBefore = seed.nd().toFloatVector();
            Tensor s = u.mul(1).relu().add(v.mul(1).relu());
            s.mul(w).backward(seed);
            float[] uv = u.nd().toFloatVector(), vv = v.nd().toFloatVector(), wv = w.nd().toFloatVector(), sv = seed.nd().toFloatVector();
            float[] gu = u.grad().nd().toFloatVector(), gv = v.grad().nd().toFloatVector();
            for (int i = 0; i < n; i++) {
                float up = seedBefore[i] * wv[i];
                assertThat(gu[i]).as("du at %d", i).isEqualTo(uv[i] > 0 ? up : 0f);
                assertThat(gv[i]).as("dv at %d", i).isEqualTo(vv[i] > 0 ? up : 0f);
                assertThat(sv[i]).as("the user's gradient at %d", i).isEqualTo(seedBefore[i]);
            }
            // one ReLU whose output is used twice: its gradient is the walk's own sum, written in place
            Tensor x = Tensor.randn(n).requiresGrad_(), w2 = Tensor.randn(n);
            Tensor z = x.mul(1).relu();
            z.mul(w).add(z.mul(w2)).backward(seed);
            float[] xv = x.nd().toFloatVector(), w2v = w2.nd().toFloatVector(), gx = x.grad().nd().toFloatVector();
            for (int i = 0; i < n; i++) {
                float up = seedBefore[i] * wv[i] + seedBefore[i] * w2v[i];
                assertThat(gx[i]).as("dx at %d", i).isCloseTo(xv[i] > 0 ? up : 0f, org.assertj.core.data.Offset.offset(1e-6f * (1 + Math.abs(up))));
            }
        }
    }
}
