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
 * <p>The exact GELU in float32 is computed in float, as PyTorch computes it: x·0.5·(1 + erf(x/√2)) and
 * dx = g·(Φ(x) + x·exp(−x²/2)/√(2π)), with {@link FastMath}'s erf and exp in loops that C2 vectorises. Like PyTorch's,
 * its error is absolute (about 1e-7·|x|) where 1 + erf cancels, for x below about −4.
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
            sweep32(x, null, y, (h, hg, s1, s2, len) -> {
                for (int i = 0; i < len; i++) h[i] = gelu32(h[i]);
            });
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
            sweep32(x, g, dx, (h, hg, s1, s2, len) -> {
                FastMath.gaussian(h, s1, s2, 0, len);
                for (int i = 0; i < len; i++) hg[i] *= cdf32f(h[i]) + h[i] * s1[i] * INV_SQRT_2PI_F;
            });
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

    /** x·0.5·(1 + erf(x/√2)) in float, as PyTorch. */
    static float gelu32(float x) { return x * 0.5f * (1f + FastMath.erf(x * SQRT_HALF_F)); }

    /** Φ(x) = 0.5·(1 + erf(x/√2)) in float, as PyTorch's backward. */
    static float cdf32f(float x) { return 0.5f * (1f + FastMath.erf(x * SQRT_HALF_F)); }

    /**
     * g·(Φ(x) + x·exp(−x²/2)/√(2π)) for one float: the arithmetic of the float32 backward's loops, with exp(−x²/2) as
     * {@link FastMath#gaussian} computes it (the Vector API path's remainders).
     */
    static float geluGrad32(float x, float g) { return g * (cdf32f(x) + x * FastMath.exp1(-0.5f * x * x) * INV_SQRT_2PI_F); }

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
