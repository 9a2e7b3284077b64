package dev.nabla.layers.kernels;

import java.nio.FloatBuffer;

/**
 * The float32 loops of {@link LayerNormFunction}, computed in float over heap copies of the rows (bulk copies from and
 * to the arrays' direct buffers; a block of whole rows at a time when a row fits in {@link Mem#chunk()}, else a row in
 * chunks). Sums run in float over blocks of {@link #BLOCK} elements with four accumulators and are carried in double
 * across blocks; the row's statistics are shifted by its first element, so that Q/D − (S/D)² does not cancel. The
 * element-wise loops (normalisation, dx, the weight and bias gradients) have no calls and no branches, so that C2
 * vectorises them. The weight and bias gradients add up in float over {@link #FLUSH} rows, then in double.
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
        int chunk = Mem.chunk();
        float[] h = Mem.f(0, chunk);
        double[] acc = new double[2];
        if (d <= chunk) {
            int per = chunk / d;
            for (int r = r0; r < r1; r += per) {
                int count = Math.min(per, r1 - r), len = count * d;
                xb.get(r * d, h, 0, len);
                for (int i = 0; i < count; i++) {
                    int off = i * d;
                    float k = h[off];
                    acc[0] = 0;
                    acc[1] = 0;
                    moments(h, off, d, k, acc);
                    double dm = acc[0] / d, m = k + dm, s = 1 / Math.sqrt(Math.max(0, acc[1] / d - dm * dm) + eps);
                    mean[r + i] = m;
                    rstd[r + i] = s;
                    normalize(h, off, d, (float) m, (float) s, w, b, 0);
                }
                yb.put(r * d, h, 0, len);
            }
            return;
        }
        for (int r = r0; r < r1; r++) {
            int base = r * d;
            float k = xb.get(base);
            acc[0] = 0;
            acc[1] = 0;
            for (int off = 0; off < d; off += chunk) {
                int len = Math.min(chunk, d - off);
                xb.get(base + off, h, 0, len);
                moments(h, 0, len, k, acc);
            }
            double dm = acc[0] / d, m = k + dm, s = 1 / Math.sqrt(Math.max(0, acc[1] / d - dm * dm) + eps);
            mean[r] = m;
            rstd[r] = s;
            for (int off = 0; off < d; off += chunk) {
                int len = Math.min(chunk, d - off);
                xb.get(base + off, h, 0, len);
                normalize(h, 0, len, (float) m, (float) s, w, b, off);
                yb.put(base + off, h, 0, len);
            }
        }
    }

    /**
     * The backward over rows [r0, r1): dx (into {@code db}, when not null) and the weight and bias gradients added into
     * {@code dw}, {@code dbias} (each may be null).
     */
    static void backward(FloatBuffer xb, FloatBuffer gb, FloatBuffer dxb, int r0, int r1, int d, float[] w, double[] mean,
                         double[] rstd, double[] dw, double[] dbias) {
        int chunk = Mem.chunk();
        boolean resident = d <= chunk;   // a block of whole rows stays in hx, hg between the passes
        int span = resident ? chunk : Math.min(chunk, d);
        float[] hx = Mem.f(0, span), hg = Mem.f(1, span);
        boolean params = dw != null || dbias != null;
        float[] fw = params ? Mem.f(2, d) : null, fb = params ? Mem.f(3, d) : null;
        if (params) zero(fw, fb, d);
        double[] ab = new double[2];
        int per = resident ? chunk / d : 1, pending = 0;
        for (int r = r0; r < r1; r += per) {
            int count = Math.min(per, r1 - r);
            if (resident) {
                xb.get(r * d, hx, 0, count * d);
                gb.get(r * d, hg, 0, count * d);
            }
            for (int i = 0; i < count; i++) {
                int row = r + i, base = row * d, off = resident ? i * d : 0;
                float m = (float) mean[row], s = (float) rstd[row];
                double a = 0, c = 0;
                for (int o = 0; o < d; o += span) {
                    int len = Math.min(span, d - o);
                    if (!resident) {
                        xb.get(base + o, hx, 0, len);
                        gb.get(base + o, hg, 0, len);
                    }
                    rowSums(hx, hg, off, len, m, w, o, ab);
                    a += ab[0];
                    c += ab[1];
                    if (params) paramSums(hx, hg, off, len, m, s, fw, fb, o);
                }
                if (dxb == null) continue;
                float ca = (float) (a / d), cb = (float) (c * s / d);
                for (int o = 0; o < d; o += span) {
                    int len = Math.min(span, d - o);
                    if (!resident) {
                        xb.get(base + o, hx, 0, len);
                        gb.get(base + o, hg, 0, len);
                    }
                    inputGrad(hx, hg, off, len, m, s, w, o, ca, cb);
                    if (!resident) dxb.put(base + o, hg, 0, len);
                }
            }
            if (resident && dxb != null) dxb.put(r * d, hg, 0, count * d);
            pending += count;
            if (params && pending >= FLUSH) {
                flush(fw, fb, d, dw, dbias);
                pending = 0;
            }
        }
        if (params && pending > 0) flush(fw, fb, d, dw, dbias);
    }

    // ---------------------------------------------------------------- inner loops

    /** acc += {Σ (h − k), Σ (h − k)²} over h[off, off + len). */
    static void moments(float[] h, int off, int len, float k, double[] acc) {
        double s = acc[0], q = acc[1];
        for (int b0 = off, end = off + len; b0 < end; b0 += BLOCK) {
            int e = Math.min(end, b0 + BLOCK), i = b0;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
            for (; i + 3 < e; i += 4) {
                float v0 = h[i] - k, v1 = h[i + 1] - k, v2 = h[i + 2] - k, v3 = h[i + 3] - k;
                s0 += v0; s1 += v1; s2 += v2; s3 += v3;
                q0 = Math.fma(v0, v0, q0); q1 = Math.fma(v1, v1, q1); q2 = Math.fma(v2, v2, q2); q3 = Math.fma(v3, v3, q3);
            }
            for (; i < e; i++) {
                float v = h[i] - k;
                s0 += v;
                q0 = Math.fma(v, v, q0);
            }
            s += (s0 + s1) + (s2 + s3);
            q += (q0 + q1) + (q2 + q3);
        }
        acc[0] = s;
        acc[1] = q;
    }

    /** h[off + j] = (h − m)·s·w[wOff + j] + b[wOff + j]. */
    private static void normalize(float[] h, int off, int len, float m, float s, float[] w, float[] b, int wOff) {
        for (int j = 0; j < len; j++) h[off + j] = (h[off + j] - m) * s * w[wOff + j] + b[wOff + j];
    }

    /** ab = {Σ g·w, Σ g·w·(x − m)} over x, g [off, off + len), w from wOff; in float per block, in double across. */
    private static void rowSums(float[] x, float[] g, int off, int len, float m, float[] w, int wOff, double[] ab) {
        double a = 0, c = 0;
        for (int b0 = 0; b0 < len; b0 += BLOCK) {
            int e = Math.min(len, b0 + BLOCK), j = b0;
            float a0 = 0, a1 = 0, a2 = 0, a3 = 0, c0 = 0, c1 = 0, c2 = 0, c3 = 0;
            for (; j + 3 < e; j += 4) {
                float g0 = g[off + j] * w[wOff + j], g1 = g[off + j + 1] * w[wOff + j + 1];
                float g2 = g[off + j + 2] * w[wOff + j + 2], g3 = g[off + j + 3] * w[wOff + j + 3];
                a0 += g0; a1 += g1; a2 += g2; a3 += g3;
                c0 = Math.fma(g0, x[off + j] - m, c0); c1 = Math.fma(g1, x[off + j + 1] - m, c1);
                c2 = Math.fma(g2, x[off + j + 2] - m, c2); c3 = Math.fma(g3, x[off + j + 3] - m, c3);
            }
            for (; j < e; j++) {
                float g0 = g[off + j] * w[wOff + j];
                a0 += g0;
                c0 = Math.fma(g0, x[off + j] - m, c0);
            }
            a += (a0 + a1) + (a2 + a3);
            c += (c0 + c1) + (c2 + c3);
        }
        ab[0] = a;
        ab[1] = c;
    }

    /** fw[wOff + j] += g·(x − m)·s, fb[wOff + j] += g. */
    private static void paramSums(float[] x, float[] g, int off, int len, float m, float s, float[] fw, float[] fb, int wOff) {
        for (int j = 0; j < len; j++) {
            float gj = g[off + j];
            fw[wOff + j] += gj * ((x[off + j] - m) * s);
            fb[wOff + j] += gj;
        }
    }

    /** g[off + j] = s·(g·w − ca − (x − m)·s·cb): dx in place of g. */
    private static void inputGrad(float[] x, float[] g, int off, int len, float m, float s, float[] w, int wOff, float ca, float cb) {
        float scb = s * cb;
        for (int j = 0; j < len; j++) g[off + j] = s * (g[off + j] * w[wOff + j] - ca - (x[off + j] - m) * scb);
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
