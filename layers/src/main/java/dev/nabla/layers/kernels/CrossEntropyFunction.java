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
 * the pick of each target's log-probability in one pass over the logits (in double precision), rows split over the
 * threads; it keeps one log-sum-exp per row, and the backward recomputes (softmax − onehot(target)) · g / count from
 * the logits straight into its output, so that nothing of the logits' size is kept or copied to the heap ([2048,
 * 1000] before: 56 MB of heap arrays a step). The composed form took ten tape nodes (log-softmax, gather, masks,
 * sums, a division), each an ND4J call of ~10–100 µs on [100, 10].
 *
 * <p>Internal: public only for {@code dev.nabla.layers}; not part of the public API.
 */
public final class CrossEntropyFunction extends Function {
    /** Logits per part below which a pass stays on the calling thread. */
    private static final long MIN_PER_PART = 1 << 15;

    private final long ignoreIndex;
    private double[] logSumExp;
    private long[] targets;
    private int n, c, count;

    public CrossEntropyFunction(long ignoreIndex) { this.ignoreIndex = ignoreIndex; }

    /** Whether the fused op applies: 2-d floating logits, 1-d integer targets of the same length. */
    public static boolean applies(INDArray logits, INDArray target) {
        return logits.rank() == 2 && logits.dataType().isFPType() && target.rank() == 1 && target.dataType().isIntType()
                && target.size(0) == logits.size(0) && logits.length() < Integer.MAX_VALUE;
    }

    /** Whether every target is a class in [0, C) or the ignored index (else the composed form reports the error). */
    public static boolean validTargets(INDArray target, long classes, long ignoreIndex) {
        for (long t : target.toLongVector()) if ((t < 0 || t >= classes) && t != ignoreIndex) return false;
        return true;
    }

    @Override protected INDArray forward(INDArray... in) {
        INDArray logits = rows(in[0]);
        n = (int) logits.size(0);
        c = (int) logits.size(1);
        targets = in[1].toLongVector();
        logSumExp = new double[n];
        double[] rowLoss = new double[n];
        forRows(logits, null, (i, x) -> {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) max = Math.max(max, x[j]);
            double sum = 0;
            for (int j = 0; j < c; j++) sum += Math.exp(x[j] - max);
            double lse = max + Math.log(sum);
            logSumExp[i] = lse;
            long t = targets[i];
            if (t != ignoreIndex) rowLoss[i] = lse - x[(int) t];
            return false;
        });
        double total = 0;
        count = 0;
        for (int i = 0; i < n; i++) {
            if (targets[i] == ignoreIndex) continue;
            total += rowLoss[i];   // in row order: the same sum for any thread count
            count++;
        }
        double loss = count == 0 ? Double.NaN : total / count;   // as PyTorch: the mean over no targets is nan
        return Nd4j.scalar(in[0].dataType(), loss);
    }

    @Override protected INDArray[] backward(INDArray g) {
        double scale = g.getDouble(0) / count;
        INDArray logits = rows(input(0));
        INDArray d = Pool.uninitialized(logits.dataType(), n, c);
        forRows(logits, d, (i, x) -> {
            long t = targets[i];
            if (t == ignoreIndex) {
                java.util.Arrays.fill(x, 0, c, 0);
                return true;
            }
            double lse = logSumExp[i];
            for (int j = 0; j < c; j++) x[j] = Math.exp(x[j] - lse) * scale;
            x[(int) t] -= scale;
            return true;
        });
        return new INDArray[] {d, null};
    }

    /** The logits as a C-contiguous float32 or float64 array (other types cast to float64). */
    private static INDArray rows(INDArray logits) {
        INDArray x = logits.dataType() == DataType.FLOAT || logits.dataType() == DataType.DOUBLE ? logits : logits.castTo(DataType.DOUBLE);
        return x.dataType() == DataType.FLOAT && !Blas.available() ? x.castTo(DataType.DOUBLE) : Blas.denseC(x);
    }

    /** A row's body: row i of the source in x (as doubles); returns whether x is written to row i of the destination. */
    @FunctionalInterface
    private interface Row {
        boolean apply(int i, double[] x);
    }

    /** Runs the body on each row of src (float32 or float64, dense), rows split over the threads; writes rows to dst when asked. */
    private void forRows(INDArray src, INDArray dst, Row body) {
        boolean f32 = src.dataType() == DataType.FLOAT;
        int parts = (int) Math.min(n, Blas.parts((long) n * c, MIN_PER_PART));
        Blas.parallel(parts, part -> {
            int r0 = (int) ((long) n * part / parts), r1 = (int) ((long) n * (part + 1) / parts);
            double[] x = new double[c];
            float[] f = f32 ? new float[c] : null;
            java.nio.FloatBuffer sf = f32 ? Blas.floats(src) : null, df = f32 && dst != null ? Blas.floats(dst) : null;
            java.nio.DoubleBuffer sd = f32 ? null : doubles(src), dd = f32 || dst == null ? null : doubles(dst);
            for (int i = r0; i < r1; i++) {
                if (f32) {
                    sf.get(i * c, f, 0, c);
                    for (int j = 0; j < c; j++) x[j] = f[j];
                } else {
                    sd.get(i * c, x, 0, c);
                }
                if (!body.apply(i, x) || dst == null) continue;
                if (f32) {
                    for (int j = 0; j < c; j++) f[j] = (float) x[j];
                    df.put(i * c, f, 0, c);
                } else {
                    dd.put(i * c, x, 0, c);
                }
            }
        });
    }

    private static java.nio.DoubleBuffer doubles(INDArray a) { return Mem.doubles(a); }

    @Override protected void releaseSaved() {
        logSumExp = null;
        targets = null;
    }
}
