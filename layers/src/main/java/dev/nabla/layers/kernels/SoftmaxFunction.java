package dev.nabla.layers.kernels;

import dev.nabla.api.Blas;
import dev.nabla.api.Function;
import dev.nabla.api.Pool;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * softmax or log-softmax along one dimension as one op, float32 or float64, computed in double. The input is seen as
 * [outer, S, inner] (S the size of the dimension); each tile of the inner positions holds S rows of contiguous elements
 * on the heap, so that every pass (max, exp and sum, normalise) runs over contiguous inner loops, with no permute:
 * along the last dimension a tile is whole rows. y = exp(x − max) / Σ exp(x − max), or log y = x − max − log Σ
 * exp(x − max) (no overflow). Backward from the saved output: dx = y·(g − Σ g·y), or dx = g − exp(log y)·Σ g.
 *
 * <p>Internal: public only for {@code dev.nabla.layers}; not part of the public API.
 */
public final class SoftmaxFunction extends Function {
    private final int dim;
    private final boolean log;

    public SoftmaxFunction(int dim, boolean log) {
        this.dim = dim;
        this.log = log;
    }

    /** Whether this op takes this array: float32 or float64, int-indexable, not empty. */
    public static boolean applies(INDArray x) { return Mem.supported(x) && x.length() > 0; }

    /** The sweep over [outer, S, inner] in tiles of {@code t} inner positions. */
    private record Sweep(int outer, int s, int inner, int t, int tiles) {
        static Sweep of(INDArray x, int dim) {
            long inner = 1;
            for (int i = dim + 1; i < x.rank(); i++) inner *= x.size(i);
            int s = x.rank() == 0 ? 1 : (int) x.size(dim);
            int outer = (int) (x.length() / ((long) s * inner));
            int t = (int) Math.min(inner, Math.max(16, Mem.chunk() / s));
            return new Sweep(outer, s, (int) inner, t, (int) ((inner + t - 1) / t));
        }

        /** Copies tile (o, i) of {@code a} into {@code h} as [S][tw]; returns tw. */
        int gather(Mem.Access a, int o, int i, double[] h) {
            int t0 = i * t, tw = Math.min(t, inner - t0), base = o * s * inner + t0;
            if (tw == inner) a.get(base, h, 0, s * inner);
            else for (int r = 0; r < s; r++) a.get(base + r * inner, h, r * tw, tw);
            return tw;
        }

        void scatter(Mem.Access a, int o, int i, double[] h, int tw) {
            int base = o * s * inner + i * t;
            if (tw == inner) a.put(base, h, 0, s * inner);
            else for (int r = 0; r < s; r++) a.put(base + r * inner, h, r * tw, tw);
        }
    }

    @Override protected INDArray forward(INDArray... in) {
        saveOutput();
        INDArray x = Blas.denseC(in[0]);
        INDArray y = Pool.uninitialized(x.dataType(), x.shape());
        Sweep w = Sweep.of(x, dim);
        long units = (long) w.outer() * w.tiles();
        int parts = Blas.parts(x.length(), Planes.MIN_PER_PART);
        Blas.parallel(parts, part -> {
            Mem.Access xa = Mem.access(x), ya = Mem.access(y);
            double[] h = Mem.d(0, w.s() * w.t()), m = Mem.d(1, w.t()), sum = Mem.d(2, w.t());
            for (long u = units * part / parts, end = units * (part + 1) / parts; u < end; u++) {
                int o = (int) (u / w.tiles()), i = (int) (u % w.tiles());
                int tw = w.gather(xa, o, i, h);
                forwardTile(h, w.s(), tw, m, sum, log);
                w.scatter(ya, o, i, h, tw);
            }
        });
        return y;
    }

    @Override protected INDArray[] backward(INDArray gOut) {
        INDArray y = Blas.denseC(output());
        INDArray g = Blas.denseC(gOut.dataType() == y.dataType() ? gOut : gOut.castTo(y.dataType()));
        INDArray dx = Pool.uninitialized(y.dataType(), y.shape());
        Sweep w = Sweep.of(y, dim);
        long units = (long) w.outer() * w.tiles();
        int parts = Blas.parts(y.length(), Planes.MIN_PER_PART);
        Blas.parallel(parts, part -> {
            Mem.Access ya = Mem.access(y), ga = Mem.access(g), da = Mem.access(dx);
            double[] hy = Mem.d(0, w.s() * w.t()), hg = Mem.d(3, w.s() * w.t()), acc = Mem.d(1, w.t());
            for (long u = units * part / parts, end = units * (part + 1) / parts; u < end; u++) {
                int o = (int) (u / w.tiles()), i = (int) (u % w.tiles());
                int tw = w.gather(ya, o, i, hy);
                w.gather(ga, o, i, hg);
                backwardTile(hy, hg, w.s(), tw, acc, log);
                w.scatter(da, o, i, hg, tw);
            }
        });
        return new INDArray[] {dx};
    }

    /** h [S][tw] → its softmax (or log-softmax) along S, per column. */
    private static void forwardTile(double[] h, int s, int tw, double[] m, double[] sum, boolean log) {
        java.util.Arrays.fill(m, 0, tw, Double.NEGATIVE_INFINITY);
        for (int r = 0; r < s; r++) maxInto(h, r * tw, m, tw);
        java.util.Arrays.fill(sum, 0, tw, 0);
        for (int r = 0; r < s; r++) {
            int off = r * tw;
            for (int t = 0; t < tw; t++) {
                double v = h[off + t] - m[t];
                double e = Math.exp(v);
                sum[t] += e;
                h[off + t] = log ? v : e;
            }
        }
        if (log) {
            for (int t = 0; t < tw; t++) sum[t] = Math.log(sum[t]);
            for (int r = 0; r < s; r++) subInto(h, r * tw, sum, tw);
        } else {
            for (int t = 0; t < tw; t++) sum[t] = 1 / sum[t];
            for (int r = 0; r < s; r++) mulInto(h, r * tw, sum, tw);
        }
    }

    /** g [S][tw] → the input gradient, from y (or log y) [S][tw]. */
    private static void backwardTile(double[] y, double[] g, int s, int tw, double[] acc, boolean log) {
        java.util.Arrays.fill(acc, 0, tw, 0);
        for (int r = 0; r < s; r++) {
            int off = r * tw;
            if (log) for (int t = 0; t < tw; t++) acc[t] += g[off + t];
            else for (int t = 0; t < tw; t++) acc[t] += g[off + t] * y[off + t];
        }
        for (int r = 0; r < s; r++) {
            int off = r * tw;
            if (log) for (int t = 0; t < tw; t++) g[off + t] -= Math.exp(y[off + t]) * acc[t];
            else for (int t = 0; t < tw; t++) g[off + t] = y[off + t] * (g[off + t] - acc[t]);
        }
    }

    private static void maxInto(double[] h, int off, double[] m, int tw) {
        for (int t = 0; t < tw; t++) {
            double v = h[off + t];
            m[t] = v > m[t] || v != v ? v : m[t];   // NaN propagates, as PyTorch
        }
    }

    private static void subInto(double[] h, int off, double[] v, int tw) { for (int t = 0; t < tw; t++) h[off + t] -= v[t]; }

    private static void mulInto(double[] h, int off, double[] v, int tw) { for (int t = 0; t < tw; t++) h[off + t] *= v[t]; }

    @Override public String name() { return log ? "LogSoftmaxBackward" : "SoftmaxBackward"; }

    @Override protected String profileName() { return log ? "LogSoftmax" : "Softmax"; }
}
