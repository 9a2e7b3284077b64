package dev.nabla.layers.kernels;

import dev.nabla.api.Blas;
import dev.nabla.api.Pool;
import java.nio.FloatBuffer;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The project's direct float32 convolution for stride 1 (any kernel size, padding and dilation, one group), on the
 * Vector API: forward, input gradient and weight gradient, with no im2col columns.
 *
 * <p>A group of samples is copied into per-thread scratch as zero-padded planes stacked one after the other
 * ({@code [C][samples · Hp·Wp]}, rows of Wp = W + left + right). At stride 1 the output at padded position t of a plane
 * then reads the input at t + i·dh·Wp + j·dw for tap (i, j): every tap is the same contiguous vector load, shifted by a
 * constant, over the whole group (the padding rows and columns between rows and samples give outputs that are not
 * copied out). So:
 * <ul>
 *   <li>the forward is one correlation over the stacked planes: 4 output channels × 3 vectors of positions in 12
 *       accumulators, a tap's 3 loads shared by the 4 channels' broadcast weights;</li>
 *   <li>the input gradient is the same correlation of the output gradient, padded by dilation·(k − 1) − padding on each
 *       side, with the kernel flipped and its channel roles swapped (so padding beyond dilation·(k − 1) is not taken);</li>
 *   <li>the weight gradient correlates the output gradient (placed at the input's stacked positions, zero elsewhere)
 *       with the shifted input: 4 output channels × 3 taps in 12 lane accumulators, added into per-(channel, tap) lane
 *       sums after each group and reduced once at the end; the bias gradient sums the gradient as it is copied in.</li>
 * </ul>
 * Samples are split over the threads ({@link Blas#parallel}); each part sums its own weight gradient. Measured on
 * ResNet-20's 3×3 shapes at batch 128, one thread (BENCHMARKS.md, twelfth round): forward 5.4–7.0 ms against oneDNN's
 * 8.4 ms on two threads; weight gradient 4.8–8.5 ms against 25–27 ms for im2col + sgemm.
 *
 * <p>Loaded only when the Vector API is on ({@link Vec#on()}).
 */
final class DirectConv {
    private DirectConv() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Padded positions a group of samples covers at least (several small planes are stacked into one group). */
    static final int GROUP_POSITIONS = 1024;

    /** Whether this kernel computes this convolution: float32, one group, stride 1, int-indexable. */
    static boolean applies(ConvGeometry g, INDArray x, INDArray w, int groups) {
        return Vec.on() && groups == 1 && g.sh() == 1 && g.sw() == 1 && x.dataType() == DataType.FLOAT
                && w.dataType() == DataType.FLOAT && x.length() < Integer.MAX_VALUE / 2
                && (long) g.n() * w.size(0) * g.p() < Integer.MAX_VALUE / 2;
    }

    /** Whether the input gradient can be computed here too: padding at most dilation·(k − 1) on every side. */
    static boolean appliesToInputGrad(ConvGeometry g) {
        int fh = g.dh() * (g.kh() - 1), fw = g.dw() * (g.kw() - 1);
        return g.padTop() <= fh && g.padLeft() <= fw && bottom(g) <= fh && right(g) <= fw && bottom(g) >= 0 && right(g) >= 0;
    }

    /** Positions the forward computes per sample: its padded plane, rows and planes sharing their zero gaps ({@link #period}). */
    static long positions(ConvGeometry g) { return (long) rowsPeriod(g) * colsPeriod(g); }

    /** The input's padded plane: its rows' period and its columns' ({@link #period}), for the forward and the weight gradient. */
    private static int rowsPeriod(ConvGeometry g) { return period(g.h(), g.padTop(), bottom(g), g.dh() * (g.kh() - 1)); }

    private static int colsPeriod(ConvGeometry g) { return period(g.w(), g.padLeft(), right(g), g.dw() * (g.kw() - 1)); }

    private static int bottom(ConvGeometry g) { return g.oh() + g.dh() * (g.kh() - 1) - g.h() - g.padTop(); }

    private static int right(ConvGeometry g) { return g.ow() + g.dw() * (g.kw() - 1) - g.w() - g.padLeft(); }

    /**
     * The period of a padded plane's rows (or of its columns): {@code size} between {@code before} and {@code after}
     * zeros, where one plane's (or row's) trailing zeros are the next one's leading zeros, so that only the larger of the
     * two is stored. An output then never reads past the shared gap into the next plane's data (reads reach at most
     * {@code reach} = dilation·(k − 1) beyond an output's own position), and the outputs of one row still fit in a
     * period when the smaller padding is at most the reach; otherwise both are stored. A 3×3 convolution with padding 1
     * on 8×8 planes then computes 81 positions per plane instead of 100.
     */
    private static int period(int size, int before, int after, int reach) {
        return size + (Math.min(before, after) <= reach ? Math.max(before, after) : before + after);
    }

    private static int round(int v, int m) { return (v + m - 1) / m * m; }

    /** The planes of one layout: stacked planes of hp × wp, a group of {@code group} samples, span positions. */
    private record Stack(int hp, int wp, int group, int span, int plane, int[] off) {
        int pl() { return hp * wp; }

        /** Positions per sample hp·wp; a span rounded to {@code unit}; taps' offsets (rounded up to {@code taps}). */
        static Stack of(int hp, int wp, int n, int kh, int kw, int dh, int dw, int unit, int tapsRounded) {
            int pl = hp * wp, group = Math.max(1, Math.min(n, GROUP_POSITIONS / pl + 1));
            int span = round(group * pl, unit);
            int[] off = new int[tapsRounded];
            for (int i = 0; i < kh; i++) for (int j = 0; j < kw; j++) off[i * kw + j] = i * dh * wp + j * dw;
            int maxOff = (kh - 1) * dh * wp + (kw - 1) * dw;
            return new Stack(hp, wp, group, span, span + maxOff + 3 * L, off);
        }
    }

    // ---------------------------------------------------------------- forward

    static INDArray forward(ConvGeometry g, INDArray x, INDArray w, INDArray bias) {
        INDArray xc = Blas.denseC(x);
        int n = g.n(), c = g.c(), co = (int) w.size(0), taps = g.kh() * g.kw(), co4 = round(co, 4);
        float[] wt = new float[c * taps * co4];   // [o / 4][ci][tap][o % 4], o padded to 4
        float[] wa = Heap.floats(w);
        for (int o = 0; o < co; o++) for (int ck = 0; ck < c * taps; ck++) wt[blocked(ck, o, c * taps)] = wa[o * c * taps + ck];
        float[] b = bias == null ? null : (bias.dataType() == DataType.FLOAT ? bias : bias.castTo(DataType.FLOAT)).toFloatVector();
        Stack st = Stack.of(rowsPeriod(g), colsPeriod(g), n, g.kh(), g.kw(), g.dh(), g.dw(), 3 * L, taps);
        INDArray y = Pool.uninitialized(DataType.FLOAT, n, co, g.oh(), g.ow());
        int parts = Blas.parts(n, FastConv.samplesPerPart((long) co * c * taps * g.p()));
        Blas.parallel(parts, part -> {
            FloatBuffer xb = Blas.floats(xc), yb = Blas.floats(y);
            float[] xp = FastConv.heap(20, c * st.plane()), yp = FastConv.heap(21, co4 * st.span());
            Arrays.fill(xp, 0, c * st.plane(), 0f);
            for (int s0 = n * part / parts, end = n * (part + 1) / parts; s0 < end; s0 += st.group()) {
                int gs = Math.min(st.group(), end - s0);
                pack(xb, s0, gs, c, g.h(), g.w(), xp, st, g.padTop(), g.padLeft(), null);
                correlate(xp, st.plane(), c, wt, co4, st.off(), taps, yp, st.span());
                for (int s = 0; s < gs; s++) {
                    for (int o = 0; o < co; o++) {
                        float add = b == null ? 0f : b[o];
                        int src = o * st.span() + s * st.pl(), dst = ((s0 + s) * co + o) * g.p();
                        for (int r = 0; r < g.oh(); r++) {
                            int from = src + r * st.wp();
                            if (add != 0f) for (int q = from; q < from + g.ow(); q++) yp[q] += add;
                            yb.put(dst + r * g.ow(), yp, from, g.ow());
                        }
                    }
                }
            }
        });
        return y;
    }

    /**
     * Samples [s0, s0 + gs) of a [N, C, H, W] buffer into the stacked planes: row r of channel ch of sample s at
     * ch·plane + s·pl + (r + top)·wp + left. Positions outside the rows stay as they are (zero, from the caller); for a
     * group shorter than the stack's, the remaining samples' rows are zeroed. With {@code sums}, sums[ch] += the rows.
     */
    private static void pack(FloatBuffer src, int s0, int gs, int c, int h, int w, float[] dst, Stack st, int top, int left, double[] sums) {
        for (int s = 0; s < st.group(); s++) {
            for (int ch = 0; ch < c; ch++) {
                int base = ch * st.plane() + s * st.pl() + top * st.wp() + left;
                if (s >= gs) {
                    for (int r = 0; r < h; r++) Arrays.fill(dst, base + r * st.wp(), base + r * st.wp() + w, 0f);
                    continue;
                }
                int from = ((s0 + s) * c + ch) * h * w;
                for (int r = 0; r < h; r++) src.get(from + r * w, dst, base + r * st.wp(), w);
                if (sums != null) {
                    double t = 0;
                    for (int r = 0; r < h; r++) t += VectorMath.sum(dst, base + r * st.wp(), base + r * st.wp() + w);
                    sums[ch] += t;
                }
            }
        }
    }

    /**
     * Where the weight of correlation input (channel, tap) {@code ck} for output channel {@code o} sits in the blocked
     * layout {@link #correlate} reads, [o / 4][ck][o % 4] with {@code n} values of ck: the 4 channels a pass of the kernel
     * computes read their weights in one sequential run ({@code 16·n} bytes: 9 KB for 64 channels and a 3×3 kernel).
     * The plain layout [ck][o] put each (channel, tap) on a cache line of its own, 36 KB per pass, which pushed the
     * inputs out of L1.
     */
    private static int blocked(int ck, int o, int n) { return (o & ~3) * n + ck * 4 + (o & 3); }

    /**
     * out[o][t] = Σ_ci Σ_k wt[o / 4][ci][k][o % 4] · in[ci][t + off[k]] for t in [0, span) (a multiple of 3 lanes), o in
     * [0, co4) (a multiple of 4): 12 accumulators, positions outermost so that a block's inputs stay in L1 for every
     * channel.
     */
    static void correlate(float[] in, int plane, int cin, float[] wt, int co4, int[] off, int taps, float[] out, int span) {
        // one flat loop over (input channel, tap): C2 keeps the 12 accumulators in registers in a single loop (with a
        // tap loop nested in a channel loop of variable trip counts it boxed them: 30-800x slower, measured)
        int[] at = FastConv.ints(27, cin * taps);
        for (int ci = 0; ci < cin; ci++) for (int k = 0; k < taps; k++) at[ci * taps + k] = ci * plane + off[k];
        int n = cin * taps;
        for (int t = 0; t < span; t += 3 * L) {
            for (int o = 0; o < co4; o += 4) {
                FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
                FloatVector a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
                for (int ck = 0, wb = o * n; ck < n; ck++, wb += 4) {
                    int xo = at[ck] + t;
                    FloatVector x0 = FloatVector.fromArray(S, in, xo), x1 = FloatVector.fromArray(S, in, xo + L);
                    FloatVector x2 = FloatVector.fromArray(S, in, xo + 2 * L);
                    FloatVector v = FloatVector.broadcast(S, wt[wb]);
                    a00 = v.fma(x0, a00); a01 = v.fma(x1, a01); a02 = v.fma(x2, a02);
                    v = FloatVector.broadcast(S, wt[wb + 1]);
                    a10 = v.fma(x0, a10); a11 = v.fma(x1, a11); a12 = v.fma(x2, a12);
                    v = FloatVector.broadcast(S, wt[wb + 2]);
                    a20 = v.fma(x0, a20); a21 = v.fma(x1, a21); a22 = v.fma(x2, a22);
                    v = FloatVector.broadcast(S, wt[wb + 3]);
                    a30 = v.fma(x0, a30); a31 = v.fma(x1, a31); a32 = v.fma(x2, a32);
                }
                int y0 = o * span + t;
                a00.intoArray(out, y0); a01.intoArray(out, y0 + L); a02.intoArray(out, y0 + 2 * L);
                y0 += span;
                a10.intoArray(out, y0); a11.intoArray(out, y0 + L); a12.intoArray(out, y0 + 2 * L);
                y0 += span;
                a20.intoArray(out, y0); a21.intoArray(out, y0 + L); a22.intoArray(out, y0 + 2 * L);
                y0 += span;
                a30.intoArray(out, y0); a31.intoArray(out, y0 + L); a32.intoArray(out, y0 + 2 * L);
            }
        }
    }

    // ---------------------------------------------------------------- backward

    /** {dx or null, dW or null, db or null}; dx only where {@link #appliesToInputGrad}. */
    static INDArray[] backward(ConvGeometry g, INDArray x, INDArray w, INDArray gOut, boolean dxNeeded, boolean dwNeeded, boolean dbNeeded) {
        INDArray xc = Blas.denseC(x), gc = Blas.denseC(gOut.dataType() == DataType.FLOAT ? gOut : gOut.castTo(DataType.FLOAT));
        int n = g.n(), c = g.c(), co = (int) w.size(0), kh = g.kh(), kw = g.kw(), taps = kh * kw;
        int co4 = round(co, 4), c4 = round(c, 4), taps3 = round(taps, 3);
        float[] wa = Heap.floats(w);
        // the input gradient: the gradient padded by dilation·(k − 1) − padding, the kernel flipped, roles swapped
        int fh = g.dh() * (kh - 1), fw = g.dw() * (kw - 1);
        Stack sq = dxNeeded ? Stack.of(period(g.oh(), fh - g.padTop(), fh - bottom(g), fh), period(g.ow(), fw - g.padLeft(), fw - right(g), fw), n, kh, kw,
                g.dh(), g.dw(), 3 * L, taps) : null;
        float[] wx = null;
        if (dxNeeded) {
            wx = new float[co * taps * c4];   // [ci / 4][o][tap][ci % 4], the tap flipped
            for (int o = 0; o < co; o++)
                for (int ci = 0; ci < c; ci++)
                    for (int k = 0; k < taps; k++) wx[blocked(o * taps + k, ci, co * taps)] = wa[(o * c + ci) * taps + taps - 1 - k];
        }
        Stack sx = dwNeeded ? Stack.of(rowsPeriod(g), colsPeriod(g), n, kh, kw, g.dh(), g.dw(), L, taps3) : null;
        INDArray dx = dxNeeded ? Pool.uninitialized(DataType.FLOAT, n, c, g.h(), g.w()) : null;
        long macs = (long) co * c * taps * g.p() * ((dxNeeded ? 1 : 0) + (dwNeeded ? 1 : 0));
        int parts = Blas.parts(n, FastConv.samplesPerPart(Math.max(1, macs)));
        float[][] lanes = new float[parts][];
        double[][] db = new double[parts][];
        final Stack fsq = sq;
        final float[] fwx = wx;
        Blas.parallel(parts, part -> {
            FloatBuffer xb = Blas.floats(xc), gb = Blas.floats(gc), dxb = dx == null ? null : Blas.floats(dx);
            float[] xp = null, gp = null, gq = null, dxp = null, acc = null;
            if (dwNeeded) {
                xp = FastConv.heap(22, c * sx.plane());
                gp = FastConv.heap(23, co4 * sx.plane());
                Arrays.fill(xp, 0, c * sx.plane(), 0f);
                Arrays.fill(gp, 0, co4 * sx.plane(), 0f);
                acc = new float[co4 * c * taps3 * L];
            }
            if (dxNeeded) {
                gq = FastConv.heap(24, co * fsq.plane());
                dxp = FastConv.heap(25, c4 * fsq.span());
                Arrays.fill(gq, 0, co * fsq.plane(), 0f);
            }
            double[] bsum = dbNeeded ? new double[co] : null;
            int from = n * part / parts, end = n * (part + 1) / parts;
            if (dwNeeded) {   // dW, with db summed as the gradient is packed
                for (int s0 = from; s0 < end; s0 += sx.group()) {
                    int gs = Math.min(sx.group(), end - s0);
                    pack(xb, s0, gs, c, g.h(), g.w(), xp, sx, g.padTop(), g.padLeft(), null);
                    pack(gb, s0, gs, co, g.oh(), g.ow(), gp, sx, 0, 0, bsum);
                    weightCorrelate(xp, sx.plane(), c, gp, co4, sx.off(), taps3, acc, sx.span());
                }
            } else if (dbNeeded) {
                for (int s = from; s < end; s++)
                    for (int o = 0; o < co; o++) bsum[o] += sum(gb, (s * co + o) * g.p(), g.p());
            }
            if (dxNeeded) {
                for (int s0 = from; s0 < end; s0 += fsq.group()) {
                    int gs = Math.min(fsq.group(), end - s0);
                    pack(gb, s0, gs, co, g.oh(), g.ow(), gq, fsq, fh - g.padTop(), fw - g.padLeft(), null);
                    correlate(gq, fsq.plane(), co, fwx, c4, fsq.off(), taps, dxp, fsq.span());
                    for (int s = 0; s < gs; s++)
                        for (int ci = 0; ci < c; ci++) {
                            int src = ci * fsq.span() + s * fsq.pl(), dst = ((s0 + s) * c + ci) * g.h() * g.w();
                            for (int r = 0; r < g.h(); r++) dxb.put(dst + r * g.w(), dxp, src + r * fsq.wp(), g.w());
                        }
                }
            }
            lanes[part] = acc;
            db[part] = bsum;
        });
        INDArray dwOut = null, dbOut = null;
        if (dwNeeded) {
            float[] d = new float[co * c * taps];
            for (int o = 0; o < co; o++)
                for (int ci = 0; ci < c; ci++)
                    for (int k = 0; k < taps; k++) {
                        int at = ((o * c + ci) * taps3 + k) * L;
                        float t = 0;
                        for (float[] a : lanes) t += FloatVector.fromArray(S, a, at).reduceLanes(VectorOperators.ADD);
                        d[(o * c + ci) * taps + k] = t;
                    }
            dwOut = Pool.uninitialized(DataType.FLOAT, w.shape());
            Blas.floats(dwOut).put(0, d);
        }
        if (dbNeeded) {
            float[] b = new float[co];
            for (int o = 0; o < co; o++) {
                double t = 0;
                for (double[] p : db) t += p[o];
                b[o] = (float) t;
            }
            dbOut = Nd4j.createFromArray(b);
        }
        return new INDArray[] {dx, dwOut, dbOut};
    }

    private static double sum(FloatBuffer b, int from, int len) {
        float[] h = Mem.f(26, Math.min(len, Mem.chunk()));
        double t = 0;
        for (int o = 0; o < len; o += h.length) {
            int l = Math.min(h.length, len - o);
            b.get(from + o, h, 0, l);
            t += VectorMath.sum(h, 0, l);
        }
        return t;
    }

    /**
     * acc[o][ci][k][lane] += Σ_t gp[o][t] · xp[ci][t + off[k]] over t in [0, span) (a multiple of the lanes), for taps
     * in threes (taps3 a multiple of 3; the padding taps' sums are never read) and output channels in fours (co4).
     */
    static void weightCorrelate(float[] xp, int plane, int c, float[] gp, int co4, int[] off, int taps3, float[] acc, int span) {
        for (int ci = 0; ci < c; ci++) {
            for (int o = 0; o < co4; o += 4) {
                for (int k = 0; k < taps3; k += 3) {
                    int xa = ci * plane + off[k], xb = ci * plane + off[k + 1], xc = ci * plane + off[k + 2];
                    FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a10 = a00, a11 = a00, a12 = a00;
                    FloatVector a20 = a00, a21 = a00, a22 = a00, a30 = a00, a31 = a00, a32 = a00;
                    int g0 = o * plane, g1 = g0 + plane, g2 = g1 + plane, g3 = g2 + plane;
                    for (int t = 0; t < span; t += L) {
                        FloatVector x0 = FloatVector.fromArray(S, xp, xa + t), x1 = FloatVector.fromArray(S, xp, xb + t);
                        FloatVector x2 = FloatVector.fromArray(S, xp, xc + t);
                        FloatVector v = FloatVector.fromArray(S, gp, g0 + t);
                        a00 = v.fma(x0, a00); a01 = v.fma(x1, a01); a02 = v.fma(x2, a02);
                        v = FloatVector.fromArray(S, gp, g1 + t);
                        a10 = v.fma(x0, a10); a11 = v.fma(x1, a11); a12 = v.fma(x2, a12);
                        v = FloatVector.fromArray(S, gp, g2 + t);
                        a20 = v.fma(x0, a20); a21 = v.fma(x1, a21); a22 = v.fma(x2, a22);
                        v = FloatVector.fromArray(S, gp, g3 + t);
                        a30 = v.fma(x0, a30); a31 = v.fma(x1, a31); a32 = v.fma(x2, a32);
                    }
                    int stride = c * taps3 * L, base = ((o * c + ci) * taps3 + k) * L;
                    // written out, not a helper taking vectors: one that C2 does not inline boxes them
                    int p0 = base;
                    FloatVector.fromArray(S, acc, p0).add(a00).intoArray(acc, p0);
                    FloatVector.fromArray(S, acc, p0 + L).add(a01).intoArray(acc, p0 + L);
                    FloatVector.fromArray(S, acc, p0 + 2 * L).add(a02).intoArray(acc, p0 + 2 * L);
                    int p1 = base + stride;
                    FloatVector.fromArray(S, acc, p1).add(a10).intoArray(acc, p1);
                    FloatVector.fromArray(S, acc, p1 + L).add(a11).intoArray(acc, p1 + L);
                    FloatVector.fromArray(S, acc, p1 + 2 * L).add(a12).intoArray(acc, p1 + 2 * L);
                    int p2 = base + 2 * stride;
                    FloatVector.fromArray(S, acc, p2).add(a20).intoArray(acc, p2);
                    FloatVector.fromArray(S, acc, p2 + L).add(a21).intoArray(acc, p2 + L);
                    FloatVector.fromArray(S, acc, p2 + 2 * L).add(a22).intoArray(acc, p2 + 2 * L);
                    int p3 = base + 3 * stride;
                    FloatVector.fromArray(S, acc, p3).add(a30).intoArray(acc, p3);
                    FloatVector.fromArray(S, acc, p3 + L).add(a31).intoArray(acc, p3 + L);
                    FloatVector.fromArray(S, acc, p3 + 2 * L).add(a32).intoArray(acc, p3 + 2 * L);
                }
            }
        }
    }

}
