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
 * kept as bits (n/8 bytes) for the backward, dx = g·keep/(1 − p), also one pass. Each chunk's factors (1/(1 − p) or 0)
 * are drawn without branches into scratch and multiplied in a loop C2 vectorises, so a NaN stays NaN as in PyTorch's
 * input·mask. Before: a double array of uniform draws, a comparison, a cast, a product and a division, each a full
 * pass with its own output.
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
        float s = (float) scale;
        sweep(n, (from, len, mh, mf) -> draw(from, len, bits, mh, mf, scale, s), x, y);
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
        float s = (float) scale;
        sweep(n, (from, len, mh, mf) -> expand(from, len, bits, mh, mf, scale, s), g, dx);
        return new INDArray[] {dx};
    }

    /**
     * Draws the mask of elements from..from+len (from a multiple of 64): sets their bits and writes each element's
     * factor (scale where kept, 0 where dropped) into mh (float64) or mf (float32). Element e is kept unless the half
     * of word e/2 of the seed's SplitMix64 stream that e picks (low half for even e) falls below p·2³²: one hash per
     * pair of elements, a word of the mask at a time.
     */
    private void draw(int from, int len, long[] bits, double[] mh, float[] mf, double scale, float s) {
        int done = mf != null && vectorMask() ? VectorMath.dropoutDraw(seed, threshold, from, len, bits, mf, s) : 0;
        int sf = Float.floatToRawIntBits(s);
        long sd = Double.doubleToRawLongBits(scale);
        for (int w = done; w < len; w += 64) {   // what the Vector API path left: all, or a last word shorter than 64
            int m = Math.min(64, len - w), e0 = from + w;
            long word = 0;
            for (int j = 0; j < m; j += 2) {
                long z = seed + (long) (((e0 + j) >>> 1) + 1) * 0x9E3779B97F4A7C15L;
                z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
                z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
                z ^= z >>> 31;
                // 1 where kept (the draw at or above the threshold), without a branch: p of the draws would mispredict
                long lo = (((z & 0xFFFFFFFFL) - threshold) >>> 63) ^ 1, hi = (((z >>> 32) - threshold) >>> 63) ^ 1;
                word |= (lo | hi << 1) << j;
                if (mf != null) {
                    mf[w + j] = Float.intBitsToFloat(sf & -(int) lo);
                    if (j + 1 < m) mf[w + j + 1] = Float.intBitsToFloat(sf & -(int) hi);
                } else {
                    mh[w + j] = Double.longBitsToDouble(sd & -lo);
                    if (j + 1 < m) mh[w + j + 1] = Double.longBitsToDouble(sd & -hi);
                }
            }
            if (m < 64) word &= (1L << m) - 1;   // the draw for an element past the end of an odd length
            bits[e0 >>> 6] = word;
        }
    }

    /** The factors of elements from..from+len (from a multiple of 64) from the kept bits, into mh or mf, without branches. */
    private static void expand(int from, int len, long[] bits, double[] mh, float[] mf, double scale, float s) {
        int done = mf != null && vectorMask() ? VectorMath.dropoutExpand(bits, from, len, mf, s) : 0;
        int sf = Float.floatToRawIntBits(s);
        long sd = Double.doubleToRawLongBits(scale);
        for (int w = done; w < len; w += 64) {
            long word = bits[(from + w) >>> 6];
            int m = Math.min(64, len - w);
            if (mf != null) for (int i = 0; i < m; i++) mf[w + i] = Float.intBitsToFloat(sf & -(int) (word >>> i & 1));
            else for (int i = 0; i < m; i++) mh[w + i] = Double.longBitsToDouble(sd & -(word >>> i & 1));
        }
    }

    /**
     * Whether float32 masks are drawn and expanded on the Vector API ({@link VectorMath#dropoutDraw}: the same
     * generator lane-wise, 16 elements a step with AVX-512, the same bits and factors as the scalar loops below).
     */
    private static boolean vectorMask() { return Vec.on() && VectorMath.dropoutLanes(); }

    /** The factors of elements from..from+len, written into mh (float64) or mf (float32); the sweep multiplies by them. */
    @FunctionalInterface
    private interface Factors {
        void fill(int from, int len, double[] mh, float[] mf);
    }

    /**
     * Reads src in chunks into heap scratch, multiplies each chunk by its factors, writes it to dst; parts split at multiples of 64
     * elements, so that each word of the mask is written by one thread.
     */
    private static void sweep(int n, Factors factors, INDArray src, INDArray dst) {
        boolean f32 = src.dataType() == DataType.FLOAT;
        int words = (n + 63) >>> 6;
        int parts = (int) Math.min(words, Blas.parts(n, MIN_PER_PART));
        Blas.parallel(parts, part -> {
            int from = (int) ((long) words * part / parts) << 6, to = (int) Math.min(n, ((long) words * (part + 1) / parts) << 6);
            int chunk = Math.max(64, Mem.chunk() & ~63);
            if (f32) {
                FloatBuffer s = Mem.floats(src), d = Mem.floats(dst);
                float[] h = Mem.f(0, chunk), m = Mem.f(1, chunk);
                for (int at = from; at < to; at += chunk) {
                    int len = Math.min(chunk, to - at);
                    s.get(at, h, 0, len);
                    factors.fill(at, len, null, m);
                    for (int i = 0; i < len; i++) h[i] *= m[i];
                    d.put(at, h, 0, len);
                }
            } else {
                DoubleBuffer s = Mem.doubles(src), d = Mem.doubles(dst);
                double[] h = Mem.d(0, chunk), m = Mem.d(1, chunk);
                for (int at = from; at < to; at += chunk) {
                    int len = Math.min(chunk, to - at);
                    s.get(at, h, 0, len);
                    factors.fill(at, len, m, null);
                    for (int i = 0; i < len; i++) h[i] *= m[i];
                    d.put(at, h, 0, len);
                }
            }
        });
    }

    @Override protected void releaseSaved() { keep = null; }
}
