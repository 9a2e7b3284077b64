package dev.nabla.spark;

import dev.nabla.api.Blas;
import dev.nabla.api.DType;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.DoublePointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A list of parameters, or their gradients, as one flat float[] (float32 parameters) or double[] (float64), in the
 * list's order, as {@code torch.nn.utils.parameters_to_vector}: what a {@link Collective} averages in one call.
 *
 * <p>Copies go straight between each parameter's off-heap memory and the array (no temporary for C-contiguous
 * parameters); {@link #averageGrads} and {@link #averageParams} reuse one array, so a training step allocates nothing
 * here. A parameter without a gradient reads as zeros; writing gradients gives it one, unless it does not require grad.
 *
 * <pre>{@code
 * FlatParameters flat = new FlatParameters(model.parameters());
 * loss.backward();
 * flat.averageGrads(ring);        // every rank now holds the mean gradient
 * optimizer.step();
 * }</pre>
 */
public final class FlatParameters {
    private final List<Parameter> params;
    private final DType dtype;
    private final int numel;
    private float[] floatBuffer;
    private double[] doubleBuffer;

    /** Over these parameters, in this order: all float32 or all float64, at most 2^31 − 2 elements in all. */
    public FlatParameters(List<Parameter> params) {
        if (params == null || params.isEmpty()) throw new IllegalArgumentException("FlatParameters: expected at least one parameter, got " + params);
        this.params = List.copyOf(params);
        this.dtype = params.get(0).dtype();
        if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) {
            throw new IllegalArgumentException("FlatParameters: parameters must be float32 or float64, got " + dtype + " for parameter 0");
        }
        long total = 0;
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            if (p.dtype() != dtype) {
                throw new IllegalArgumentException("FlatParameters: every parameter must have one dtype, got " + dtype + " for parameter 0 and "
                        + p.dtype() + " for parameter " + i + " " + p.shape() + "; convert the model with to(dtype) first?");
            }
            total += p.numel();
        }
        if (total >= Integer.MAX_VALUE) throw new IllegalArgumentException("FlatParameters: at most 2^31-2 elements, got " + total);
        this.numel = (int) total;
    }

    /** The number of elements of the flat vector. */
    public int numel() { return numel; }

    /** FLOAT32 (float[] vectors) or FLOAT64 (double[]). */
    public DType dtype() { return dtype; }

    /** Averages every gradient over the ranks of {@code c} in one collective call (a missing gradient counts as zeros). */
    public void averageGrads(Collective c) {
        if (dtype == DType.FLOAT32) {
            float[] v = floatBuffer();
            copyGradsTo(v);
            c.allReduceMean(v);
            copyGradsFrom(v);
        } else {
            double[] v = doubleBuffer();
            copyGradsTo(v);
            c.allReduceMean(v);
            copyGradsFrom(v);
        }
    }

    /** Averages the parameters themselves over the ranks of {@code c} (local SGD, or a first broadcast of rank 0's). */
    public void averageParams(Collective c) {
        if (dtype == DType.FLOAT32) {
            float[] v = floatBuffer();
            copyParamsTo(v);
            c.allReduceMean(v);
            copyParamsFrom(v);
        } else {
            double[] v = doubleBuffer();
            copyParamsTo(v);
            c.allReduceMean(v);
            copyParamsFrom(v);
        }
    }

    /** Writes the float32 parameters' values into {@code dst}, in list order. */
    public void copyParamsTo(float[] dst) { copy(dst, null, false, true); }

    /** Sets the float32 parameters' values from {@code src} (as {@code torch.nn.utils.vector_to_parameters}). */
    public void copyParamsFrom(float[] src) { copy(src, null, false, false); }

    /** Writes the float32 gradients into {@code dst}; a parameter without a gradient gives zeros. */
    public void copyGradsTo(float[] dst) { copy(dst, null, true, true); }

    /** Sets the float32 gradients from {@code src}, creating those that are missing (not for frozen parameters). */
    public void copyGradsFrom(float[] src) { copy(src, null, true, false); }

    /** As {@link #copyParamsTo(float[])} for float64 parameters. */
    public void copyParamsTo(double[] dst) { copy(null, dst, false, true); }

    /** As {@link #copyParamsFrom(float[])} for float64 parameters. */
    public void copyParamsFrom(double[] src) { copy(null, src, false, false); }

    /** As {@link #copyGradsTo(float[])} for float64 parameters. */
    public void copyGradsTo(double[] dst) { copy(null, dst, true, true); }

    /** As {@link #copyGradsFrom(float[])} for float64 parameters. */
    public void copyGradsFrom(double[] src) { copy(null, src, true, false); }

    private void copy(float[] f, double[] d, boolean grads, boolean out) {
        String what = (out ? "copy" + (grads ? "Grads" : "Params") + "To" : "copy" + (grads ? "Grads" : "Params") + "From");
        if (f != null ? dtype != DType.FLOAT32 : dtype != DType.FLOAT64) {
            throw new IllegalArgumentException("FlatParameters." + what + ": the parameters are " + dtype + ", so pass a "
                    + (dtype == DType.FLOAT32 ? "float[]" : "double[]"));
        }
        int length = f != null ? f.length : d.length;
        if (length != numel) {
            throw new IllegalArgumentException("FlatParameters." + what + ": expected an array of " + numel + " elements (the parameters' total), got " + length);
        }
        int off = 0;
        for (Parameter p : params) {
            int n = (int) p.numel();
            Tensor target = grads ? p.grad() : p;
            if (target == null) {   // no gradient yet
                if (out) {
                    if (f != null) Arrays.fill(f, off, off + n, 0f);
                    else Arrays.fill(d, off, off + n, 0.0);
                    off += n;
                    continue;
                }
                if (!p.requiresGrad()) {
                    off += n;
                    continue;
                }
                p.setGrad(Tensor.zeros(dtype, p.nd().shape()));
                target = p.grad();
            }
            INDArray a = target.nd();
            if (out) get(a, f, d, off, n);
            else {
                put(a, f, d, off, n);
                target.markModified();
            }
            off += n;
        }
    }

    private static boolean direct(INDArray a) { return a.offset() == 0 && Blas.dense(a); }

    private static void get(INDArray a, float[] f, double[] d, int off, int n) {
        INDArray c = direct(a) ? a : a.dup('c');
        if (f != null) Blas.floats(c).get(f, off, n);
        else doubles(c).get(d, off, n);
    }

    private static void put(INDArray a, float[] f, double[] d, int off, int n) {
        if (direct(a)) {
            if (f != null) Blas.floats(a).put(f, off, n);
            else doubles(a).put(d, off, n);
        } else {
            INDArray src = f != null ? Nd4j.createFromArray(Arrays.copyOfRange(f, off, off + n)) : Nd4j.createFromArray(Arrays.copyOfRange(d, off, off + n));
            a.assign(src.reshape('c', a.shape()));
        }
    }

    private static DoubleBuffer doubles(INDArray dense) {
        DoublePointer p = new DoublePointer(dense.data().addressPointer()).position(0).limit(dense.length());
        return p.asByteBuffer().order(ByteOrder.nativeOrder()).asDoubleBuffer();
    }

    private float[] floatBuffer() { return floatBuffer != null ? floatBuffer : (floatBuffer = new float[numel]); }

    private double[] doubleBuffer() { return doubleBuffer != null ? doubleBuffer : (doubleBuffer = new double[numel]); }
}
