package dev.nabla.layers.kernels;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Bulk copies between ND4J arrays and Java heap arrays, for the project's own kernels (float32 and float64). */
final class Heap {
    private Heap() {}

    private static INDArray dense(INDArray a) {
        boolean dense = a.ordering() == 'c' && !a.isView() && a.length() == a.data().length();
        return dense ? a : a.dup('c');
    }

    /** The elements of a float32 array in row-major order. */
    static float[] floats(INDArray a) {
        INDArray c = dense(a);
        float[] out = new float[(int) c.length()];
        FloatPointer p = new FloatPointer(c.data().pointer());
        p.position(c.offset()).get(out);
        return out;
    }

    static double[] doubles(INDArray a) {
        INDArray c = dense(a);
        double[] out = new double[(int) c.length()];
        DoublePointer p = new DoublePointer(c.data().pointer());
        p.position(c.offset()).get(out);
        return out;
    }

    /** {@code v} rounded to float32. */
    static float[] narrow(double[] v) {
        float[] f = new float[v.length];
        for (int j = 0; j < v.length; j++) f[j] = (float) v[j];
        return f;
    }

    /**
     * Writes {@code v} into a dense gradient array (beta 0: overwrite) or adds it (beta 1), for a {@code gradInPlace}
     * writer; {@code v} is used as scratch.
     */
    static void writeGrad(INDArray target, float beta, float[] v) {
        java.nio.FloatBuffer tb = Mem.floats(target);
        if (beta != 0) for (int j = 0; j < v.length; j++) v[j] += tb.get(j);
        tb.put(0, v);
    }

    /** The float64 form of {@link #writeGrad(INDArray, float, float[])}. */
    static void writeGrad(INDArray target, float beta, double[] v) {
        java.nio.DoubleBuffer tb = Mem.doubles(target);
        if (beta != 0) for (int j = 0; j < v.length; j++) v[j] += tb.get(j);
        tb.put(0, v);
    }

    /** A new float32 array of the given shape holding {@code data}. */
    static INDArray array(float[] data, long... shape) {
        INDArray r = Nd4j.createUninitialized(DataType.FLOAT, shape);
        new FloatPointer(r.data().pointer()).put(data);
        return r;
    }

    static INDArray array(double[] data, long... shape) {
        INDArray r = Nd4j.createUninitialized(DataType.DOUBLE, shape);
        new DoublePointer(r.data().pointer()).put(data);
        return r;
    }
}
