package dev.nabla.layers.kernels;

import dev.nabla.api.Blas;
import dev.nabla.api.Function;
import dev.nabla.api.Pool;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch normalisation over dim 1 of [N, C, …] as one op, float32 or float64: inputs x, then the weight [C] and the bias
 * [C] when given. With batch statistics (training) the forward makes one pass for each channel's mean and biased
 * variance and one for y = x·a[c] + b[c]; otherwise it uses the given running statistics. The backward is two passes:
 * per channel Σg and Σg·(x − mean), then dx = a[c]·g + b[c]·x + d[c] (training) or dx = g·w[c]/√(var[c] + ε) (eval);
 * the weight and bias gradients go straight into the parameters' .grad when they have one. float32 runs in float over
 * blocks of whole samples ({@link BatchNormF32}) when a sample has at most {@link BatchNormF32#limit()} elements; float64,
 * and larger samples, per plane ({@link Planes}), the sums in double. The caller updates the running statistics from {@link #batchMean()} and {@link #batchVar()} (PyTorch's rule: the
 * unbiased variance, weighted by the momentum).
 *
 * <p>Internal: public only for {@code dev.nabla.layers}; not part of the public API.
 */
public final class BatchNormFunction extends Function {
    private final boolean batchStats;
    private final INDArray runningMean, runningVar;
    private final double eps;
    private final boolean weight, bias;
    private int n, c, l;
    private double[] mean, var, invstd;
    private BatchNormF32.Blocks blocks;   // the float32 kernel's layout, or null (Planes)

    /**
     * {@code batchStats}: normalise by the batch's statistics (else by {@code runningMean}, {@code runningVar}, which are
     * then required); {@code weight}, {@code bias}: whether those inputs follow x.
     */
    public BatchNormFunction(boolean batchStats, INDArray runningMean, INDArray runningVar, double eps, boolean weight, boolean bias) {
        this.batchStats = batchStats;
        this.runningMean = runningMean;
        this.runningVar = runningVar;
        this.eps = eps;
        this.weight = weight;
        this.bias = bias;
    }

    /** Whether this op takes these arrays (weight, bias may be null): float32 or float64, one dtype, int-indexable. */
    public static boolean applies(INDArray x, INDArray weight, INDArray bias) {
        return x.rank() >= 2 && Mem.supported(x) && x.length() > 0 && (weight == null || weight.dataType() == x.dataType())
                && (bias == null || bias.dataType() == x.dataType());
    }

    /** The batch's per-channel mean after a forward with batch statistics. */
    public double[] batchMean() { return mean.clone(); }

    /** The batch's per-channel biased variance after a forward with batch statistics. */
    public double[] batchVar() { return var.clone(); }

    @Override protected INDArray forward(INDArray... in) {
        INDArray x = Blas.denseC(in[0]);
        n = (int) x.size(0);
        c = (int) x.size(1);
        l = (int) (x.length() / ((long) n * c));
        blocks = x.dataType() == DataType.FLOAT && BatchNormF32.applies(c, l) ? BatchNormF32.Blocks.of(n, c, l) : null;
        if (batchStats) {
            statistics(x);
        } else {
            mean = vector(runningMean);
            var = vector(runningVar);
        }
        invstd = new double[c];
        for (int i = 0; i < c; i++) invstd[i] = 1 / Math.sqrt(var[i] + eps);
        double[] w = weight ? vector(in[1]) : null;
        double[] b = bias ? vector(in[weight ? 2 : 1]) : null;
        double[] scale = new double[c], shift = new double[c];
        for (int i = 0; i < c; i++) {
            scale[i] = (w == null ? 1 : w[i]) * invstd[i];
            shift[i] = (b == null ? 0 : b[i]) - mean[i] * scale[i];
        }
        INDArray y = Pool.uninitialized(x.dataType(), x.shape());
        if (blocks != null) BatchNormF32.affine(Blas.floats(x), null, Blas.floats(y), blocks, scale, null, shift);
        else Planes.affine(x, null, y, n * c, l, c, scale, null, shift);
        return y;
    }

    /** A float32 or float64 vector's values in double (no ND4J op: a bulk copy). */
    private static double[] vector(INDArray a) {
        if (a.dataType() == DataType.DOUBLE) return Heap.doubles(a);
        if (a.dataType() != DataType.FLOAT) return a.castTo(DataType.DOUBLE).toDoubleVector();
        float[] f = Heap.floats(a);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** mean and biased var per channel, from per-plane sums shifted by the channel's first value. */
    private void statistics(INDArray x) {
        int planes = n * c;
        double[] k = new double[c];   // x[0, c, 0, …]: a value of each channel
        if (x.dataType() == DataType.FLOAT) {
            java.nio.FloatBuffer xb = Mem.floats(x);
            for (int ch = 0; ch < c; ch++) k[ch] = xb.get(ch * l);
        } else {
            java.nio.DoubleBuffer xb = Mem.doubles(x);
            for (int ch = 0; ch < c; ch++) k[ch] = xb.get(ch * l);
        }
        double[] s = new double[blocks != null ? c : planes], q = new double[s.length];
        if (blocks != null) BatchNormF32.shiftedSums(Mem.floats(x), blocks, k, s, q);
        else Planes.shiftedSums(x, planes, l, c, k, s, q);
        mean = new double[c];
        var = new double[c];
        double m = (double) n * l;
        int terms = blocks != null ? 1 : n;
        for (int ch = 0; ch < c; ch++) {
            double sc = 0, qc = 0;
            for (int i = 0; i < terms; i++) { sc += s[i * c + ch]; qc += q[i * c + ch]; }
            double d = sc / m;
            mean[ch] = k[ch] + d;
            var[ch] = Math.max(0, qc / m - d * d);
        }
    }

    @Override protected INDArray[] backward(INDArray gOut) {
        INDArray g = Blas.denseC(gOut.dataType() == input(0).dataType() ? gOut : gOut.castTo(input(0).dataType()));
        boolean dxNeeded = needsGrad(0), dwNeeded = weight && needsGrad(1), dbNeeded = bias && needsGrad(weight ? 2 : 1);
        double[] w = weight ? vector(input(1)) : null;
        INDArray x = Blas.denseC(input(0));
        int planes = n * c;
        double[] sg = null, sgx = null;   // per channel Σ g, Σ g·(x − mean)
        if (batchStats || dwNeeded || dbNeeded) {
            double[] s = new double[blocks != null ? c : planes], t = new double[s.length];
            if (blocks != null) BatchNormF32.gradSums(Mem.floats(g), Mem.floats(x), blocks, mean, s, t);
            else Planes.gradSums(g, x, planes, l, c, mean, s, t);
            sg = new double[c];
            sgx = new double[c];
            int terms = blocks != null ? 1 : n;
            for (int ch = 0; ch < c; ch++) {
                double a = 0, b = 0;
                for (int i = 0; i < terms; i++) { a += s[i * c + ch]; b += t[i * c + ch]; }
                sg[ch] = a;
                sgx[ch] = b;
            }
        }
        INDArray dx = null;
        if (dxNeeded) {
            dx = Pool.uninitialized(x.dataType(), x.shape());
            double m = (double) n * l;
            double[] a = new double[c], bx = batchStats ? new double[c] : null, d = new double[c];
            for (int ch = 0; ch < c; ch++) {
                double wi = w == null ? 1 : w[ch];
                a[ch] = wi * invstd[ch];
                if (batchStats) {   // dx = w·invstd·(g − Σg/M − (x − mean)·invstd²·Σg(x − mean)/M)
                    bx[ch] = -a[ch] * invstd[ch] * invstd[ch] * sgx[ch] / m;
                    d[ch] = -a[ch] * sg[ch] / m - bx[ch] * mean[ch];
                }
            }
            if (blocks != null) {
                BatchNormF32.affine(Mem.floats(g), batchStats ? Mem.floats(x) : null, Mem.floats(dx), blocks, a, bx, d);
            } else {
                Planes.affine(g, batchStats ? x : null, dx, planes, l, c, a, bx, d);
            }
        }
        INDArray dw = null, db = null;
        if (dwNeeded) {
            double[] v = new double[c];
            for (int ch = 0; ch < c; ch++) v[ch] = sgx[ch] * invstd[ch];
            dw = paramGrad(1, v, x.dataType());
        }
        if (dbNeeded) db = paramGrad(weight ? 2 : 1, sg, x.dataType());
        if (weight && bias) return new INDArray[] {dx, dw, db};
        if (weight) return new INDArray[] {dx, dw};
        if (bias) return new INDArray[] {dx, db};
        return new INDArray[] {dx};
    }

    /**
     * Parameter input {@code i}'s gradient: added (or written, after a zeroGrad) straight into its .grad when that can be
     * done in place (null returned), else a new array.
     */
    private INDArray paramGrad(int i, double[] v, DataType type) {
        long[] shape = inputShape(i);
        if (type == DataType.FLOAT) {
            float[] f = Heap.narrow(v);
            return gradInPlace(i, shape, (target, beta) -> Heap.writeGrad(target, beta, f)) ? null : Heap.array(f, shape);
        }
        double[] d = v.clone();
        return gradInPlace(i, shape, (target, beta) -> Heap.writeGrad(target, beta, d)) ? null : Heap.array(d, shape);
    }

    @Override protected String profileName() { return "BatchNorm " + (batchStats ? "(batch statistics)" : "(running statistics)"); }

    @Override public String name() { return "BatchNormBackward"; }
}
