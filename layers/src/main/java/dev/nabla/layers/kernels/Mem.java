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
}
