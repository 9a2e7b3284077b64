package dev.nabla.layers.kernels;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * The float32 loops of {@link LayerNormFunction}, computed in float over heap copies of the rows (bulk copies from and
 * to the arrays' direct buffers; a row at a time, in chunks of {@link Mem#chunk()} when longer, at index 0 of the
 * scratch: C2 vectorises a loop only where every array has the same index, measured 0.08–0.17 vs 0.5 ms for 2048
 * rows of 256). A sum's terms are made by a vectorised loop into scratch, then added in float over blocks of
 * {@link #BLOCK} elements on eight chains and carried in double across blocks; the row's statistics are shifted by its
 * first element, so that Q/D − (S/D)² does not cancel. The
 * element-wise loops (normalisation, dx, the weight and bias gradients) have no calls and no branches, so that C2
 * vectorises them. The weight and bias gradients add up in float over {@link #FLUSH} rows, then in double. With the
 * Vector API ({@link Vec}) each sum is one pass of float lanes ({@link VectorMath#deviationSums},
 * {@link VectorMath#weighSums}) instead of a loop into scratch and a scalar one; and {@link LayerNormFunction} then takes
 * {@link #forwardInPlace} / {@link #backwardInPlace}, which read and write the arrays' memory in place (no copies; the
 * backward's weight and bias gradients and its two sums in one pass), bit for bit the same results as the heap passes
 * here with the Vector API on.
 */
final class LayerNormF32 {
    private LayerNormF32() {}

    /** Elements summed in float before the sum moves to double. */
    static final int BLOCK = 512;

    /** Rows whose weight and bias gradients add up in float before they move to double. */
    static final int FLUSH = 32;

    /**
     * y = (x − mean)·rstd·w + b for rows [r0, r1) of d elements; mean and rstd per row are stored (in double). w and b
     * are d long (ones and zeros when the op has none).
     */
    static void forward(FloatBuffer xb, FloatBuffer yb, int r0, int r1, int d, double eps, float[] w, float[] b, double[] mean,
                        double[] rstd) {
        int span = Math.min(Mem.chunk(), d);
        boolean resident = span == d;   // the row stays in h between the passes
        float[] h = Mem.f(0, span), ws = resident ? w : Mem.f(1, span), bs = resident ? b : Mem.f(2, span);
        float[] t = Mem.f(3, span), u = Mem.f(4, span);
        double[] acc = new double[2];
        for (int r = r0; r < r1; r++) {
            int base = r * d;
            float k = xb.get(base);
            acc[0] = 0;
            acc[1] = 0;
            for (int o = 0; o < d; o += span) {
                int len = Math.min(span, d - o);
                xb.get(base + o, h, 0, len);
                if (Vec.on()) {
                    VectorMath.deviationSums(h, k, len, acc);
                } else {
                    deviations(h, k, t, u, len);
                    sums(t, u, len, acc);
                }
            }
            double dm = acc[0] / d, m = k + dm, s = 1 / Math.sqrt(Math.max(0, acc[1] / d - dm * dm) + eps);
            mean[r] = m;
            rstd[r] = s;
            for (int o = 0; o < d; o += span) {
                int len = Math.min(span, d - o);
                if (!resident) {
                    xb.get(base + o, h, 0, len);
                    System.arraycopy(w, o, ws, 0, len);
                    System.arraycopy(b, o, bs, 0, len);
                }
                normalize(h, len, (float) m, (float) s, ws, bs);
                yb.put(base + o, h, 0, len);
            }
        }
    }

    /**
     * The backward over rows [r0, r1): dx (into {@code dxb}, when not null) and the weight and bias gradients added into
     * {@code dw}, {@code dbias} (each may be null).
     */
    static void backward(FloatBuffer xb, FloatBuffer gb, FloatBuffer dxb, int r0, int r1, int d, float[] w, double[] mean,
                         double[] rstd, double[] dw, double[] dbias) {
        int span = Math.min(Mem.chunk(), d);
        boolean resident = span == d;   // the row stays in hx, hg between the passes
        float[] hx = Mem.f(0, span), hg = Mem.f(1, span), ws = resident ? w : Mem.f(2, span);
        boolean params = dw != null || dbias != null;
        float[] fw = params ? Mem.f(3, d) : null, fb = params ? Mem.f(4, d) : null;
        float[] tw = params && !resident ? Mem.f(5, span) : fw, tb = params && !resident ? Mem.f(6, span) : fb;
        float[] t = Mem.f(7, span);
        if (params) zero(fw, fb, d);
        double[] ab = new double[2];
        int pending = 0;
        for (int r = r0; r < r1; r++) {
            int base = r * d;
            float m = (float) mean[r], s = (float) rstd[r];
            double a = 0, c = 0;
            for (int o = 0; o < d; o += span) {
                int len = Math.min(span, d - o);
                xb.get(base + o, hx, 0, len);
                gb.get(base + o, hg, 0, len);
                if (!resident) System.arraycopy(w, o, ws, 0, len);
                if (params) {
                    if (!resident) {
                        System.arraycopy(fw, o, tw, 0, len);
                        System.arraycopy(fb, o, tb, 0, len);
                    }
                    paramSums(hx, hg, len, m, s, tw, tb);
                    if (!resident) {
                        System.arraycopy(tw, 0, fw, o, len);
                        System.arraycopy(tb, 0, fb, o, len);
                    }
                }
                if (Vec.on()) {
                    VectorMath.weighSums(hx, hg, ws, m, len, ab);   // hg = g·w; ab = {Σ g·w, Σ g·w·(x − m)}
                } else {
                    weigh(hx, hg, ws, t, m, len);   // hg = g·w, t = g·w·(x − m)
                    ab[0] = 0;
                    ab[1] = 0;
                    sums(hg, t, len, ab);
                }
                a += ab[0];
                c += ab[1];
            }
            if (params && ++pending == FLUSH) {
                flush(fw, fb, d, dw, dbias);
                pending = 0;
            }
            if (dxb == null) continue;
            float ca = (float) (a / d), cb = (float) (c * s / d);
            for (int o = 0; o < d; o += span) {
                int len = Math.min(span, d - o);
                if (resident) {
                    inputGrad(hx, hg, len, m, s, ca, cb);
                } else {
                    xb.get(base + o, hx, 0, len);
                    gb.get(base + o, hg, 0, len);
                    System.arraycopy(w, o, ws, 0, len);
                    inputGrad(hx, hg, len, m, s, ws, ca, cb);
                }
                dxb.put(base + o, hg, 0, len);
            }
        }
        if (params && pending > 0) flush(fw, fb, d, dw, dbias);
    }

    /**
     * {@link #forward} on the Vector API path, reading x and writing y in place in native memory ({@code xb}, {@code yb}
     * from element 0, native order): the statistics pass then the normalisation pass over each row, no heap copies. The
     * same arithmetic in the same order as {@link #forward} with {@link Vec#on()} (the row taken in chunks of
     * {@link Mem#chunk()} as there), so the results are equal bit for bit.
     */
    static void forwardInPlace(ByteBuffer xb, ByteBuffer yb, int r0, int r1, int d, double eps, float[] w, float[] b, double[] mean,
                               double[] rstd) {
        int span = Math.min(Mem.chunk(), d);
        double[] acc = new double[2];
        for (int r = r0; r < r1; r++) {
            int base = r * d;
            float k = xb.getFloat(4 * base);
            acc[0] = 0;
            acc[1] = 0;
            for (int o = 0; o < d; o += span) VectorMath.deviationSums(xb, base + o, k, Math.min(span, d - o), acc);
            double dm = acc[0] / d, m = k + dm, s = 1 / Math.sqrt(Math.max(0, acc[1] / d - dm * dm) + eps);
            mean[r] = m;
            rstd[r] = s;
            VectorMath.normalize(xb, yb, base, d, (float) m, (float) s, w, b, 0);
        }
    }

    /**
     * {@link #backward} on the Vector API path in place in native memory ({@code dxb} may be null): per row one pass for
     * the sums and the weight and bias gradients (two rows at a time, so that the float partial gradients are read and
     * written once for both: measured 0.287 -> 0.241 ms for 2048 rows of 256), one for dx; equal bit for bit to
     * {@link #backward} with {@link Vec#on()}.
     */
    static void backwardInPlace(ByteBuffer xb, ByteBuffer gb, ByteBuffer dxb, int r0, int r1, int d, float[] w, double[] mean,
                                double[] rstd, double[] dw, double[] dbias) {
        int span = Math.min(Mem.chunk(), d);
        boolean params = dw != null || dbias != null;
        float[] fw = params ? Mem.f(3, d) : null, fb = params ? Mem.f(4, d) : null;
        if (params) zero(fw, fb, d);
        double[] ab = new double[4];
        int pending = 0;
        for (int r = r0; r < r1; r++) {
            int base = r * d;
            float m = (float) mean[r], s = (float) rstd[r];
            double a = 0, c = 0;
            if (params && r + 1 < r1 && pending + 2 <= FLUSH) {   // two rows at once: fw, fb read and written once for both
                float m1 = (float) mean[r + 1], s1 = (float) rstd[r + 1];
                double a1 = 0, c1 = 0;
                for (int o = 0; o < d; o += span) {
                    VectorMath.gradSums2(xb, gb, base + o, base + d + o, Math.min(span, d - o), m, s, m1, s1, w, o, fw, fb, ab);
                    a += ab[0];
                    c += ab[1];
                    a1 += ab[2];
                    c1 += ab[3];
                }
                pending += 2;
                if (pending == FLUSH) {
                    flush(fw, fb, d, dw, dbias);
                    pending = 0;
                }
                if (dxb != null) {
                    VectorMath.inputGrad(xb, gb, dxb, base, d, m, s, w, 0, (float) (a / d), (float) (c * s / d));
                    VectorMath.inputGrad(xb, gb, dxb, base + d, d, m1, s1, w, 0, (float) (a1 / d), (float) (c1 * s1 / d));
                }
                r++;
                continue;
            }
            for (int o = 0; o < d; o += span) {
                VectorMath.gradSums(xb, gb, base + o, Math.min(span, d - o), m, s, w, o, fw, fb, ab);
                a += ab[0];
                c += ab[1];
            }
            if (params && ++pending == FLUSH) {
                flush(fw, fb, d, dw, dbias);
                pending = 0;
            }
            if (dxb != null) VectorMath.inputGrad(xb, gb, dxb, base, d, m, s, w, 0, (float) (a / d), (float) (c * s / d));
        }
        if (params && pending > 0) flush(fw, fb, d, dw, dbias);
    }

    // ---------------------------------------------------------------- inner loops

    /** t = h − k, u = (h − k)² over [0, len). */
    private static void deviations(float[] h, float k, float[] t, float[] u, int len) {
        for (int j = 0; j < len; j++) {
            float v = h[j] - k;
            t[j] = v;
            u[j] = v * v;
        }
    }

    /**
     * acc += {Σ t, Σ u} over [0, len): adds only, on eight chains (C2 does not vectorise a float sum, whose order it
     * keeps), in float over blocks of {@link #BLOCK}, in double across.
     */
    static void sums(float[] t, float[] u, int len, double[] acc) {
        double s = acc[0], q = acc[1];
        for (int b0 = 0; b0 < len; b0 += BLOCK) {
            int e = Math.min(len, b0 + BLOCK), i = b0;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
            for (; i + 3 < e; i += 4) {
                s0 += t[i]; s1 += t[i + 1]; s2 += t[i + 2]; s3 += t[i + 3];
                q0 += u[i]; q1 += u[i + 1]; q2 += u[i + 2]; q3 += u[i + 3];
            }
            for (; i < e; i++) {
                s0 += t[i];
                q0 += u[i];
            }
            s += (s0 + s1) + (s2 + s3);
            q += (q0 + q1) + (q2 + q3);
        }
        acc[0] = s;
        acc[1] = q;
    }

    /** g = g·w, t = g·w·(x − m) over [0, len). */
    private static void weigh(float[] x, float[] g, float[] w, float[] t, float m, int len) {
        for (int j = 0; j < len; j++) {
            float gw = g[j] * w[j];
            g[j] = gw;
            t[j] = gw * (x[j] - m);
        }
    }

    /** h = (h − m)·s·w + b over [0, len) (one index for every array, so that C2 vectorises the loop). */
    private static void normalize(float[] h, int len, float m, float s, float[] w, float[] b) {
        for (int j = 0; j < len; j++) h[j] = (h[j] - m) * s * w[j] + b[j];
    }

    /** fw += g·(x − m)·s, fb += g over [0, len). */
    private static void paramSums(float[] x, float[] g, int len, float m, float s, float[] fw, float[] fb) {
        for (int j = 0; j < len; j++) {
            float gj = g[j];
            fw[j] += gj * ((x[j] - m) * s);
            fb[j] += gj;
        }
    }

    /** g = s·(gw − ca − (x − m)·s·cb) over [0, len), g holding gw = g·w: dx in place of it. */
    private static void inputGrad(float[] x, float[] g, int len, float m, float s, float ca, float cb) {
        float scb = s * cb;
        for (int j = 0; j < len; j++) g[j] = s * (g[j] - ca - (x[j] - m) * scb);
    }

    /** g = s·(g·w − ca − (x − m)·s·cb) over [0, len): dx in place of g. */
    private static void inputGrad(float[] x, float[] g, int len, float m, float s, float[] w, float ca, float cb) {
        float scb = s * cb;
        for (int j = 0; j < len; j++) g[j] = s * (g[j] * w[j] - ca - (x[j] - m) * scb);
    }

    private static void zero(float[] fw, float[] fb, int d) {
        for (int j = 0; j < d; j++) {
            fw[j] = 0;
            fb[j] = 0;
        }
    }

    /** dw += fw, dbias += fb (each may be null), and fw, fb zeroed. */
    private static void flush(float[] fw, float[] fb, int d, double[] dw, double[] dbias) {
        if (dw != null) for (int j = 0; j < d; j++) dw[j] += fw[j];
        if (dbias != null) for (int j = 0; j < d; j++) dbias[j] += fb[j];
        zero(fw, fb, d);
    }
}
