package dev.nabla.training;

import dev.nabla.api.Blas;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.DoublePointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adam's update of one parameter as one pass over its memory (PyTorch 1.13's single-tensor order, in double per
 * element): the decay, both moments, the bias-corrected denominator and the step, reading and writing each of
 * param, grad, exp_avg, exp_avg_sq (and max_exp_avg_sq) once, with no temporaries. The ND4J form made eight passes and
 * four arrays of the parameter's size. Float32 or float64, C-contiguous arrays of one type; chunks split over the
 * framework's threads for large parameters.
 */
final class AdamUpdate {
    /** Elements per part below which the pass stays on the calling thread. */
    private static final long MIN_PER_PART = 1 << 16;
    private static final int CHUNK = 2048;
    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[5][CHUNK]);
    private static final ThreadLocal<float[]> FLOATS = ThreadLocal.withInitial(() -> new float[CHUNK]);

    private AdamUpdate() {}

    /** The step's scalars. {@code sign} is −1 to maximise. */
    record Options(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled, double sign,
                   double biasCorrection1, double biasCorrection2Sqrt) {}

    /** Whether the fused pass takes these arrays (max may be null): one float type, dense, int-indexable, the CPU backend. */
    static boolean applies(INDArray param, INDArray grad, INDArray m, INDArray v, INDArray max) {
        DataType t = param.dataType();
        if (!Blas.available() || (t != DataType.FLOAT && t != DataType.DOUBLE) || param.length() >= Integer.MAX_VALUE) return false;
        for (INDArray a : new INDArray[] {param, grad, m, v, max}) {
            if (a != null && (a.dataType() != t || a.length() != param.length() || !Blas.dense(a))) return false;
        }
        return true;
    }

    /** Updates param, m, v (and max, for AMSGrad) in place. */
    static void apply(INDArray param, INDArray grad, INDArray m, INDArray v, INDArray max, Options o) {
        int n = (int) param.length();
        int parts = Blas.parts(n, MIN_PER_PART);
        boolean f32 = param.dataType() == DataType.FLOAT;
        Blas.parallel(parts, part -> {
            int from = (int) ((long) n * part / parts), to = (int) ((long) n * (part + 1) / parts);
            double[][] h = SCRATCH.get();
            Access[] a = {access(param, f32), access(grad, f32), access(m, f32), access(v, f32), max == null ? null : access(max, f32)};
            for (int at = from; at < to; at += CHUNK) {
                int len = Math.min(CHUNK, to - at);
                for (int k = 0; k < 5; k++) if (a[k] != null) a[k].get(at, h[k], len);
                update(h[0], h[1], h[2], h[3], max == null ? null : h[4], len, o);
                a[0].put(at, h[0], len);
                a[2].put(at, h[2], len);
                a[3].put(at, h[3], len);
                if (max != null) a[4].put(at, h[4], len);
            }
        });
    }

    private static void update(double[] p, double[] g, double[] m, double[] v, double[] max, int len, Options o) {
        double b1 = o.beta1(), b2 = o.beta2(), wd = o.weightDecay(), shrink = 1 - o.lr() * wd, stepSize = o.lr() / o.biasCorrection1();
        double bc2 = o.biasCorrection2Sqrt(), eps = o.eps(), sign = o.sign();
        for (int i = 0; i < len; i++) {
            double gi = sign * g[i], pi = p[i];
            if (o.decoupled()) pi *= shrink;
            else if (wd != 0) gi = gi + wd * pi;
            double mi = m[i] * b1 + gi * (1 - b1);
            double vi = v[i] * b2 + (1 - b2) * gi * gi;
            double second = vi;
            if (max != null) second = max[i] = Math.max(max[i], vi);
            double denom = Math.sqrt(second) / bc2 + eps;
            p[i] = pi - stepSize * (mi / denom);
            m[i] = mi;
            v[i] = vi;
        }
    }

    /** Chunked reads and writes of a dense array through double[] (float32 widened on the way in, rounded on the way out). */
    private interface Access {
        void get(int from, double[] dst, int len);

        void put(int from, double[] src, int len);
    }

    private static Access access(INDArray a, boolean f32) {
        if (f32) {
            FloatBuffer b = Blas.floats(a);
            return new Access() {
                @Override public void get(int from, double[] dst, int len) {
                    float[] t = FLOATS.get();
                    b.get(from, t, 0, len);
                    for (int i = 0; i < len; i++) dst[i] = t[i];
                }

                @Override public void put(int from, double[] src, int len) {
                    float[] t = FLOATS.get();
                    for (int i = 0; i < len; i++) t[i] = (float) src[i];
                    b.put(from, t, 0, len);
                }
            };
        }
        DoubleBuffer b = new DoublePointer(a.data().addressPointer()).position(0).limit(a.length()).asByteBuffer()
                .order(ByteOrder.nativeOrder()).asDoubleBuffer();
        return new Access() {
            @Override public void get(int from, double[] dst, int len) { b.get(from, dst, 0, len); }

            @Override public void put(int from, double[] src, int len) { b.put(from, src, 0, len); }
        };
    }
}
