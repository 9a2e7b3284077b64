package dev.nabla.layers.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * FastMath's float32 exp against Math.exp over every 61st float from −104 to 43 (the subnormal results in absolute
 * units of the smallest subnormal), at odd lengths and offsets, and at its clamps; the float32 GELU's Φ against
 * GeluFunction's float64 Φ (relative error 1e-14) over every 1009th float to 12, and GELU at ±0, NaN and ±inf. (Run with JAVA_TOOL_OPTIONS=-XX:-UseFMA for the path without fused multiply-adds.)
 */
class FastMathTest {
    private static float exp(float x) {
        float[] a = {x}, out = new float[1], bits = new float[1];
        FastMath.exp(a, out, bits, 0, 1);
        return out[0];
    }

    @Test void expIsWithinOneUlpOfMathExp() {
        int n = 4093;   // odd: the loops' tails
        float[] a = new float[n], out = new float[n], bits = new float[n];
        double worst = 0;
        float at = 0;
        int filled = 0;
        int top = Float.floatToRawIntBits(43f), bottom = Float.floatToRawIntBits(104f);
        for (int b = 0; b <= Math.max(top, bottom); b += 61) {
            float x = Float.intBitsToFloat(b);
            if (b <= top) a[filled++] = x;
            if (b <= bottom && filled < n) a[filled++] = -x;
            if (filled >= n - 1 || b + 61 > Math.max(top, bottom)) {
                int from = filled % 7;   // an offset into the arrays
                FastMath.exp(a, out, bits, from, filled);
                for (int i = from; i < filled; i++) {
                    double e = Math.exp(a[i]);
                    double err = e < Float.MIN_NORMAL ? Math.abs(out[i] - e) / Float.MIN_VALUE : Math.abs(out[i] - e) / Math.ulp((float) e);
                    if (err > worst) { worst = err; at = a[i]; }
                }
                filled = 0;
            }
        }
        assertThat(worst).as("worst error in ulp, at x = " + at).isLessThanOrEqualTo(1.1);
    }

    @Test void expSpecialValues() {
        assertThat(exp(0f)).isEqualTo(1f);
        assertThat(exp(-0f)).isEqualTo(1f);
        assertThat(exp(Float.NaN)).isNaN();
        assertThat(exp(Float.NEGATIVE_INFINITY)).isEqualTo(0f);
        assertThat(exp(-104f)).isEqualTo(0f);
        assertThat(exp(-103.5f)).isEqualTo(Float.MIN_VALUE);
        assertThat(exp(-1e30f)).isEqualTo(0f);
    }

    @Test void expSumReturnsTheSumOfTheShiftedExps() {
        float[] a = new float[37], out = new float[37], bits = new float[37];
        for (int i = 0; i < a.length; i++) a[i] = (float) Math.sin(i) * 5;
        double sum = FastMath.expSum(a, 2f, out, bits, 3, 37), expected = 0;
        for (int i = 3; i < 37; i++) {
            expected += Math.exp(a[i] - 2f);
            assertThat((double) out[i]).isCloseTo(Math.exp(a[i] - 2f), org.assertj.core.data.Percentage.withPercentage(1e-5));
        }
        assertThat(sum).isCloseTo(expected, org.assertj.core.data.Percentage.withPercentage(1e-5));
    }

    /** Within an ulp of exp of the float argument −x²/2 (whose rounding, as in PyTorch's float GELU, is the larger error far out). */
    @Test void gaussianIsExpOfMinusHalfTheSquare() {
        float[] a = new float[101], out = new float[101], bits = new float[101];
        for (int i = 0; i < a.length; i++) a[i] = -15 + 0.3f * i;
        FastMath.gaussian(a, out, bits, 0, a.length);
        for (int i = 0; i < a.length; i++) {
            double e = Math.exp(-0.5f * a[i] * a[i]);
            assertThat(Math.abs(out[i] - e)).as("at " + a[i]).isLessThanOrEqualTo(e < Float.MIN_NORMAL ? Float.MIN_VALUE : 1.1 * Math.ulp((float) e));
        }
    }

    /**
     * The float32 GELU's Φ (Abramowitz &amp; Stegun 7.1.26 from exp(−x²/2)) within 3e-7 of the float64 Φ over every
     * 1009th float up to 12 in magnitude, both signs: the formula's bound is 7.5e-8, and the float rounding of its
     * polynomial (terms up to 0.71 that sum to 0.5 near x = 0) adds the rest, as in PyTorch's vectorised erf, which
     * computes the same in float (worst measured 2.7e-7, at x = 0.0486; the rational erf it replaced gave 1.5e-7 in Φ).
     * GELU and its derivative at the specials.
     */
    @Test void geluCdfHasAbsoluteErrorUnder3e7() {
        double worst = 0;
        float at = 0;
        for (int b = 0; b <= Float.floatToRawIntBits(12f); b += 1009) {
            for (float x : new float[] {Float.intBitsToFloat(b), -Float.intBitsToFloat(b)}) {
                double err = Math.abs(GeluFunction.cdf32(x, GeluFunction.gauss32(x)) - GeluFunction.cdf64(x));
                if (err > worst) { worst = err; at = x; }
            }
        }
        assertThat(worst).as("worst absolute error, at x = " + at).isLessThanOrEqualTo(3e-7);
        assertThat(GeluFunction.gelu32(0f)).isEqualTo(0f);
        assertThat(GeluFunction.gelu32(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Math.abs(GeluFunction.gelu32(-20f))).isLessThanOrEqualTo(Float.MIN_NORMAL);
        assertThat(GeluFunction.gelu32(Float.NaN)).isNaN();
        assertThat((double) GeluFunction.geluGrad32(0f, 1f)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-7));
        assertThat((double) GeluFunction.geluGrad32(1f, 2f)).isCloseTo(2 * (GeluFunction.cdf64(1) + Math.exp(-0.5) / Math.sqrt(2 * Math.PI)),
                org.assertj.core.data.Offset.offset(4e-7));
    }
}
