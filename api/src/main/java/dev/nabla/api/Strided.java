package dev.nabla.api;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Copies and adds between float32 arrays of any strides whose last dimension is contiguous (stride 1, or of size 1),
 * the source's last two dimensions also possibly a transposed matrix: row by row (a row is the last dimension), each
 * row one bulk transfer of the arrays' memory, rows (or matrices) split over the threads. Where ND4J's strided assign
 * and add run their generic element loops: in the transformer step, the query/key/value split's backward (kᵀ's
 * gradient, a transpose's strides, added into the gradient gathered so far) took 1.5–1.7 ms a call, now 0.42; a
 * reshape's backward of a permuted attention gradient 0.25–0.38 ms on average, now 0.08 (BENCHMARKS.md, seventeenth
 * round).
 */
public final class Strided {
    /** Elements per part below which a copy stays on the calling thread. */
    private static final long MIN_PER_PART = 1 << 16;

    private Strided() {}

    /**
     * Whether this class copies from {@code a}: float32, rank 1 to 8, non-negative strides, its last dimension
     * contiguous, or its last two dimensions one dense column-major block (a transposed matrix: the gradient of kᵀ in
     * attention's q·kᵀ).
     */
    public static boolean applies(INDArray a) { return rowMajor(a) || columnBlocks(a); }

    /** Float32, rank 1 to 8, non-negative strides, a span that an int indexes. */
    private static boolean plain(INDArray a) {
        if (a.dataType() != DataType.FLOAT || !Blas.available() || a.rank() < 1 || a.rank() > 8 || a.length() == 0) return false;
        for (int i = 0; i < a.rank(); i++) if (a.stride(i) < 0) return false;
        return span(a) < Integer.MAX_VALUE;
    }

    /** Elements from a's first to its last, inclusive: its largest offset + 1. */
    private static long span(INDArray a) {
        long span = 1;
        for (int i = 0; i < a.rank(); i++) span += (a.size(i) - 1) * a.stride(i);
        return span;
    }

    /** The last dimension contiguous (stride 1, or of size 1). */
    private static boolean rowMajor(INDArray a) {
        return plain(a) && (a.size(a.rank() - 1) == 1 || a.stride(a.rank() - 1) == 1);
    }

    /** The last two dimensions a dense column-major block: strides 1 and the second-last dimension's size. */
    private static boolean columnBlocks(INDArray a) {
        int r = a.rank();
        return r >= 2 && plain(a) && a.stride(r - 2) == 1 && a.stride(r - 1) == a.size(r - 2);
    }

    /** A C-contiguous copy of a float32 array {@link #applies} takes (a plain ND4J array, as {@code dup} makes). */
    public static INDArray dense(INDArray src) {
        INDArray d = Nd4j.createUninitialized(DataType.FLOAT, src.shape(), 'c');
        rows(src, d, false);
        return d;
    }

    /**
     * dst = src, element by element, for arrays of one shape that {@link #applies} takes, dst not overlapping itself
     * or src. Returns false (and does nothing) where it does not apply.
     */
    public static boolean copyInto(INDArray dst, INDArray src) { return into(dst, src, false); }

    /** dst += src, as {@link #copyInto}. */
    public static boolean addInto(INDArray dst, INDArray src) { return into(dst, src, true); }

    private static boolean into(INDArray dst, INDArray src, boolean add) {
        if (!rowMajor(dst) || !applies(src) || !java.util.Arrays.equals(dst.shape(), src.shape())) return false;
        rows(src, dst, add);
        return true;
    }

    /** dst = src (or dst += src), row by row; dst's rows contiguous. */
    private static void rows(INDArray src, INDArray dst, boolean add) {
        if (!rowMajor(src)) {
            blocks(src, dst, add);
            return;
        }
        int rank = src.rank(), last = rank - 1;
        int len = (int) src.size(last);
        long rows = src.length() / len;
        long[] shape = src.shape(), ss = src.stride(), ds = dst.stride();
        int parts = (int) Math.min(rows, Blas.parts(src.length(), MIN_PER_PART));
        Blas.parallel(parts, part -> {
            FloatBuffer sb = buffer(src), db = buffer(dst);
            float[] a = new float[len], b = add ? new float[len] : null;
            long r0 = rows * part / parts, r1 = rows * (part + 1) / parts;
            Odometer at = new Odometer(shape, last, ss, ds, r0);
            for (long r = r0; r < r1; r++, at.next()) {
                sb.get((int) at.src, a, 0, len);
                put(db, (int) at.dst, a, b, len);
            }
        });
    }

    /** As {@link #rows} for a source whose last two dimensions are column-major blocks: each block read whole, its rows gathered. */
    private static void blocks(INDArray src, INDArray dst, boolean add) {
        int rank = src.rank(), m = (int) src.size(rank - 2), n = (int) src.size(rank - 1);
        long count = src.length() / ((long) m * n);
        long[] shape = src.shape(), ss = src.stride(), ds = dst.stride();
        int parts = (int) Math.min(count, Blas.parts(src.length(), MIN_PER_PART));
        Blas.parallel(parts, part -> {
            FloatBuffer sb = buffer(src), db = buffer(dst);
            float[] block = new float[m * n], a = new float[n], b = add ? new float[n] : null;
            long b0 = count * part / parts, b1 = count * (part + 1) / parts;
            Odometer at = new Odometer(shape, rank - 2, ss, ds, b0);
            for (long k = b0; k < b1; k++, at.next()) {
                sb.get((int) at.src, block, 0, m * n);   // block[j·m + i] = src[…, i, j]
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) a[j] = block[j * m + i];
                    put(db, (int) (at.dst + i * ds[rank - 2]), a, b, n);
                }
            }
        });
    }

    /** Writes a's len floats at dst's element {@code at}, or adds them there (b: scratch) when b is given. */
    private static void put(FloatBuffer db, int at, float[] a, float[] b, int len) {
        if (b != null) {
            db.get(at, b, 0, len);
            for (int j = 0; j < len; j++) a[j] += b[j];
        }
        db.put(at, a, 0, len);
    }

    /** The element offsets in src and dst of an index over the first {@code dims} dimensions, stepped in row-major order. */
    private static final class Odometer {
        private final long[] shape, ss, ds, idx;
        private final int dims;
        long src, dst;

        Odometer(long[] shape, int dims, long[] ss, long[] ds, long start) {
            this.shape = shape;
            this.dims = dims;
            this.ss = ss;
            this.ds = ds;
            idx = new long[Math.max(1, dims)];
            long rem = start;
            for (int i = dims - 1; i >= 0; i--) {
                idx[i] = rem % shape[i];
                rem /= shape[i];
                src += idx[i] * ss[i];
                dst += idx[i] * ds[i];
            }
        }

        void next() {
            for (int i = dims - 1; i >= 0; i--) {
                src += ss[i];
                dst += ds[i];
                if (++idx[i] < shape[i]) return;
                src -= ss[i] * shape[i];
                dst -= ds[i] * shape[i];
                idx[i] = 0;
            }
        }
    }

    /** The memory from a's first element over its whole span (its largest offset + 1 floats). */
    private static FloatBuffer buffer(INDArray a) { return new FloatPointer(a.data().addressPointer()).position(0).limit(span(a)).asBuffer(); }
}
