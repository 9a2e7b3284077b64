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
 * the pick of each target's log-probability in one pass over the logits, rows split over the threads: float32 rows
 * stay in float, with the kernels' vectorised exp and the sums in double (FastMath, VectorMath: on [2048, 1000] the
 * double-precision Math.exp took 8 ms forward and 11 ms backward a transformer step); float64 rows in double. It
 * keeps one log-sum-exp per row, and the backward recomputes (softmax − onehot(target)) · g / count from the logits
 * straight into its output, so that nothing of the logits' size is kept or copied to the heap ([2048,
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
        if (logits.dataType() == DataType.FLOAT) {
            forRows32(logits, null, (i, x, e, bits) -> {
                float max = FastMath.max(x, 0, c);   // NaN propagates, as PyTorch
                double lse = max + Math.log(FastMath.expSum(x, max, e, bits, 0, c));
                logSumExp[i] = lse;
                long t = targets[i];
                if (t != ignoreIndex) rowLoss[i] = lse - x[(int) t];
                return false;
            });
        } else {
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
        }
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
        if (logits.dataType() == DataType.FLOAT) {
            float sf = (float) scale;
            forRows32(logits, d, (i, x, e, bits) -> {
                long t = targets[i];
                if (t == ignoreIndex) {
                    java.util.Arrays.fill(x, 0, c, 0f);
                    return true;
                }
                FastMath.expSum(x, (float) logSumExp[i], x, bits, 0, c);
                for (int j = 0; j < c; j++) x[j] *= sf;
                x[(int) t] -= sf;
                return true;
            });
        } else {
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
        }
        return new INDArray[] {d, null};
    }

    /** The logits as a C-contiguous float32 or float64 array (other types cast to float64). */
    private static INDArray rows(INDArray logits) {
        INDArray x = logits.dataType() == DataType.FLOAT || logits.dataType() == DataType.DOUBLE ? logits : logits.castTo(DataType.DOUBLE);
        return x.dataType() == DataType.FLOAT && !Blas.available() ? x.castTo(DataType.DOUBLE) : Blas.denseC(x);
    }

    /** A float64 row's body: row i of the source in x; returns whether x is written to row i of the destination. */
    @FunctionalInterface
    private interface Row {
        boolean apply(int i, double[] x);
    }

    /** A float32 row's body: row i in x, scratch e and bits of its length; returns whether x is written to row i of the destination. */
    @FunctionalInterface
    private interface Row32 {
        boolean apply(int i, float[] x, float[] e, float[] bits);
    }

    /** As {@link #forRows}, for dense float32 src and dst, the rows kept in float (exp on the kernels' vectorised path). */
    private void forRows32(INDArray src, INDArray dst, Row32 body) {
        int parts = (int) Math.min(n, Blas.parts((long) n * c, MIN_PER_PART));
        Blas.parallel(parts, part -> {
            int r0 = (int) ((long) n * part / parts), r1 = (int) ((long) n * (part + 1) / parts);
            float[] x = new float[c], e = new float[c], bits = new float[c];
            java.nio.FloatBuffer sf = Blas.floats(src), df = dst == null ? null : Blas.floats(dst);
            for (int i = r0; i < r1; i++) {
                sf.get(i * c, x, 0, c);
                if (body.apply(i, x, e, bits) && df != null) df.put(i * c, x, 0, c);
            }
        });
    }

    /** Runs the body on each row of a dense float64 src, rows split over the threads; writes rows to dst when asked. */
    private void forRows(INDArray src, INDArray dst, Row body) {
        int parts = (int) Math.min(n, Blas.parts((long) n * c, MIN_PER_PART));
        Blas.parallel(parts, part -> {
            int r0 = (int) ((long) n * part / parts), r1 = (int) ((long) n * (part + 1) / parts);
            double[] x = new double[c];
            java.nio.DoubleBuffer sd = doubles(src), dd = dst == null ? null : doubles(dst);
            for (int i = r0; i < r1; i++) {
                sd.get(i * c, x, 0, c);
                if (body.apply(i, x) && dd != null) dd.put(i * c, x, 0, c);
            }
        });
    }

    private static java.nio.DoubleBuffer doubles(INDArray a) { return Mem.doubles(a); }

    @Override protected void releaseSaved() {
        logSumExp = null;
        targets = null;
    }
}
