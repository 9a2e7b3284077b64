package dev.nabla.layers.kernels;

import dev.nabla.api.Blas;
import dev.nabla.api.Function;
import dev.nabla.api.Pool;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * GELU as one op, float32 or float64, element by element in chunks split over the threads: exact, x·Φ(x) with
 * Φ(x) = (1 + erf(x/√2))/2 and dx = g·(Φ(x) + x·φ(x)); or PyTorch's {@code approximate='tanh'},
 * x/2·(1 + tanh(u)) with u = √(2/π)·(x + 0.044715·x³), computed in double (the tanh form for float32 too). Φ for
 * float64 comes from erf's Taylor series below |x|/√2 = 1.5 and erfc's continued fraction above (relative error about
 * 1e-14, in the negative tail too).
 *
 * <p>The exact GELU in float32 is computed in float, as PyTorch's vectorised kernel computes it: x·Φ(x) and
 * dx = g·(Φ(x) + x·exp(−x²/2)/√(2π)), with erf by Abramowitz &amp; Stegun 7.1.26 (as ATen's) from the same
 * exp(−x²/2) as the density: one exp, one division and a degree-5 polynomial an element. Like PyTorch's, its error
 * is absolute (Φ within about 1e-7).
 *
 * <p>Internal: public only for {@code dev.nabla.layers}; not part of the public API.
 */
public final class GeluFunction extends Function {
    private static final double SQRT_HALF = Math.sqrt(0.5), INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI), K = Math.sqrt(2 / Math.PI);
    private static final double C = 0.044715;

    private final boolean tanh;

    public GeluFunction(boolean tanh) { this.tanh = tanh; }

    /** Whether this op takes this array: float32 or float64, int-indexable. */
    public static boolean applies(INDArray x) { return Mem.supported(x); }

    @Override protected INDArray forward(INDArray... in) {
        INDArray x = Blas.denseC(in[0]);
        INDArray y = Pool.uninitialized(x.dataType(), x.shape());
        boolean f32 = x.dataType() == DataType.FLOAT;
        if (f32 && !tanh && Vec.on() && x.length() <= Integer.MAX_VALUE / 4) {
            vector32(x, null, y);
            return y;
        }
        if (f32 && !tanh) {
            sweep32(x, null, y, (h, hg, s1, s2, len) -> forward32(h, s1, s2, len));
            return y;
        }
        sweep(x, null, y, (h, hg, len) -> {
            if (tanh) for (int i = 0; i < len; i++) { double v = h[i]; h[i] = 0.5 * v * (1 + tanh(K * (v + C * v * v * v))); }
            else for (int i = 0; i < len; i++) h[i] *= cdf64(h[i]);
        });
        return y;
    }

    @Override protected INDArray[] backward(INDArray gOut) {
        INDArray x = Blas.denseC(input(0));
        INDArray g = Blas.denseC(gOut.dataType() == x.dataType() ? gOut : gOut.castTo(x.dataType()));
        INDArray dx = Pool.uninitialized(x.dataType(), x.shape());
        boolean f32 = x.dataType() == DataType.FLOAT;
        if (f32 && !tanh && Vec.on() && x.length() <= Integer.MAX_VALUE / 4) {
            vector32(x, g, dx);
            return new INDArray[] {dx};
        }
        if (f32 && !tanh) {
            sweep32(x, g, dx, GeluFunction::backward32);
            return new INDArray[] {dx};
        }
        sweep(x, g, dx, (h, hg, len) -> {
            for (int i = 0; i < len; i++) {
                double v = h[i], d;
                if (tanh) {
                    double t = tanh(K * (v + C * v * v * v));
                    d = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * K * (1 + 3 * C * v * v);
                } else {
                    d = cdf64(v) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
                }
                h[i] = hg[i] * d;
            }
        });
        return new INDArray[] {dx};
    }

    @FunctionalInterface
    private interface Chunk {
        /** h: a chunk of x, replaced by the result; hg: the same chunk of g (or null). */
        void run(double[] h, double[] hg, int len);
    }

    /** out = body(x[, g]) chunk by chunk, split over the threads. */
    private static void sweep(INDArray x, INDArray g, INDArray out, Chunk body) {
        long n = x.length();
        if (n == 0) return;   // no memory to view
        int parts = Blas.parts(n, Planes.MIN_PER_PART / 4);   // a few hundred ns an element: worth splitting early
        Blas.parallel(parts, part -> {
            Mem.Access xa = Mem.access(x), ga = g == null ? null : Mem.access(g), oa = Mem.access(out);
            int chunk = Mem.chunk();
            double[] h = Mem.d(0, chunk), hg = g == null ? null : Mem.d(1, chunk);
            for (long s = n * part / parts, end = n * (part + 1) / parts; s < end; s += chunk) {
                int from = (int) s, len = (int) Math.min(chunk, end - s);
                xa.get(from, h, 0, len);
                if (ga != null) ga.get(from, hg, 0, len);
                body.run(h, hg, len);
                oa.put(from, h, 0, len);
            }
        });
    }

    @FunctionalInterface
    private interface Chunk32 {
        /** h: a chunk of x; hg: the same chunk of g (or null); s1, s2: scratch; the result goes into hg, or h without g. */
        void run(float[] h, float[] hg, float[] s1, float[] s2, int len);
    }

    /** The float32 sweep: chunks of x (and g) copied to float[] scratch, out = hg (or h) after the body. */
    private static void sweep32(INDArray x, INDArray g, INDArray out, Chunk32 body) {
        long n = x.length();
        if (n == 0) return;   // no memory to view
        int parts = Blas.parts(n, Planes.MIN_PER_PART);
        Blas.parallel(parts, part -> {
            FloatBuffer xb = Mem.floats(x), gb = g == null ? null : Mem.floats(g), ob = Mem.floats(out);
            int chunk = Mem.chunk();
            float[] h = Mem.f(0, chunk), hg = g == null ? null : Mem.f(1, chunk), s1 = Mem.f(2, chunk), s2 = Mem.f(3, chunk);
            for (long s = n * part / parts, end = n * (part + 1) / parts; s < end; s += chunk) {
                int from = (int) s, len = (int) Math.min(chunk, end - s);
                xb.get(from, h, 0, len);
                if (gb != null) gb.get(from, hg, 0, len);
                body.run(h, hg, s1, s2, len);
                ob.put(from, gb != null ? hg : h, 0, len);
            }
        });
    }

    /**
     * The float32 exact GELU on the Vector API path: out = GELU(x), or GELU'(x)·g in one pass, read from and written to
     * the arrays' memory in place (no heap copies), split over the threads at multiples of 16 elements (64 bytes).
     */
    private static void vector32(INDArray x, INDArray g, INDArray out) {
        long n = x.length();
        if (n == 0) return;   // no memory to view
        int parts = Blas.parts(n, Planes.MIN_PER_PART);
        Blas.parallel(parts, part -> {
            ByteBuffer xb = Mem.bytes(x), gb = g == null ? null : Mem.bytes(g), ob = Mem.bytes(out);
            int from = (int) (n * part / parts & ~15L), to = part + 1 == parts ? (int) n : (int) (n * (part + 1) / parts & ~15L);
            if (gb == null) VectorMath.gelu(xb, ob, from, to);
            else VectorMath.geluGrad(xb, gb, ob, from, to);
        });
    }

    private static final float SQRT_HALF_F = (float) SQRT_HALF, INV_SQRT_2PI_F = (float) INV_SQRT_2PI;

    /**
     * Abramowitz &amp; Stegun 7.1.26, the erf of PyTorch's vectorised float kernels: for z ≥ 0,
     * erfc(z) ≈ u·(a1 + u·(a2 + u·(a3 + u·(a4 + u·a5))))·exp(−z²) with u = 1/(1 + p·z), absolute error below 1.5e-7.
     * With z = |x|/√2, exp(−z²) is exp(−x²/2), the Gaussian the backward needs anyway. H1..H5 are a1..a5 halved
     * (exactly), so that the polynomial times exp(−x²/2) is erfc(|x|/√2)/2 = Φ(−|x|).
     */
    static final float AS_P = 0.3275911f, H1 = 0.5f * 0.254829592f, H2 = 0.5f * -0.284496736f, H3 = 0.5f * 1.421413741f,
            H4 = 0.5f * -1.453152027f, H5 = 0.5f * 1.061405429f;

    /** exp(−x²/2) as the float32 GELU computes it: −x²/2 rounded to float, then {@link FastMath#exp1}. */
    static float gauss32(float x) { return FastMath.exp1(-0.5f * x * x); }

    /** Φ(x) in float from e = {@link #gauss32}(x): Φ(−|x|) = erfc(|x|/√2)/2 by 7.1.26, reflected for x ≥ 0. */
    static float cdf32(float x, float e) { return reflect(x, tail(reciprocal(x), e)); }

    // 7.1.26's three steps, each a pass of the fallback's chunk loops (C2 inlines them and vectorises the first two).

    /** u = 1/(1 + p·|x|/√2). */
    private static float reciprocal(float x) { return 1f / FastMath.mad(Math.abs(x) * SQRT_HALF_F, AS_P, 1f); }

    /** Φ(−|x|) = u·(H1 + u·(H2 + …))·exp(−x²/2). */
    private static float tail(float u, float e) {
        return FastMath.mad(FastMath.mad(FastMath.mad(FastMath.mad(u, H5, H4), u, H3), u, H2), u, H1) * u * e;
    }

    /** Φ(x) from Φ(−|x|). */
    private static float reflect(float x, float half) { return x < 0 ? half : 1f - half; }

    /** The fallback's forward on a chunk: h[0, len) → GELU(h); s1, s2 scratch. */
    static void forward32(float[] h, float[] s1, float[] s2, int len) {
        cdf32(h, s1, s2, len);
        for (int i = 0; i < len; i++) h[i] *= s2[i];
    }

    /** The fallback's backward on a chunk: hg[0, len) → GELU'(h)·hg; s1, s2 scratch. */
    static void backward32(float[] h, float[] hg, float[] s1, float[] s2, int len) {
        cdf32(h, s1, s2, len);
        for (int i = 0; i < len; i++) hg[i] *= s2[i] + h[i] * s1[i] * INV_SQRT_2PI_F;
    }

    /**
     * e = exp(−x²/2) and Φ(x) of h[0, len) into e and cdf, with {@link #cdf32}'s arithmetic in passes that C2
     * vectorises (all but the last, the reflection): the fallback's loops, equal bit for bit to the Vector API path.
     */
    private static void cdf32(float[] h, float[] e, float[] cdf, int len) {
        FastMath.gaussian(h, e, cdf, 0, len);   // cdf as its scratch first
        for (int i = 0; i < len; i++) cdf[i] = reciprocal(h[i]);
        for (int i = 0; i < len; i++) cdf[i] = tail(cdf[i], e[i]);
        for (int i = 0; i < len; i++) cdf[i] = reflect(h[i], cdf[i]);
    }

    /** x·Φ(x) in float (the Vector API path's arithmetic, lane by lane). */
    static float gelu32(float x) { return x * cdf32(x, gauss32(x)); }

    /**
     * g·(Φ(x) + x·exp(−x²/2)/√(2π)) for one float, with one exp(−x²/2) for Φ and the density (the Vector API path's
     * arithmetic, lane by lane).
     */
    static float geluGrad32(float x, float g) {
        float e = gauss32(x);
        return g * (cdf32(x, e) + x * e * INV_SQRT_2PI_F);
    }

    /** tanh(u) = 1 − 2/(exp(2u) + 1): one exp; ±1 where exp overflows or vanishes. */
    static double tanh(double u) { return 1 - 2 / (Math.exp(2 * u) + 1); }

    /** Φ(x) to about 1e-14 for float64 results. */
    static double cdf64(double x) {
        double z = Math.abs(x) * SQRT_HALF;
        if (x != x) return x;
        if (z < 1.5) {
            double e = erfSeries(z);
            return x >= 0 ? 0.5 * (1 + e) : 0.5 * (1 - e);
        }
        double erfc = erfcFraction(z);
        return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
    }

    /**
     * erf(z) = 2/√π · Σ (−1)ⁿ z^(2n+1) / (n!·(2n + 1)), for 0 ≤ z &lt; 1.5 (terms shrink past n ≈ z²; further out their
     * size, about e^(z²), costs 1 − erf its relative precision: 2e-9 at z = 3).
     */
    private static double erfSeries(double z) {
        double z2 = z * z, term = z, sum = z;
        for (int n = 1; n < 200; n++) {
            term *= -z2 / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
        }
        return sum * (2 / Math.sqrt(Math.PI));
    }

    /**
     * erfc(z) = exp(−z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))), for z ≥ 1.5, evaluated from 120 levels down
     * (relative error 2e-16 from z = 1.5 on).
     */
    private static double erfcFraction(double z) {
        double f = z;
        for (int k = 120; k >= 1; k--) f = z + (k / 2.0) / f;
        return Math.exp(-z * z) / (Math.sqrt(Math.PI) * f);
    }

    @Override public String name() { return "GeluBackward"; }

    @Override protected String profileName() { return tanh ? "GELU (tanh)" : "GELU"; }
}
