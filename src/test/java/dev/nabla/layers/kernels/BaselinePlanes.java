package dev.nabla.layers.kernels;

import dev.nabla.api.Blas;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The per-channel passes of batch normalisation over a C-contiguous [N, C, L] array seen as N·C planes of L elements
 * (plane p = n·C + c, channel p mod C), float32 or float64: per-plane sums for the statistics and the gradients, and
 * the per-channel affine maps y = a[c]·x + b[c] (forward) and dx = a[c]·g + b[c]·x + d[c] (backward). Planes are split
 * over the framework's threads; short planes are copied to the heap many at a time, long ones in chunks. Per-plane
 * sums land in per-plane slots, so that the result does not depend on the thread count.
 */
final class BaselinePlanes {
    private BaselinePlanes() {}

    /** Elements per part below which a pass stays on the calling thread. */
    static final long MIN_PER_PART = 1 << 15;

    /**
     * s[p] = Σ (x − k[c]) and q[p] = Σ (x − k[c])² over plane p, in double; shifting by a value of the channel keeps
     * the variance Q/M − (S/M)² free of cancellation.
     */
    static void shiftedSums(INDArray x, int planes, int l, int c, double[] k, double[] s, double[] q) {
        boolean f32 = x.dataType() == DataType.FLOAT;
        int parts = Blas.parts((long) planes * l, MIN_PER_PART);
        Blas.parallel(parts, part -> {
            FloatBuffer xf = f32 ? Mem.floats(x) : null;
            DoubleBuffer xd = f32 ? null : Mem.doubles(x);
            float[] af = f32 ? Mem.f(0, Mem.CHUNK) : null;
            double[] ad = f32 ? null : Mem.d(0, Mem.CHUNK);
            double[] acc = new double[2];
            int p0 = (int) ((long) planes * part / parts), p1 = (int) ((long) planes * (part + 1) / parts);
            forEachBlock(p0, p1, l, (first, count, off, len, base) -> {
                if (f32) xf.get(base, af, 0, count == 0 ? len : count * l);
                else xd.get(base, ad, 0, count == 0 ? len : count * l);
                if (count == 0) {   // a chunk of one long plane
                    acc[0] = 0; acc[1] = 0;
                    if (f32) sums(af, 0, len, k[first % c], acc); else sums(ad, 0, len, k[first % c], acc);
                    s[first] += acc[0]; q[first] += acc[1];
                } else {
                    for (int i = 0; i < count; i++) {
                        int p = first + i;
                        acc[0] = 0; acc[1] = 0;
                        if (f32) sums(af, i * l, l, k[p % c], acc); else sums(ad, i * l, l, k[p % c], acc);
                        s[p] = acc[0]; q[p] = acc[1];
                    }
                }
            });
        });
    }

    /** s[p] = Σ g and t[p] = Σ g·(x − k[c]) over plane p, in double. */
    static void gradSums(INDArray g, INDArray x, int planes, int l, int c, double[] k, double[] s, double[] t) {
        boolean f32 = x.dataType() == DataType.FLOAT;
        int parts = Blas.parts((long) planes * l, MIN_PER_PART);
        Blas.parallel(parts, part -> {
            FloatBuffer xf = f32 ? Mem.floats(x) : null, gf = f32 ? Mem.floats(g) : null;
            DoubleBuffer xd = f32 ? null : Mem.doubles(x), gd = f32 ? null : Mem.doubles(g);
            float[] af = f32 ? Mem.f(0, Mem.CHUNK) : null, bf = f32 ? Mem.f(1, Mem.CHUNK) : null;
            double[] ad = f32 ? null : Mem.d(0, Mem.CHUNK), bd = f32 ? null : Mem.d(1, Mem.CHUNK);
            double[] acc = new double[2];
            int p0 = (int) ((long) planes * part / parts), p1 = (int) ((long) planes * (part + 1) / parts);
            forEachBlock(p0, p1, l, (first, count, off, len, base) -> {
                int n = count == 0 ? len : count * l;
                if (f32) { xf.get(base, af, 0, n); gf.get(base, bf, 0, n); } else { xd.get(base, ad, 0, n); gd.get(base, bd, 0, n); }
                if (count == 0) {
                    acc[0] = 0; acc[1] = 0;
                    if (f32) gradSums(bf, af, 0, len, k[first % c], acc); else gradSums(bd, ad, 0, len, k[first % c], acc);
                    s[first] += acc[0]; t[first] += acc[1];
                } else {
                    for (int i = 0; i < count; i++) {
                        int p = first + i;
                        acc[0] = 0; acc[1] = 0;
                        if (f32) gradSums(bf, af, i * l, l, k[p % c], acc); else gradSums(bd, ad, i * l, l, k[p % c], acc);
                        s[p] = acc[0]; t[p] = acc[1];
                    }
                }
            });
        });
    }

    /**
     * out = a[c]·u + b[c]·v + d[c] per plane (v and b may be null: out = a[c]·u + d[c]); out may be a new array of
     * u's type and shape.
     */
    static void affine(INDArray u, INDArray v, INDArray out, int planes, int l, int c, double[] a, double[] b, double[] d) {
        boolean f32 = u.dataType() == DataType.FLOAT;
        int parts = Blas.parts((long) planes * l, MIN_PER_PART);
        Blas.parallel(parts, part -> {
            FloatBuffer uf = f32 ? Mem.floats(u) : null, vf = f32 && v != null ? Mem.floats(v) : null, of = f32 ? Mem.floats(out) : null;
            DoubleBuffer ud = f32 ? null : Mem.doubles(u), vd = !f32 && v != null ? Mem.doubles(v) : null, od = f32 ? null : Mem.doubles(out);
            float[] af = f32 ? Mem.f(0, Mem.CHUNK) : null, bf = f32 ? Mem.f(1, Mem.CHUNK) : null;
            double[] ad = f32 ? null : Mem.d(0, Mem.CHUNK), bd = f32 ? null : Mem.d(1, Mem.CHUNK);
            int p0 = (int) ((long) planes * part / parts), p1 = (int) ((long) planes * (part + 1) / parts);
            forEachBlock(p0, p1, l, (first, count, off, len, base) -> {
                int n = count == 0 ? len : count * l;
                if (f32) {
                    uf.get(base, af, 0, n);
                    if (vf != null) vf.get(base, bf, 0, n);
                } else {
                    ud.get(base, ad, 0, n);
                    if (vd != null) vd.get(base, bd, 0, n);
                }
                int planesHere = count == 0 ? 1 : count, each = count == 0 ? len : l;
                for (int i = 0; i < planesHere; i++) {
                    int ch = (first + i) % c;
                    if (f32) {
                        if (b == null) map(af, i * each, each, (float) a[ch], (float) d[ch]);
                        else map(af, bf, i * each, each, (float) a[ch], (float) b[ch], (float) d[ch]);
                    } else {
                        if (b == null) map(ad, i * each, each, a[ch], d[ch]);
                        else map(ad, bd, i * each, each, a[ch], b[ch], d[ch]);
                    }
                }
                if (f32) of.put(base, af, 0, n); else od.put(base, ad, 0, n);
            });
        });
    }

    /** A block of planes [first, first + count) of l elements each, or (count 0) a chunk [off, off + len) of plane first. */
    @FunctionalInterface
    interface Block {
        void run(int first, int count, int off, int len, int base);
    }

    /** Visits planes [p0, p1) as blocks of whole planes of at most {@link Mem#chunk()} elements, or long planes in chunks. */
    static void forEachBlock(int p0, int p1, int l, Block body) {
        int chunk = Mem.chunk();
        if (l <= chunk) {
            int per = chunk / l;
            for (int p = p0; p < p1; p += per) {
                int count = Math.min(per, p1 - p);
                body.run(p, count, 0, count * l, p * l);
            }
        } else {
            for (int p = p0; p < p1; p++) {
                for (int off = 0; off < l; off += chunk) body.run(p, 0, off, Math.min(chunk, l - off), p * l + off);
            }
        }
    }

    // ---------------------------------------------------------------- inner loops (separate methods: C2 compiles each whole)

    private static void sums(float[] a, int off, int len, double k, double[] acc) {
        double s0 = 0, s1 = 0, q0 = 0, q1 = 0;
        float kf = (float) k;
        int i = off, end = off + len;
        for (; i + 1 < end; i += 2) {
            double v0 = a[i] - kf, v1 = a[i + 1] - kf;
            s0 += v0; s1 += v1; q0 += v0 * v0; q1 += v1 * v1;
        }
        if (i < end) { double v = a[i] - kf; s0 += v; q0 += v * v; }
        acc[0] = s0 + s1; acc[1] = q0 + q1;
    }

    private static void sums(double[] a, int off, int len, double k, double[] acc) {
        double s0 = 0, s1 = 0, q0 = 0, q1 = 0;
        int i = off, end = off + len;
        for (; i + 1 < end; i += 2) {
            double v0 = a[i] - k, v1 = a[i + 1] - k;
            s0 += v0; s1 += v1; q0 += v0 * v0; q1 += v1 * v1;
        }
        if (i < end) { double v = a[i] - k; s0 += v; q0 += v * v; }
        acc[0] = s0 + s1; acc[1] = q0 + q1;
    }

    private static void gradSums(float[] g, float[] x, int off, int len, double k, double[] acc) {
        double s0 = 0, s1 = 0, t0 = 0, t1 = 0;
        float kf = (float) k;
        int i = off, end = off + len;
        for (; i + 1 < end; i += 2) {
            double g0 = g[i], g1 = g[i + 1];
            s0 += g0; s1 += g1; t0 += g0 * (x[i] - kf); t1 += g1 * (x[i + 1] - kf);
        }
        if (i < end) { s0 += g[i]; t0 += (double) g[i] * (x[i] - kf); }
        acc[0] = s0 + s1; acc[1] = t0 + t1;
    }

    private static void gradSums(double[] g, double[] x, int off, int len, double k, double[] acc) {
        double s0 = 0, s1 = 0, t0 = 0, t1 = 0;
        int i = off, end = off + len;
        for (; i + 1 < end; i += 2) {
            s0 += g[i]; s1 += g[i + 1]; t0 += g[i] * (x[i] - k); t1 += g[i + 1] * (x[i + 1] - k);
        }
        if (i < end) { s0 += g[i]; t0 += g[i] * (x[i] - k); }
        acc[0] = s0 + s1; acc[1] = t0 + t1;
    }

    private static void map(float[] u, int off, int len, float a, float d) {
        for (int i = off, end = off + len; i < end; i++) u[i] = u[i] * a + d;
    }

    private static void map(float[] u, float[] v, int off, int len, float a, float b, float d) {
        for (int i = off, end = off + len; i < end; i++) u[i] = u[i] * a + v[i] * b + d;
    }

    private static void map(double[] u, int off, int len, double a, double d) {
        for (int i = off, end = off + len; i < end; i++) u[i] = u[i] * a + d;
    }

    private static void map(double[] u, double[] v, int off, int len, double a, double b, double d) {
        for (int i = off, end = off + len; i < end; i++) u[i] = u[i] * a + v[i] * b + d;
    }
}
