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
import org.nd4j.linalg.factory.Nd4j;

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
        INDArray out = Nd4j.createUninitialized(in.dataType(), in.shape());
        if (in.length() == 0) return out;
        Geometry g = Geometry.of(in.shape(), dim);
        Blas.parallel(g.parts(), p -> {
            long[] range = g.range(p);
            if (in.dataType() == DataType.LONG) scanLongs(longs(in), longs(out), g, range, prod, reverse);
            else scanDoubles(Lane.of(in), Lane.of(out), g, range, prod, reverse);
        });
        return out;
    }

    /**
     * The gradient of cumprod: for each line with its first zero at z (n when none), gᵢₙ[k] = Σ_{j≥k} g[j]·out[j] / x[k]
     * for k &lt; z, Σ_{j≥z} g[j]·Π_{i≤j, i≠z} x[i] at z, and 0 after z (as PyTorch's cumprod_backward: no division by
     * zero). x and g float32 or float64 of one shape; the products are recomputed from x in double.
     */
    static INDArray cumprodBackward(INDArray x, INDArray grad, int dim) {
        INDArray in = dense(x), g = dense(grad.dataType() == x.dataType() ? grad : grad.castTo(x.dataType()));
        INDArray out = Nd4j.createUninitialized(in.dataType(), in.shape());
        if (in.length() == 0) return out;
        Geometry geo = Geometry.of(in.shape(), dim);
        long lines = geo.outer * geo.inner;
        int parts = Blas.parts(in.length(), minPerPart);
        Blas.parallel(parts, p -> {
            Lane xs = Lane.of(in), gs = Lane.of(g), r = Lane.of(out);
            int n = (int) geo.n, stride = (int) geo.inner;
            double[] xv = new double[n], gv = new double[n], rv = new double[n], ov = new double[n];
            for (long line = lines * p / parts, end = lines * (p + 1) / parts; line < end; line++) {
                long base = (line / geo.inner) * geo.n * geo.inner + line % geo.inner;
                xs.gather(base, stride, xv, n);
                gs.gather(base, stride, gv, n);
                cumprodBackwardLine(xv, gv, rv, ov, n);
                r.scatter(base, stride, rv, n);
            }
        });
        return out;
    }

    private static void cumprodBackwardLine(double[] x, double[] g, double[] r, double[] out, int n) {
        int z = 0;
        double run = 1;
        while (z < n && x[z] != 0) out[z] = run *= x[z++];   // out[k] = Π_{i≤k} x[i] before the first zero
        double tail = 0;                                      // Σ_{k≤j<z} g[j]·out[j], built backwards
        for (int k = z - 1; k >= 0; k--) {
            tail += g[k] * out[k];
            r[k] = tail / x[k];
        }
        if (z == n) return;
        double prefix = z == 0 ? 1 : out[z - 1], sum = g[z] * prefix;
        run = prefix;
        for (int j = z + 1; j < n; j++) sum += g[j] * (run *= x[j]);
        r[z] = sum;
        for (int k = z + 1; k < n; k++) r[k] = 0;
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
        abstract void get(long from, double[] dst, int len);

        abstract void put(long from, double[] src, int len);

        abstract double at(long i);

        abstract void set(long i, double v);

        void gather(long base, int stride, double[] dst, int n) {
            if (stride == 1) get(base, dst, n);
            else for (int k = 0; k < n; k++) dst[k] = at(base + (long) k * stride);
        }

        void scatter(long base, int stride, double[] src, int n) {
            if (stride == 1) put(base, src, n);
            else for (int k = 0; k < n; k++) set(base + (long) k * stride, src[k]);
        }

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

        @Override void get(long from, double[] dst, int len) { b.get((int) from, dst, 0, len); }

        @Override void put(long from, double[] src, int len) { b.put((int) from, src, 0, len); }

        @Override double at(long i) { return b.get((int) i); }

        @Override void set(long i, double v) { b.put((int) i, v); }
    }

    private static final class F32 extends Lane {
        private final FloatBuffer b;
        private float[] tmp = new float[64];

        F32(FloatBuffer b) { this.b = b; }

        @Override void get(long from, double[] dst, int len) {
            if (tmp.length < len) tmp = new float[len];
            b.get((int) from, tmp, 0, len);
            for (int i = 0; i < len; i++) dst[i] = tmp[i];
        }

        @Override void put(long from, double[] src, int len) {
            if (tmp.length < len) tmp = new float[len];
            for (int i = 0; i < len; i++) tmp[i] = (float) src[i];
            b.put((int) from, tmp, 0, len);
        }

        @Override double at(long i) { return b.get((int) i); }

        @Override void set(long i, double v) { b.put((int) i, (float) v); }
    }
}
