package dev.nabla.layers.kernels;

import dev.nabla.api.Blas;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacpp.DoublePointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Memory access for the normalisation, softmax and element-wise kernels: a C-contiguous float32 or float64 array as a
 * direct buffer from its first element, and per-thread heap scratch that a kernel copies chunks into (bulk copies at
 * memcpy speed; the loops over heap arrays are the ones C2 vectorizes).
 */
final class Mem {
    private Mem() {}

    /** Elements per chunk: a few chunks of each operand stay in L1/L2 together. */
    static final int CHUNK = 2048;

    private static volatile int chunk = CHUNK;

    /** The chunk the kernels use now: {@link #CHUNK}, or what a test set. */
    static int chunk() { return chunk; }

    /**
     * For tests: a smaller chunk, so that small inputs take the paths of planes and rows longer than a chunk; returns
     * the previous one.
     */
    static int chunkForTests(int elements) {
        int previous = chunk;
        chunk = elements;
        return previous;
    }

    /** Whether a kernel here takes this array: float32 or float64, and indexable by int. */
    static boolean supported(INDArray a) {
        DataType t = a.dataType();
        return (t == DataType.FLOAT || t == DataType.DOUBLE) && a.length() < Integer.MAX_VALUE;
    }

    static FloatBuffer floats(INDArray dense) { return Blas.floats(dense); }

    /** A dense float32 array's memory from element 0 as bytes, native order (the Vector API paths read and write it in place). */
    static java.nio.ByteBuffer bytes(INDArray dense) {
        if (dense.dataType() != DataType.FLOAT) throw new IllegalArgumentException("Mem: expected a float32 array, got " + dense.dataType());
        return new org.bytedeco.javacpp.FloatPointer(dense.data().addressPointer()).position(0).limit(dense.length()).asByteBuffer()
                .order(ByteOrder.nativeOrder());
    }

    /** Whether a float32 array of {@code length} elements can be addressed by int byte offsets (the in-place Vector API paths). */
    static boolean byteIndexable(long length) { return length <= Integer.MAX_VALUE / 4; }

    static DoubleBuffer doubles(INDArray dense) {
        if (dense.dataType() != DataType.DOUBLE) throw new IllegalArgumentException("Mem: expected a float64 array, got " + dense.dataType());
        DoublePointer p = new DoublePointer(dense.data().addressPointer()).position(0).limit(dense.length());
        return p.asByteBuffer().order(ByteOrder.nativeOrder()).asDoubleBuffer();
    }

    private static final ThreadLocal<Map<Integer, float[]>> FLOATS = ThreadLocal.withInitial(HashMap::new);
    private static final ThreadLocal<Map<Integer, double[]>> DOUBLES = ThreadLocal.withInitial(HashMap::new);

    /** This thread's float scratch number {@code slot}, at least {@code n} long (contents undefined). */
    static float[] f(int slot, int n) {
        Map<Integer, float[]> m = FLOATS.get();
        float[] a = m.get(slot);
        if (a == null || a.length < n) m.put(slot, a = new float[Math.max(n, CHUNK)]);
        return a;
    }

    static double[] d(int slot, int n) {
        Map<Integer, double[]> m = DOUBLES.get();
        double[] a = m.get(slot);
        if (a == null || a.length < n) m.put(slot, a = new double[Math.max(n, CHUNK)]);
        return a;
    }

    /**
     * Chunked reads and writes of a C-contiguous float32 or float64 array through double[] heap arrays (float32 is
     * widened on the way in and rounded on the way out), for kernels that compute in double; one per thread.
     */
    abstract static sealed class Access permits F32, F64 {
        abstract void get(int from, double[] dst, int off, int len);

        abstract void put(int from, double[] src, int off, int len);
    }

    static Access access(INDArray dense) { return dense.dataType() == DataType.FLOAT ? new F32(floats(dense)) : new F64(doubles(dense)); }

    static final class F32 extends Access {
        private final FloatBuffer b;
        private float[] tmp = new float[CHUNK];

        F32(FloatBuffer b) { this.b = b; }

        private float[] tmp(int len) {
            if (tmp.length < len) tmp = new float[len];
            return tmp;
        }

        @Override void get(int from, double[] dst, int off, int len) {
            float[] t = tmp(len);
            b.get(from, t, 0, len);
            widen(t, dst, off, len);
        }

        @Override void put(int from, double[] src, int off, int len) {
            float[] t = tmp(len);
            narrow(src, off, t, len);
            b.put(from, t, 0, len);
        }

        private static void widen(float[] t, double[] dst, int off, int len) { for (int i = 0; i < len; i++) dst[off + i] = t[i]; }

        private static void narrow(double[] src, int off, float[] t, int len) { for (int i = 0; i < len; i++) t[i] = (float) src[off + i]; }
    }

    static final class F64 extends Access {
        private final DoubleBuffer b;

        F64(DoubleBuffer b) { this.b = b; }

        @Override void get(int from, double[] dst, int off, int len) { b.get(from, dst, off, len); }

        @Override void put(int from, double[] src, int off, int len) { b.put(from, src, off, len); }
    }
}
