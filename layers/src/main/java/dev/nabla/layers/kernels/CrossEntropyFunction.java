package dev.nabla.layers.kernels;

import dev.nabla.api.Blas;
import dev.nabla.api.Pool;

import dev.nabla.api.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Cross-entropy of logits [N, C] against class indices [N], mean over the targets that are not {@code ignoreIndex},
 * as one op (F.crossEntropy's common case: no class weights, no label smoothing). The forward is log-softmax and
 * the pick of each target's log-probability in one pass over the logits (in double precision); the backward is
 * (softmax − onehot(target)) · g / count. The composed form took ten tape nodes (log-softmax, gather, masks, sums,
 * a division), each an ND4J call of ~10–100 µs on [100, 10].
 *
 * <p>Internal: public only for {@code dev.nabla.layers}; not part of the public API.
 */
public final class CrossEntropyFunction extends Function {
    private final long ignoreIndex;
    private double[] prob;
    private long[] targets;
    private int n, c, count;
    private DataType type;

    public CrossEntropyFunction(long ignoreIndex) { this.ignoreIndex = ignoreIndex; }

    /** Whether the fused op applies: 2-d floating logits, 1-d integer targets of the same length. */
    public static boolean applies(INDArray logits, INDArray target) {
        return logits.rank() == 2 && logits.dataType().isFPType() && target.rank() == 1 && target.dataType().isIntType()
                && target.size(0) == logits.size(0) && logits.length() < (1 << 24);
    }

    /** Whether every target is a class in [0, C) or the ignored index (else the composed form reports the error). */
    public static boolean validTargets(INDArray target, long classes, long ignoreIndex) {
        for (long t : target.toLongVector()) if ((t < 0 || t >= classes) && t != ignoreIndex) return false;
        return true;
    }

    @Override protected INDArray forward(INDArray... in) {
        INDArray logits = in[0];
        type = logits.dataType();
        n = (int) logits.size(0);
        c = (int) logits.size(1);
        double[] x = logitsAsDoubles(logits);
        targets = in[1].toLongVector();
        prob = new double[n * c];
        double total = 0;
        count = 0;
        for (int i = 0; i < n; i++) {
            int o = i * c;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) max = Math.max(max, x[o + j]);
            double sum = 0;
            for (int j = 0; j < c; j++) {
                double e = Math.exp(x[o + j] - max);
                prob[o + j] = e;
                sum += e;
            }
            for (int j = 0; j < c; j++) prob[o + j] /= sum;
            long t = targets[i];
            if (t == ignoreIndex) continue;
            total -= x[o + (int) t] - max - Math.log(sum);
            count++;
        }
        double loss = count == 0 ? Double.NaN : total / count;   // as PyTorch: the mean over no targets is nan
        return Nd4j.scalar(logits.dataType(), loss);
    }

    @Override protected INDArray[] backward(INDArray g) {
        double scale = g.getDouble(0) / count;
        double[] d = new double[n * c];
        for (int i = 0; i < n; i++) {
            long t = targets[i];
            if (t == ignoreIndex) continue;
            int o = i * c;
            for (int j = 0; j < c; j++) d[o + j] = prob[o + j] * scale;
            d[o + (int) t] -= scale;
        }
        if (type == DataType.FLOAT && Blas.available()) {   // straight into a pooled float32 array: no casts, no views
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
            INDArray r = Pool.uninitialized(DataType.FLOAT, n, c);
            Blas.floats(r).put(0, f);
            return new INDArray[] {r, null};
        }
        INDArray r = Nd4j.createFromArray(d).reshape(n, c);
        return new INDArray[] {type == DataType.DOUBLE ? r : r.castTo(type), null};
    }

    /**
     * The logits as doubles: float32 read straight from memory (ND4J's cast, copy and view took ~60 µs of the
     * ~80 µs forward at [100, 10]), other types through ND4J.
     */
    private static double[] logitsAsDoubles(INDArray logits) {
        if (logits.dataType() == DataType.FLOAT && Blas.available()) {
            float[] f = new float[(int) logits.length()];
            Blas.floats(Blas.denseC(logits)).get(0, f);
            double[] x = new double[f.length];
            for (int i = 0; i < f.length; i++) x[i] = f[i];
            return x;
        }
        return logits.dataType() == DataType.DOUBLE ? logits.dup('c').data().asDouble() : logits.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    @Override protected void releaseSaved() {
        prob = null;
        targets = null;
    }
}
