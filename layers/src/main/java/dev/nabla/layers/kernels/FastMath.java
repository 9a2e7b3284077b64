package dev.nabla.layers.kernels;

/**
 * float32 exp for the element-wise kernels (GELU, softmax), written so that C2 (JDK 17) vectorises it: plain float
 * arithmetic, {@code Math.min}/{@code Math.max} clamps instead of branches, no calls. The coefficients are fits of
 * tools/kernels/fit_fast_math.py (whose erf fit the kernels no longer use: GELU's Φ is {@link GeluFunction#cdf32}).
 *
 * <p>exp: x = k·ln2 + r with |r| ≤ ln2/2 (k by rounding with the 1.5·2²³ trick, ln2 in two parts), e^r = 1 + r +
 * r²·R(r) (R of degree 4, relative error 3e-9), times 2^k built in the exponent bits. C2 does not vectorise the moves
 * between float and int bits, so the bits are set in a second, scalar pass; the first pass, all the arithmetic, is
 * vectorised. Within 1.01 ulp of Math.exp for x in [−87.3, 43] (every 61st float there, FastMathTest); below, results
 * are rounded once into the subnormals and are 0 from x ≈ −104; NaN stays NaN; above 43 it saturates (the kernels
 * call it with x ≤ 0).
 *
 * <p>With the Vector API ({@link Vec}) the exp (2^k as lane-wise int operations, one pass) and the sums and maxima run
 * in {@link VectorMath} instead, with the same element-wise arithmetic.
 */
final class FastMath {
    private FastMath() {}

    static final float LOG2E = 1.44269504f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding it rounds a float of magnitude under 2²² to an integer, kept in the low mantissa bits. */
    static final float ROUND = 12582912f;
    /** exp's clamps: below LO the result is 0; HI is where 2^(k+64) still fits a float's exponent. */
    static final float EXP_LO = -110f, EXP_HI = 43f;
    static final float E0 = 4.9999993451e-01f, E1 = 1.6666520688e-01f, E2 = 4.1668387409e-02f, E3 = 8.3687100353e-03f,
            E4 = 1.3814611002e-03f;
    /** 2^(k+64) as float bits: (bits of k + ROUND) << 23 is k << 23; adding this sets the biased exponent k + 64 + 127. */
    private static final int EXP_BIAS = (127 + 64) << 23;
    private static final float TWO_M64 = 0x1p-64f;

    /**
     * Whether the JVM computes {@link Math#fma} in hardware (HotSpot's UseFMA): the polynomials use it then, and a·b + c
     * otherwise (Math.fma without the instruction is a slow exact emulation).
     */
    static final boolean FMA = hardwareFma();

    private static boolean hardwareFma() {
        try {
            var bean = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean != null && Boolean.parseBoolean(bean.getVMOption("UseFMA").getValue());
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** a·b + c: one fused rounding where the hardware has it (constant-folded by C2: no branch in the loops). */
    static float mad(float a, float b, float c) { return FMA ? Math.fma(a, b, c) : a * b + c; }

    // The array kernels index every array with the same i: C2 (JDK 17) does not vectorise a loop that stores into one
    // float[] and reads another at a different offset, since they might be the same array.

    /** out[i] = exp(a[i]) for i in [from, to); {@code bits} is scratch of at least {@code to} floats; out may be a. */
    static void exp(float[] a, float[] out, float[] bits, int from, int to) {
        if (Vec.on()) {
            VectorMath.exp(a, out, from, to);
            return;
        }
        reduce(a, 0f, out, bits, from, to);
        scale(out, bits, from, to);
    }

    /** out[i] = exp(a[i] − shift) for i in [from, to), as {@link #exp}; returns the sum of the results, in double. */
    static double expSum(float[] a, float shift, float[] out, float[] bits, int from, int to) {
        if (Vec.on()) return VectorMath.expSum(a, shift, out, from, to);
        reduce(a, shift, out, bits, from, to);
        return scaleSum(out, bits, from, to);
    }

    /**
     * out[i] = exp(−a[i]²/2) for i in [from, to), as {@link #exp} (GELU's derivative); −a²/2 is rounded to float
     * first, as in PyTorch, which costs a relative error of about (a²/2)·6e-8.
     */
    static void gaussian(float[] a, float[] out, float[] bits, int from, int to) {
        if (Vec.on()) {
            VectorMath.gaussian(a, out, from, to);
            return;
        }
        for (int i = from; i < to; i++) {
            float v = a[i], x = Math.max(EXP_LO, -0.5f * v * v);
            float t = x * LOG2E + ROUND, k = t - ROUND;
            float r = mad(k, -LN2_LO, mad(k, -LN2_HI, x));
            float q = mad(mad(mad(mad(E4, r, E3), r, E2), r, E1), r, E0);
            out[i] = mad(r * r, q, r) + 1f;
            bits[i] = t;
        }
        scale(out, bits, from, to);
    }

    /** The vectorised pass: out = e^r, bits = k + ROUND, for x = a − shift = k·ln2 + r. */
    private static void reduce(float[] a, float shift, float[] out, float[] bits, int from, int to) {
        for (int i = from; i < to; i++) {
            float x = Math.max(EXP_LO, Math.min(EXP_HI, a[i] - shift));
            float t = x * LOG2E + ROUND, k = t - ROUND;
            float r = mad(k, -LN2_LO, mad(k, -LN2_HI, x));
            float q = mad(mad(mad(mad(E4, r, E3), r, E2), r, E1), r, E0);
            out[i] = mad(r * r, q, r) + 1f;
            bits[i] = t;
        }
    }

    /** The scalar pass: out ·= 2^k, as out·2^(k+64)·2^−64 (one rounding, into the subnormals where it falls there). */
    private static void scale(float[] out, float[] bits, int from, int to) {
        for (int i = from; i < to; i++) out[i] = out[i] * pow2(bits[i]) * TWO_M64;
    }

    /** {@link #scale}, summing the results in four double accumulators (the adds' latency, not their count, bounds it). */
    private static double scaleSum(float[] out, float[] bits, int from, int to) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            float v0 = out[i] * pow2(bits[i]) * TWO_M64, v1 = out[i + 1] * pow2(bits[i + 1]) * TWO_M64;
            float v2 = out[i + 2] * pow2(bits[i + 2]) * TWO_M64, v3 = out[i + 3] * pow2(bits[i + 3]) * TWO_M64;
            out[i] = v0;
            out[i + 1] = v1;
            out[i + 2] = v2;
            out[i + 3] = v3;
            s0 += v0;
            s1 += v1;
            s2 += v2;
            s3 += v3;
        }
        for (; i < to; i++) {
            float v = out[i] * pow2(bits[i]) * TWO_M64;
            out[i] = v;
            s0 += v;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Σ a[i] over [from, to), in double, four accumulators. */
    static double sum(float[] a, int from, int to) {
        if (Vec.on()) return VectorMath.sum(a, from, to);
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
        }
        for (; i < to; i++) s0 += a[i];
        return (s0 + s1) + (s2 + s3);
    }

    /** Σ a[i]·b[i] over [from, to) (float products), in double, four accumulators. */
    static double dot(float[] a, float[] b, int from, int to) {
        if (Vec.on()) return VectorMath.dot(a, b, from, to);
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < to; i++) s0 += a[i] * b[i];
        return (s0 + s1) + (s2 + s3);
    }

    /** max of a[from, to) (NaN propagates, as PyTorch); −inf for an empty range. */
    static float max(float[] a, int from, int to) {
        if (Vec.on()) return VectorMath.max(a, from, to);
        float m = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) m = Math.max(m, a[i]);
        return m;
    }

    /** exp(x) for one float, the same arithmetic as {@link #exp} (the Vector API path's remainders). */
    static float exp1(float x) {
        x = Math.max(EXP_LO, Math.min(EXP_HI, x));
        float t = x * LOG2E + ROUND, k = t - ROUND;
        float r = mad(k, -LN2_LO, mad(k, -LN2_HI, x));
        float q = mad(mad(mad(mad(E4, r, E3), r, E2), r, E1), r, E0);
        return (mad(r * r, q, r) + 1f) * pow2(t) * TWO_M64;
    }

    /** 2^(k+64) from t = k + ROUND. */
    private static float pow2(float t) { return Float.intBitsToFloat((Float.floatToRawIntBits(t) << 23) + EXP_BIAS); }
}
