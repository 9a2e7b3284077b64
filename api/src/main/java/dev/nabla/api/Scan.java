package dev.nabla.api;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The kernel under {@code cumsum} and {@code cumprod}: a running sum or product along one dimension of a C-ordered
 * array, read as [outer, n, inner] (n the scanned size, inner the stride between its elements), so that no dimension
 * is moved first. Where inner is 1 each line is contiguous and scanned on its own; otherwise a block of up to
 * {@link #BLOCK} neighbouring lines advances together one row of the block at a time, each row one bulk read and one
 * bulk write, its loop over a heap array C2 vectorises. float32 and float64 accumulate in double, as PyTorch's CPU
 * kernel ({@code acc_type}); int64 in long (wrapping on overflow, as PyTorch). Large inputs are split over
 * {@link Blas#parallel} by lines and blocks.
 *
 * <pre>{@code
 * INDArray y = Scan.scan(x, dim, false, false);   // cumsum along dim; (…, true, false) is cumprod
 * }</pre>
 */
final class Scan {
    private Scan() {}

    /** Neighbouring lines scanned together when the scanned dimension is not the last (and a contiguous line's chunk). */
    static final int BLOCK = 1024;
    /** The fewest elements a thread's part gets: below this the split costs more than it saves. */
    static final long MIN_PER_PART = 1 << 15;

    private static volatile int block = BLOCK;
    private static volatile long minPerPart = MIN_PER_PART;

    /**
     * For tests: a smaller block and part size, so that small inputs take the paths of several blocks, chunks and
     * threads; {@code tuneForTests(BLOCK, MIN_PER_PART)} restores the defaults.
     */
    static void tuneForTests(int blockElements, long minElementsPerPart) {
        block = blockElements;
        minPerPart = minElementsPerPart;
    }

    /**
     * The running sum (or product) of {@code x} along {@code dim} (backwards from the end when {@code reverse}), a new
     * C-ordered array of x's type; x is float32, float64 or int64 (the caller casts), any layout.
     */
    static INDArray scan(INDArray x, int dim, boolean prod, boolean reverse) {
        INDArray in = dense(x);
        INDArray out = Pool.uninitialized(in.dataType(), in.shape());
        if (in.length() == 0) return out;
        Geometry g = Geometry.of(in.shape(), dim);
        Blas.parallel(g.parts(), p -> {
            long[] range = g.range(p);
            if (in.dataType() == DataType.LONG) scanLongs(longs(in), longs(out), g, range, prod, reverse);
            else scanDoubles(Lane.of(in), Lane.of(out), g, range, prod, reverse);
        });
        if (in != x) in.close();   // the dense copy of a strided input
        return out;
    }

    /**
     * The gradient of cumprod: for each line with its first zero at z (n when none), gᵢₙ[k] = Σ_{j≥k} g[j]·out[j] / x[k]
     * for k &lt; z, Σ_{j≥z} g[j]·Π_{i≤j, i≠z} x[i] at z, and 0 after z (as PyTorch's cumprod_backward: no division by
     * zero). x and g float32 or float64 of one shape; the products are recomputed from x in double.
     */
    static INDArray cumprodBackward(INDArray x, INDArray grad, int dim) {
        INDArray cast = grad.dataType() == x.dataType() ? grad : grad.castTo(x.dataType());
        INDArray in = dense(x), g = dense(cast);
        INDArray out = Pool.uninitialized(in.dataType(), in.shape());
        if (in.length() == 0) return out;
        Geometry geo = Geometry.of(in.shape(), dim);
        int n = (int) geo.n;
        // lanes of neighbouring lines read together: each row of a lane block is one bulk read, the block a few
        // hundred kB of scratch (the whole [n, inner] slab, one read, when it fits)
        int w = (int) Math.max(1, Math.min(geo.inner, 32L * geo.blk / Math.max(n, 1)));
        long blocks = (geo.inner + w - 1) / w, units = geo.outer * blocks;
        int parts = (int) Math.max(1, Math.min(units, Blas.parts(in.length(), minPerPart)));
        Blas.parallel(parts, p -> {
            Lane xs = Lane.of(in), gs = Lane.of(g), r = Lane.of(out);
            double[] xv = new double[n * w], gv = new double[n * w], rv = new double[n * w], ov = new double[n * w];
            double[] run = new double[w], after = new double[w], sum = new double[w];
            int[] zero = new int[w];
            for (long unit = units * p / parts, end = units * (p + 1) / parts; unit < end; unit++) {
                long o = unit / blocks, i0 = (unit % blocks) * w;
                int lanes = (int) Math.min(w, geo.inner - i0);
                long base = o * geo.n * geo.inner + i0;
                rows(xs, base, geo.inner, n, lanes, xv, false);
                rows(gs, base, geo.inner, n, lanes, gv, false);
                cumprodBackwardRows(xv, gv, rv, ov, run, after, sum, zero, lanes, n);
                rows(r, base, geo.inner, n, lanes, rv, true);
            }
        });
        for (INDArray t : new INDArray[] {in == x ? null : in, g == grad ? null : g, cast == grad || cast == g ? null : cast}) {
            if (t != null) t.close();   // dense copies and casts made here
        }
        return out;
    }

    /** Reads (or writes) rows 0 … n − 1 of {@code lanes} elements from {@code base}, row k at base + k·inner, as [n][lanes]. */
    private static void rows(Lane a, long base, long inner, int n, int lanes, double[] v, boolean write) {
        if (lanes == inner) {                  // the rows are adjacent: one block
            if (write) a.put(base, v, n * lanes);
            else a.get(base, v, n * lanes);
            return;
        }
        for (int k = 0; k < n; k++) {
            if (write) a.put(base + k * inner, v, k * lanes, lanes);
            else a.get(base + k * inner, v, k * lanes, lanes);
        }
    }

    /**
     * cumprod's gradient for {@code lanes} lines at once, stored as rows [n][lanes] (row-wise, so that the loops run
     * along memory: lane-wise walks with a power-of-two stride thrashed the cache). Per lane: the running product
     * before the first zero (kept in out), the zero's index, and after it the products that skip the zero and their
     * g-weighted sum, which is the zero's gradient.
     */
    private static void cumprodBackwardRows(double[] x, double[] g, double[] r, double[] out, double[] run, double[] after,
                                            double[] sum, int[] zero, int lanes, int n) {
        java.util.Arrays.fill(run, 0, lanes, 1);
        java.util.Arrays.fill(zero, 0, lanes, n);
        for (int k = 0; k < n; k++) {
            int o = k * lanes;
            for (int l = 0; l < lanes; l++) {
                double v = x[o + l];
                if (zero[l] == n) {
                    if (v != 0) {
                        out[o + l] = run[l] *= v;
                    } else {                                   // the first zero: Π_{i<z} x[i] starts the skipping product
                        zero[l] = k;
                        after[l] = run[l];
                        sum[l] = g[o + l] * run[l];
                    }
                } else {
                    sum[l] += g[o + l] * (after[l] *= v);
                }
            }
        }
        java.util.Arrays.fill(run, 0, lanes, 0);           // now Σ_{k≤j<z} g[j]·out[j], built backwards
        for (int k = n - 1; k >= 0; k--) {
            int o = k * lanes;
            for (int l = 0; l < lanes; l++) {
                int z = zero[l];
                if (k < z) {
                    run[l] += g[o + l] * out[o + l];
                    r[o + l] = run[l] / x[o + l];
                } else {
                    r[o + l] = k == z ? sum[l] : 0;
                }
            }
        }
    }

    private static void scanDoubles(Lane in, Lane out, Geometry g, long[] range, boolean prod, boolean reverse) {
        double init = prod ? 1 : 0;
        if (g.inner == 1) {                    // contiguous lines
            int n = (int) g.n, c = Math.min(n, g.blk);
            double[] v = new double[c];
            for (long line = range[0]; line < range[1]; line++) {
                double acc = init;
                long base = line * g.n;
                for (int done = 0; done < n; done += c) {
                    int len = Math.min(c, n - done);
                    long from = reverse ? base + n - done - len : base + done;
                    in.get(from, v, len);
                    if (reverse) for (int i = len - 1; i >= 0; i--) v[i] = acc = prod ? acc * v[i] : acc + v[i];
                    else for (int i = 0; i < len; i++) v[i] = acc = prod ? acc * v[i] : acc + v[i];
                    out.put(from, v, len);
                }
            }
            return;
        }
        double[] acc = new double[g.blk], v = new double[g.blk];
        for (long unit = range[0]; unit < range[1]; unit++) {
            long o = unit / g.blocks, i0 = (unit % g.blocks) * g.blk;
            int w = (int) Math.min(g.blk, g.inner - i0);
            java.util.Arrays.fill(acc, 0, w, init);
            for (long step = 0; step < g.n; step++) {
                long k = reverse ? g.n - 1 - step : step;
                long from = (o * g.n + k) * g.inner + i0;
                in.get(from, v, w);
                if (prod) for (int i = 0; i < w; i++) v[i] = acc[i] *= v[i];
                else for (int i = 0; i < w; i++) v[i] = acc[i] += v[i];
                out.put(from, v, w);
            }
        }
    }

    private static void scanLongs(LongBuffer in, LongBuffer out, Geometry g, long[] range, boolean prod, boolean reverse) {
        long init = prod ? 1 : 0;
        if (g.inner == 1) {
            int n = (int) g.n, c = Math.min(n, g.blk);
            long[] v = new long[c];
            for (long line = range[0]; line < range[1]; line++) {
                long acc = init;
                int base = (int) (line * g.n);
                for (int done = 0; done < n; done += c) {
                    int len = Math.min(c, n - done);
                    int from = reverse ? base + n - done - len : base + done;
                    in.get(from, v, 0, len);
                    if (reverse) for (int i = len - 1; i >= 0; i--) v[i] = acc = prod ? acc * v[i] : acc + v[i];
                    else for (int i = 0; i < len; i++) v[i] = acc = prod ? acc * v[i] : acc + v[i];
                    out.put(from, v, 0, len);
                }
            }
            return;
        }
        long[] acc = new long[g.blk], v = new long[g.blk];
        for (long unit = range[0]; unit < range[1]; unit++) {
            long o = unit / g.blocks, i0 = (unit % g.blocks) * g.blk;
            int w = (int) Math.min(g.blk, g.inner - i0);
            java.util.Arrays.fill(acc, 0, w, init);
            for (long step = 0; step < g.n; step++) {
                long k = reverse ? g.n - 1 - step : step;
                int from = (int) ((o * g.n + k) * g.inner + i0);
                in.get(from, v, 0, w);
                if (prod) for (int i = 0; i < w; i++) v[i] = acc[i] *= v[i];
                else for (int i = 0; i < w; i++) v[i] = acc[i] += v[i];
                out.put(from, v, 0, w);
            }
        }
    }

    /** [outer, n, inner] of a shape around {@code dim}, and the units (lines, or blocks of lines) the parts share. */
    private record Geometry(long outer, long n, long inner, int blk, long blocks, long units, long length, int parts) {
        static Geometry of(long[] shape, int dim) {
            int blk = block;
            long outer = 1, inner = 1;
            for (int i = 0; i < dim; i++) outer *= shape[i];
            for (int i = dim + 1; i < shape.length; i++) inner *= shape[i];
            long n = shape.length == 0 ? 1 : shape[dim];
            long blocks = inner == 1 ? 1 : (inner + blk - 1) / blk;
            long units = inner == 1 ? outer : outer * blocks, length = outer * n * inner;
            int parts = (int) Math.max(1, Math.min(units, Blas.parts(length, minPerPart)));
            return new Geometry(outer, n, inner, blk, blocks, units, length, parts);
        }

        long[] range(int p) { return new long[] {units * p / parts, units * (p + 1) / parts}; }
    }

    private static INDArray dense(INDArray x) {
        if (x.length() >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cumsum/cumprod: tensors of 2^31 elements or more are not supported, got shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        return Blas.dense(x) ? x : x.dup('c');
    }

    private static LongBuffer longs(INDArray a) {
        LongPointer p = new LongPointer(a.data().addressPointer()).position(0).limit(a.length());
        return p.asByteBuffer().order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    /** Reads and writes of a dense float32 or float64 array through double[] (float32 widened in, rounded out). */
    private abstract static class Lane {
        abstract void get(long from, double[] dst, int off, int len);

        abstract void put(long from, double[] src, int off, int len);

        void get(long from, double[] dst, int len) { get(from, dst, 0, len); }

        void put(long from, double[] src, int len) { put(from, src, 0, len); }

        static Lane of(INDArray a) {
            if (a.dataType() == DataType.DOUBLE) {
                DoublePointer p = new DoublePointer(a.data().addressPointer()).position(0).limit(a.length());
                return new F64(p.asByteBuffer().order(ByteOrder.nativeOrder()).asDoubleBuffer());
            }
            FloatPointer p = new FloatPointer(a.data().addressPointer()).position(0).limit(a.length());
            return new F32(p.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer());
        }
    }

    private static final class F64 extends Lane {
        private final DoubleBuffer b;

        F64(DoubleBuffer b) { this.b = b; }

        @Override void get(long from, double[] dst, int off, int len) { b.get((int) from, dst, off, len); }

        @Override void put(long from, double[] src, int off, int len) { b.put((int) from, src, off, len); }
    }

    private static final class F32 extends Lane {
        private final FloatBuffer b;
        private float[] tmp = new float[64];

        F32(FloatBuffer b) { this.b = b; }

        @Override void get(long from, double[] dst, int off, int len) {
            if (tmp.length < len) tmp = new float[len];
            b.get((int) from, tmp, 0, len);
            for (int i = 0; i < len; i++) dst[off + i] = tmp[i];
        }

        @Override void put(long from, double[] src, int off, int len) {
            if (tmp.length < len) tmp = new float[len];
            for (int i = 0; i < len; i++) tmp[i] = (float) src[off + i];
            b.put((int) from, tmp, 0, len);
        }
    }
}
