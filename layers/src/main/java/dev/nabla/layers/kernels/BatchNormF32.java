package dev.nabla.layers.kernels;

import dev.nabla.api.Blas;
import java.nio.FloatBuffer;

/**
 * The float32 passes of {@link BatchNormFunction} over a C-contiguous [N, C, L] array, computed in float: a block of
 * whole samples ({@code S = max(1, chunk / (C·L))} of them, so that a block is one bulk copy to the heap) is one
 * element-wise loop against per-channel values tiled to the block's layout ([S, C, L], built once per call), so that
 * every array in the loop has the same index and C2 vectorises it. The per-channel sums collect in lanes of that
 * layout (float, over {@link #FLUSH} blocks at most), then fold into double per channel. Samples split over the threads.
 * Taken when a sample of C·L elements is at most {@link #limit()}; else {@link Planes} runs.
 */
final class BatchNormF32 {
    private BatchNormF32() {}

    /** Blocks whose sums collect in float lanes before they fold into double. */
    static final int FLUSH = 32;

    /** The largest sample (C·L elements) this kernel takes: 16 chunks (32 K floats by default). */
    static int limit() { return 16 * Mem.chunk(); }

    /** Whether this kernel takes [N, C, L]. */
    static boolean applies(int c, int l) { return (long) c * l <= limit(); }

    /** The layout of the blocks: p = C·L elements per sample, s samples per block. */
    record Blocks(int n, int c, int l, int p, int s) {
        static Blocks of(int n, int c, int l) {
            int p = c * l;
            return new Blocks(n, c, l, p, Math.max(1, Math.min(n, Mem.chunk() / p)));
        }

        int length() { return s * p; }

        /** v[c] repeated over each channel's l elements, for s samples. */
        float[] tile(double[] v) {
            float[] t = new float[length()];
            for (int i = 0, k = 0; i < s; i++) {
                for (int ch = 0; ch < c; ch++) {
                    float x = (float) v[ch];
                    for (int j = 0; j < l; j++) t[k++] = x;
                }
            }
            return t;
        }

        /** out[c] += the lanes of channel c (on four chains), and the lanes zeroed. */
        void fold(float[] lanes, double[] out) {
            for (int i = 0, k = 0; i < s; i++) {
                for (int ch = 0; ch < c; ch++, k += l) {
                    double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                    int j = k, end = k + l;
                    for (; j + 3 < end; j += 4) {
                        a0 += lanes[j]; a1 += lanes[j + 1]; a2 += lanes[j + 2]; a3 += lanes[j + 3];
                    }
                    for (; j < end; j++) a0 += lanes[j];
                    out[ch] += (a0 + a1) + (a2 + a3);
                }
            }
            java.util.Arrays.fill(lanes, 0, length(), 0f);
        }
    }

    /** The body of a pass over blocks [first, first + count) samples; {@code len} = count·p elements from {@code at}. */
    @FunctionalInterface
    private interface Body {
        void run(int at, int len);
    }

    /** Splits the samples over the threads; each part visits its blocks in order, then {@code end} runs once in it. */
    private static void forEachBlock(Blocks b, java.util.function.IntFunction<Body> start, java.util.function.IntConsumer end) {
        int parts = Math.min(Blas.parts((long) b.n() * b.p(), Planes.MIN_PER_PART), b.n());
        Blas.parallel(parts, part -> {
            Body body = start.apply(part);
            int n0 = (int) ((long) b.n() * part / parts), n1 = (int) ((long) b.n() * (part + 1) / parts);
            for (int i = n0; i < n1; i += b.s()) body.run(i * b.p(), Math.min(b.s(), n1 - i) * b.p());
            end.accept(part);
        });
    }

    private static int parts(Blocks b) { return Math.min(Blas.parts((long) b.n() * b.p(), Planes.MIN_PER_PART), b.n()); }

    /** s[c] = Σ (x − k[c]), q[c] = Σ (x − k[c])², in double. */
    static void shiftedSums(FloatBuffer xb, Blocks b, double[] k, double[] s, double[] q) {
        float[] kt = b.tile(k);
        int parts = parts(b);
        double[][] ps = new double[parts][], pq = new double[parts][];
        forEachBlock(b, part -> {
            float[] h = Mem.f(0, b.length()), fs = Mem.f(1, b.length()), fq = Mem.f(2, b.length());
            java.util.Arrays.fill(fs, 0, b.length(), 0f);
            java.util.Arrays.fill(fq, 0, b.length(), 0f);
            double[] ds = ps[part] = new double[b.c()], dq = pq[part] = new double[b.c()];
            int[] pending = {0};
            return (at, len) -> {
                xb.get(at, h, 0, len);
                sums(h, kt, fs, fq, len);
                if (++pending[0] == FLUSH) {
                    b.fold(fs, ds);
                    b.fold(fq, dq);
                    pending[0] = 0;
                }
            };
        }, part -> {
            b.fold(Mem.f(1, b.length()), ps[part]);
            b.fold(Mem.f(2, b.length()), pq[part]);
        });
        for (double[] p : ps) for (int ch = 0; ch < b.c(); ch++) s[ch] += p[ch];
        for (double[] p : pq) for (int ch = 0; ch < b.c(); ch++) q[ch] += p[ch];
    }

    /** s[c] = Σ g, t[c] = Σ g·(x − k[c]), in double. */
    static void gradSums(FloatBuffer gb, FloatBuffer xb, Blocks b, double[] k, double[] s, double[] t) {
        float[] kt = b.tile(k);
        int parts = parts(b);
        double[][] ps = new double[parts][], pt = new double[parts][];
        forEachBlock(b, part -> {
            float[] hx = Mem.f(0, b.length()), hg = Mem.f(3, b.length()), fs = Mem.f(1, b.length()), ft = Mem.f(2, b.length());
            java.util.Arrays.fill(fs, 0, b.length(), 0f);
            java.util.Arrays.fill(ft, 0, b.length(), 0f);
            double[] ds = ps[part] = new double[b.c()], dt = pt[part] = new double[b.c()];
            int[] pending = {0};
            return (at, len) -> {
                xb.get(at, hx, 0, len);
                gb.get(at, hg, 0, len);
                gradSums(hg, hx, kt, fs, ft, len);
                if (++pending[0] == FLUSH) {
                    b.fold(fs, ds);
                    b.fold(ft, dt);
                    pending[0] = 0;
                }
            };
        }, part -> {
            b.fold(Mem.f(1, b.length()), ps[part]);
            b.fold(Mem.f(2, b.length()), pt[part]);
        });
        for (double[] p : ps) for (int ch = 0; ch < b.c(); ch++) s[ch] += p[ch];
        for (double[] p : pt) for (int ch = 0; ch < b.c(); ch++) t[ch] += p[ch];
    }

    /** out = a[c]·u + bv[c]·v + d[c] (v and bv may be null: out = a[c]·u + d[c]). */
    static void affine(FloatBuffer ub, FloatBuffer vb, FloatBuffer ob, Blocks b, double[] a, double[] bv, double[] d) {
        float[] at = b.tile(a), bt = bv == null ? null : b.tile(bv), dt = b.tile(d);
        forEachBlock(b, part -> {
            float[] hu = Mem.f(0, b.length()), hv = vb == null ? null : Mem.f(3, b.length());
            return (at0, len) -> {
                ub.get(at0, hu, 0, len);
                if (hv == null) {
                    map(hu, at, dt, len);
                } else {
                    vb.get(at0, hv, 0, len);
                    map(hu, hv, at, bt, dt, len);
                }
                ob.put(at0, hu, 0, len);
            };
        }, part -> {});
    }

    // ---------------------------------------------------------------- inner loops: one index for every array

    private static void sums(float[] h, float[] k, float[] s, float[] q, int len) {
        for (int i = 0; i < len; i++) {
            float v = h[i] - k[i];
            s[i] += v;
            q[i] += v * v;
        }
    }

    private static void gradSums(float[] g, float[] x, float[] k, float[] s, float[] t, int len) {
        for (int i = 0; i < len; i++) {
            float gi = g[i];
            s[i] += gi;
            t[i] += gi * (x[i] - k[i]);
        }
    }

    private static void map(float[] u, float[] a, float[] d, int len) {
        for (int i = 0; i < len; i++) u[i] = u[i] * a[i] + d[i];
    }

    private static void map(float[] u, float[] v, float[] a, float[] b, float[] d, int len) {
        for (int i = 0; i < len; i++) u[i] = u[i] * a[i] + v[i] * b[i] + d[i];
    }
}
