package dev.nabla.layers.kernels;

import dev.nabla.api.Blas;
import dev.nabla.api.Function;
import dev.nabla.api.Pool;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * GELU as one op, float32 or float64, element by element in chunks split over the threads: exact, x·Φ(x) with
 * Φ(x) = (1 + erf(x/√2))/2 and dx = g·(Φ(x) + x·φ(x)); or PyTorch's {@code approximate='tanh'},
 * x/2·(1 + tanh(u)) with u = √(2/π)·(x + 0.044715·x³). Φ for float32 comes from a Chebyshev fit of erfc (relative error
 * under 1.2e-7, so that the negative tail keeps its relative precision); for float64 from erf's Taylor series below
 * |x|/√2 = 3 and erfc's continued fraction above (error about 1e-14).
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
        sweep(x, null, y, (h, hg, len) -> {
            if (tanh) for (int i = 0; i < len; i++) { double v = h[i]; h[i] = 0.5 * v * (1 + tanh(K * (v + C * v * v * v))); }
            else if (f32) for (int i = 0; i < len; i++) h[i] *= cdf32(h[i]);
            else for (int i = 0; i < len; i++) h[i] *= cdf64(h[i]);
        });
        return y;
    }

    @Override protected INDArray[] backward(INDArray gOut) {
        INDArray x = Blas.denseC(input(0));
        INDArray g = Blas.denseC(gOut.dataType() == x.dataType() ? gOut : gOut.castTo(x.dataType()));
        INDArray dx = Pool.uninitialized(x.dataType(), x.shape());
        boolean f32 = x.dataType() == DataType.FLOAT;
        sweep(x, g, dx, (h, hg, len) -> {
            for (int i = 0; i < len; i++) {
                double v = h[i], d;
                if (tanh) {
                    double t = tanh(K * (v + C * v * v * v));
                    d = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * K * (1 + 3 * C * v * v);
                } else {
                    d = (f32 ? cdf32(v) : cdf64(v)) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
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

    /** tanh(u) = 1 − 2/(exp(2u) + 1): one exp; ±1 where exp overflows or vanishes. */
    static double tanh(double u) { return 1 - 2 / (Math.exp(2 * u) + 1); }

    /** Φ(x) for float32 results, from erfc(|x|/√2) by the Chebyshev fit t·exp(−z² + P(t)), t = 1/(1 + z/2). */
    static double cdf32(double x) {
        double z = Math.abs(x) * SQRT_HALF, t = 1 / (1 + 0.5 * z);
        double p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807
                + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        double erfc = t * Math.exp(-z * z + p);
        return x >= 0 ? 1 - 0.5 * erfc : x < 0 ? 0.5 * erfc : x;   // NaN stays NaN
    }

    /** Φ(x) to about 1e-14 for float64 results. */
    static double cdf64(double x) {
        double z = Math.abs(x) * SQRT_HALF;
        if (x != x) return x;
        if (z < 3) {
            double e = erfSeries(z);
            return x >= 0 ? 0.5 * (1 + e) : 0.5 * (1 - e);
        }
        double erfc = erfcFraction(z);
        return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
    }

    /** erf(z) = 2/√π · Σ (−1)ⁿ z^(2n+1) / (n!·(2n + 1)), for 0 ≤ z < 3 (terms shrink past n ≈ z²). */
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

    /** erfc(z) = exp(−z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))), for z ≥ 3, evaluated from 60 levels down. */
    private static double erfcFraction(double z) {
        double f = z;
        for (int k = 60; k >= 1; k--) f = z + (k / 2.0) / f;
        return Math.exp(-z * z) / (Math.sqrt(Math.PI) * f);
    }

    @Override public String name() { return "GeluBackward"; }

    @Override protected String profileName() { return tanh ? "GELU (tanh)" : "GELU"; }
}
