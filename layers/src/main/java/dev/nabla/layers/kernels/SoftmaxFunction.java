package dev.nabla.layers.kernels;

import dev.nabla.api.Blas;
import dev.nabla.api.Function;
import dev.nabla.api.Pool;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * softmax or log-softmax along one dimension as one op, float32 or float64. The input is seen as
 * [outer, S, inner] (S the size of the dimension); each tile of the inner positions holds S rows of contiguous elements
 * on the heap, so that every pass (max, exp and sum, normalise) runs over contiguous inner loops, with no permute:
 * along the last dimension a tile is whole rows. y = exp(x − max) / Σ exp(x − max), or log y = x − max − log Σ
 * exp(x − max) (no overflow). Backward from the saved output: dx = y·(g − Σ g·y), or dx = g − exp(log y)·Σ g.
 *
 * <p>float64 is computed in double. float32 is computed in float, as PyTorch does, with {@link FastMath#exp} (sums in
 * double): along the last dimension a block of whole rows at a time, each row's passes (max, exp and sum, scale) over
 * contiguous elements in L1; along another dimension in the tiles above. softmax along the last dimension on the Vector
 * API path reads and writes the arrays' memory in place (max, exp-and-sum into a row of scratch, scale into the
 * output; backward Σ g·y, then y·(g − Σ)), with the same arithmetic in the same order as on heap copies.
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

        int gather(FloatBuffer a, int o, int i, float[] h) {
            int t0 = i * t, tw = Math.min(t, inner - t0), base = o * s * inner + t0;
            if (tw == inner) a.get(base, h, 0, s * inner);
            else for (int r = 0; r < s; r++) a.get(base + r * inner, h, r * tw, tw);
            return tw;
        }

        void scatter(FloatBuffer a, int o, int i, float[] h, int tw) {
            int base = o * s * inner + i * t;
            if (tw == inner) a.put(base, h, 0, s * inner);
            else for (int r = 0; r < s; r++) a.put(base + r * inner, h, r * tw, tw);
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
        if (x.dataType() == DataType.FLOAT) {
            sweep32(w, x, null, y, false);
            return y;
        }
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
        if (y.dataType() == DataType.FLOAT) {
            sweep32(w, y, g, dx, true);
            return new INDArray[] {dx};
        }
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

    /**
     * The float32 passes: forward (a = x, out = y) or backward (a = y, b = g, out = dx). Along the last dimension in blocks
     * of whole rows, else in tiles [S][tw] of the inner positions.
     */
    private void sweep32(Sweep w, INDArray a, INDArray b, INDArray out, boolean backward) {
        int parts = Blas.parts(a.length(), Planes.MIN_PER_PART);
        int s = w.s();
        if (w.inner() == 1 && !log && Vec.on() && a.length() <= Integer.MAX_VALUE / 4) {
            long rows = w.outer();
            Blas.parallel(parts, part -> {
                ByteBuffer ab = bytes(a), bb = backward ? bytes(b) : null, ob = bytes(out);
                float[] e = backward ? null : Mem.f(2, s);
                for (long r = rows * part / parts, end = rows * (part + 1) / parts; r < end; r++) {
                    if (backward) VectorMath.softmaxGradRow(ab, bb, ob, (int) (r * s), s);
                    else VectorMath.softmaxRow(ab, ob, (int) (r * s), s, e);
                }
            });
            return;
        }
        if (w.inner() == 1) {
            long rows = w.outer();
            int per = Math.max(1, Mem.chunk() / s);
            Blas.parallel(parts, part -> {
                FloatBuffer ab = Mem.floats(a), bb = backward ? Mem.floats(b) : null, ob = Mem.floats(out);
                float[] h = Mem.f(0, per * s), hg = backward ? Mem.f(1, per * s) : null, e = Mem.f(2, per * s), bits = Mem.f(3, per * s);
                for (long r = rows * part / parts, end = rows * (part + 1) / parts; r < end; r += per) {
                    int base = (int) (r * s), len = (int) Math.min(per, end - r) * s;
                    ab.get(base, h, 0, len);
                    if (backward) {
                        bb.get(base, hg, 0, len);
                        for (int from = 0; from < len; from += s) rowBackward32(h, hg, e, bits, from, from + s, log);
                        ob.put(base, hg, 0, len);
                    } else {
                        for (int from = 0; from < len; from += s) rowForward32(h, e, bits, from, from + s, log);
                        ob.put(base, h, 0, len);
                    }
                }
            });
            return;
        }
        long units = (long) w.outer() * w.tiles();
        Blas.parallel(parts, part -> {
            FloatBuffer ab = Mem.floats(a), bb = backward ? Mem.floats(b) : null, ob = Mem.floats(out);
            int n = s * w.t();
            float[] h = Mem.f(0, n), hg = backward ? Mem.f(1, n) : null, e = Mem.f(2, n), bits = Mem.f(3, n);
            float[] m = Mem.f(4, w.t()), sum = Mem.f(5, w.t());
            for (long u = units * part / parts, end = units * (part + 1) / parts; u < end; u++) {
                int o = (int) (u / w.tiles()), i = (int) (u % w.tiles());
                int tw = w.gather(ab, o, i, h);
                if (backward) {
                    w.gather(bb, o, i, hg);
                    backwardTile32(h, hg, e, bits, sum, s, tw, log);
                    w.scatter(ob, o, i, hg, tw);
                } else {
                    forwardTile32(h, e, bits, m, sum, s, tw, log);
                    w.scatter(ob, o, i, h, tw);
                }
            }
        });
    }

    /** A dense float32 array's memory from element 0, native order (the Vector API path reads and writes it in place). */
    private static ByteBuffer bytes(INDArray dense) {
        return new FloatPointer(dense.data().addressPointer()).position(0).limit(dense.length()).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /** h[from, to): one row → its softmax (or log-softmax); e and bits are scratch over the same range. */
    private static void rowForward32(float[] h, float[] e, float[] bits, int from, int to, boolean log) {
        float m = FastMath.max(h, from, to);   // NaN propagates, as PyTorch
        if (log) {
            float ls = (float) Math.log(FastMath.expSum(h, m, e, bits, from, to));
            for (int i = from; i < to; i++) h[i] = (h[i] - m) - ls;
        } else {
            float inv = (float) (1 / FastMath.expSum(h, m, h, bits, from, to));
            for (int i = from; i < to; i++) h[i] *= inv;
        }
    }

    /** g[from, to) → the input gradient of one row, from y (or log y) over the same range. */
    private static void rowBackward32(float[] y, float[] g, float[] e, float[] bits, int from, int to, boolean log) {
        if (log) {
            float sg = (float) FastMath.sum(g, from, to);
            FastMath.exp(y, e, bits, from, to);
            for (int j = from; j < to; j++) g[j] -= e[j] * sg;
        } else {
            float d = (float) FastMath.dot(g, y, from, to);
            for (int j = from; j < to; j++) g[j] = y[j] * (g[j] - d);
        }
    }

    /** h [S][tw] → its softmax (or log-softmax) along S, per column, in float. */
    private static void forwardTile32(float[] h, float[] e, float[] bits, float[] m, float[] sum, int s, int tw, boolean log) {
        java.util.Arrays.fill(m, 0, tw, Float.NEGATIVE_INFINITY);
        for (int r = 0; r < s; r++) {
            for (int t = 0, off = r * tw; t < tw; t++) {
                float v = h[off + t];
                m[t] = v > m[t] || v != v ? v : m[t];
            }
        }
        for (int r = 0; r < s; r++) for (int t = 0, off = r * tw; t < tw; t++) h[off + t] -= m[t];
        float[] ex = log ? e : h;
        FastMath.exp(h, ex, bits, 0, s * tw);
        java.util.Arrays.fill(sum, 0, tw, 0f);
        for (int r = 0; r < s; r++) for (int t = 0, off = r * tw; t < tw; t++) sum[t] += ex[off + t];
        if (log) {
            for (int t = 0; t < tw; t++) sum[t] = (float) Math.log(sum[t]);
            for (int r = 0; r < s; r++) for (int t = 0, off = r * tw; t < tw; t++) h[off + t] -= sum[t];
        } else {
            for (int t = 0; t < tw; t++) sum[t] = 1 / sum[t];
            for (int r = 0; r < s; r++) for (int t = 0, off = r * tw; t < tw; t++) h[off + t] *= sum[t];
        }
    }

    /** g [S][tw] → the input gradient, from y (or log y) [S][tw], in float. */
    private static void backwardTile32(float[] y, float[] g, float[] e, float[] bits, float[] acc, int s, int tw, boolean log) {
        java.util.Arrays.fill(acc, 0, tw, 0f);
        for (int r = 0; r < s; r++) {
            int off = r * tw;
            if (log) for (int t = 0; t < tw; t++) acc[t] += g[off + t];
            else for (int t = 0; t < tw; t++) acc[t] += g[off + t] * y[off + t];
        }
        if (log) FastMath.exp(y, e, bits, 0, s * tw);
        for (int r = 0; r < s; r++) {
            int off = r * tw;
            if (log) for (int t = 0; t < tw; t++) g[off + t] -= e[off + t] * acc[t];
            else for (int t = 0; t < tw; t++) g[off + t] = y[off + t] * (g[off + t] - acc[t]);
        }
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
