package dev.nabla.layers.kernels;

import dev.nabla.api.Blas;
import dev.nabla.api.Function;
import dev.nabla.api.Pool;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Dropout as one pass, float32 or float64: y = x·keep/(1 − p), where element e is kept unless the 32-bit draw of a
 * counter-based generator (SplitMix64 of the call's seed and e/2, one half of the word each) falls below p·2³², so
 * the mask depends on the seed and the element alone, not on how the pass is split over the threads. The mask is
 * kept as bits (n/8 bytes) for the backward, dx = g·keep/(1 − p), also one pass. Before: a double array of uniform
 * draws, a comparison, a cast, a product and a division, each a full pass with its own output.
 *
 * <p>Internal: public only for {@code dev.nabla.layers}; not part of the public API.
 */
public final class DropoutFunction extends Function {
    /** Elements per part below which a pass stays on the calling thread. */
    private static final long MIN_PER_PART = 1 << 15;

    private final double p;
    private final long seed;
    private final long threshold;
    private long[] keep;

    /** Drops with probability p in (0, 1), from the stream of {@code seed}. */
    public DropoutFunction(double p, long seed) {
        if (!(p > 0 && p < 1)) throw new IllegalArgumentException("DropoutFunction: expected a probability in (0, 1), got " + p);
        this.p = p;
        this.seed = seed;
        this.threshold = (long) Math.rint(p * 4294967296.0);
    }

    /** Whether this op takes this array: float32 or float64, int-indexable. */
    public static boolean applies(INDArray x) { return Mem.supported(x); }

    @Override protected INDArray forward(INDArray... in) {
        INDArray x = Blas.denseC(in[0]);
        int n = (int) x.length();
        INDArray y = Pool.uninitialized(x.dataType(), x.shape());
        long[] bits = new long[(n + 63) >>> 6];
        double scale = 1 / (1 - p);
        sweep(n, (from, len, hx, fx) -> {
            if (hx != null) {
                for (int i = 0; i < len; i++) {
                    boolean k = kept(from + i);
                    if (k) bits[(from + i) >>> 6] |= 1L << (from + i);
                    hx[i] = k ? hx[i] * scale : 0;
                }
            } else {
                float s = (float) scale;
                for (int i = 0; i < len; i++) {
                    boolean k = kept(from + i);
                    if (k) bits[(from + i) >>> 6] |= 1L << (from + i);
                    fx[i] = k ? fx[i] * s : 0f;
                }
            }
        }, x, y);
        keep = bits;
        return y;
    }

    @Override protected INDArray[] backward(INDArray gOut) {
        if (keep == null) throw new IllegalStateException(name() + ": no mask (the forward did not run)");
        long[] bits = keep;
        DataType type = gOut.dataType();
        INDArray g = Blas.denseC(gOut);
        int n = (int) g.length();
        INDArray dx = Pool.uninitialized(type, g.shape());
        double scale = 1 / (1 - p);
        sweep(n, (from, len, hx, fx) -> {
            if (hx != null) {
                for (int i = 0; i < len; i++) hx[i] = (bits[(from + i) >>> 6] >>> (from + i) & 1) != 0 ? hx[i] * scale : 0;
            } else {
                float s = (float) scale;
                for (int i = 0; i < len; i++) fx[i] = (bits[(from + i) >>> 6] >>> (from + i) & 1) != 0 ? fx[i] * s : 0f;
            }
        }, g, dx);
        return new INDArray[] {dx};
    }

    /** Whether element e is kept: the half of word e/2 of the seed's SplitMix64 stream that e picks, against p·2³². */
    private boolean kept(int e) {
        long z = seed + (long) ((e >>> 1) + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        long u = (e & 1) == 0 ? z & 0xFFFFFFFFL : z >>> 32;
        return u >= threshold;
    }

    /** A chunk's body: elements from..from+len of the source, in hx (float64) or fx (float32), rewritten in place. */
    @FunctionalInterface
    private interface Body {
        void apply(int from, int len, double[] hx, float[] fx);
    }

    /**
     * Reads src in chunks into heap scratch, runs the body, writes the chunk to dst; parts split at multiples of 64
     * elements, so that each word of the mask is written by one thread.
     */
    private static void sweep(int n, Body body, INDArray src, INDArray dst) {
        boolean f32 = src.dataType() == DataType.FLOAT;
        int words = (n + 63) >>> 6;
        int parts = (int) Math.min(words, Blas.parts(n, MIN_PER_PART));
        Blas.parallel(parts, part -> {
            int from = (int) ((long) words * part / parts) << 6, to = (int) Math.min(n, ((long) words * (part + 1) / parts) << 6);
            int chunk = Math.max(64, Mem.chunk() & ~63);
            if (f32) {
                FloatBuffer s = Mem.floats(src), d = Mem.floats(dst);
                float[] h = Mem.f(0, chunk);
                for (int at = from; at < to; at += chunk) {
                    int len = Math.min(chunk, to - at);
                    s.get(at, h, 0, len);
                    body.apply(at, len, null, h);
                    d.put(at, h, 0, len);
                }
            } else {
                DoubleBuffer s = Mem.doubles(src), d = Mem.doubles(dst);
                double[] h = Mem.d(0, chunk);
                for (int at = from; at < to; at += chunk) {
                    int len = Math.min(chunk, to - at);
                    s.get(at, h, 0, len);
                    body.apply(at, len, h, null);
                    d.put(at, h, 0, len);
                }
            }
        });
    }

    @Override protected void releaseSaved() { keep = null; }
}
