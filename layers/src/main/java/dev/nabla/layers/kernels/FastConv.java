package dev.nabla.layers.kernels;

import dev.nabla.api.Blas;
import dev.nabla.api.Pool;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The project's float32 convolution kernel on the CPU, one sample at a time (groups = 1): im2col of the sample into
 * a [C·kh·kw, OH·OW] block (small enough to stay in cache), then one GEMM straight into the sample's [Co, OH·OW]
 * block of the NCHW output — no layout change, no batch-sized column matrix. Backward per sample: dW += dZ·colᵀ,
 * db += Σ dZ, and only when the input needs a gradient dcol = Wᵀ·dZ and col2im. The samples are split over
 * {@link dev.nabla.api.Nabla#numThreads()} threads, each with its own scratch and partial dW.
 *
 * <p>Nothing is saved between forward and backward beyond the inputs: the backward redoes the sample's im2col
 * (for the course's first layer, 25 × 576 floats) instead of keeping a batch of columns alive.
 */
final class FastConv {
    private FastConv() {}

    /**
     * Each thread's off-heap blocks, reused across calls (an ND4J allocation costs ~20 µs and up, and a fresh block
     * above glibc's mmap threshold pays its page faults again every call): 0 columns, 1 a fused op's second block, 2 the
     * caller's [W | b], 3 the partial [dW | db] of a backward that runs on the caller's thread alone.
     */
    private static final ThreadLocal<INDArray[]> SCRATCH = ThreadLocal.withInitial(() -> new INDArray[4]);

    private static INDArray scratch(long floats) { return scratch(0, floats); }

    static INDArray scratch(int slot, long floats) {
        INDArray[] a = SCRATCH.get();
        INDArray s = a[slot];
        if (s == null || s.length() < floats) {
            s = Nd4j.createUninitialized(DataType.FLOAT, Math.max(floats, 1L << 14));
            a[slot] = s;
        }
        return s;
    }

    /** Each thread's scratch arrays by role and exact length (new arrays per call were ~0.25 MB of garbage a step). */
    private static final ThreadLocal<java.util.Map<Long, float[]>> HEAP = ThreadLocal.withInitial(java.util.HashMap::new);
    private static final ThreadLocal<java.util.Map<Long, int[]>> INTS = ThreadLocal.withInitial(java.util.HashMap::new);

    /** A scratch array of exactly {@code length} floats for {@code role} (0: input sample, 1: columns, 2–3: {@link FastConvPool}, 4–7: {@link FastMaxPool}, 8–9: {@link #weightGrads}), contents undefined. */
    static float[] heap(int role, int length) { return cached(HEAP.get(), role, length, float[]::new); }

    /**
     * A scratch array of exactly {@code length} ints for {@code role} on this thread, contents undefined. Roles need only
     * differ within one kernel's call (kernels do not nest on a thread): {@link FastConvPool} 0–6 and 16 + window element,
     * {@link FastMaxPool} 64–69 and 128 + window element.
     */
    static int[] ints(int role, int length) { return cached(INTS.get(), role, length, int[]::new); }

    private static <A> A cached(java.util.Map<Long, A> m, int role, int length, java.util.function.IntFunction<A> make) {
        long key = ((long) role << 32) | length;
        A a = m.get(key);
        if (a == null) {
            if (m.size() >= 256) m.clear();   // many shapes (varying input sizes): keep the cache bounded
            a = make.apply(length);
            m.put(key, a);
        }
        return a;
    }

    /**
     * Samples a thread's part needs at least so that splitting pays: 2 M multiply-adds (as {@link dev.nabla.api.Gemm}),
     * so that small batches run on the caller's thread (waking a pool thread costs tens of µs here: the batch-1 step's
     * median 1.72–1.96 ms split, 1.59–1.69 ms not).
     */
    static int samplesPerPart(long macsPerSample) {
        return (int) Math.max(2, Math.min(Integer.MAX_VALUE, (2_000_000 + macsPerSample - 1) / Math.max(1, macsPerSample)));
    }

    /**
     * [W | b]: the weight as [Co, K] with the bias as one more column, one bulk copy per row into the calling thread's
     * scratch block 2 (valid until this thread's next call; its first Co·(K + 1) floats, leading dimension K + 1).
     */
    static INDArray withBiasColumn(INDArray w, INDArray bias, int co, int k) {
        float[] b = bias.dataType() == DataType.FLOAT ? bias.toFloatVector() : bias.castTo(DataType.FLOAT).toFloatVector();
        INDArray r = scratch(2, (long) co * (k + 1));
        FloatBuffer wb = Blas.floats(w), rb = Blas.floats(r);
        for (int c = 0; c < co; c++) {
            rb.put(c * (k + 1), wb, c * k, k);
            rb.put(c * (k + 1) + k, b[c]);
        }
        return r;
    }

    /**
     * The block a backward part accumulates its [dW | db] ({@code floats} floats) in: the thread's scratch block 3 when
     * the whole backward runs on the caller's thread ({@code parts == 1}), else an array of its own (a pool thread's
     * scratch could be taken by another caller's kernel before this caller sums the parts).
     */
    static INDArray partialGrads(int parts, long floats) {
        return parts == 1 ? scratch(3, floats) : Nd4j.createUninitialized(DataType.FLOAT, floats);
    }

    /** Whether this kernel handles these arrays. */
    static boolean applies(INDArray x, INDArray w, int groups) {
        return groups == 1 && Blas.available() && x.dataType() == DataType.FLOAT && w.dataType() == DataType.FLOAT
                && x.length() < Integer.MAX_VALUE / 2;
    }

    static INDArray forward(ConvGeometry g, INDArray x, INDArray w, INDArray bias) {
        INDArray xc = Blas.denseC(x);
        int n = g.n(), co = (int) w.size(0), k = g.k(), p = g.p(), chw = g.chw();
        // with a bias, W gets it as an extra column and each column block an extra row of ones: the GEMM adds it
        // (no pass that fills the output with the bias first)
        int ka = bias == null ? k : k + 1;
        INDArray wa = bias == null ? Blas.denseC(w) : withBiasColumn(Blas.denseC(w), bias, co, k);
        INDArray y = Pool.uninitialized(DataType.FLOAT, n, co, g.oh(), g.ow());
        int parts = Blas.parts(n, samplesPerPart((long) co * ka * p));
        Blas.parallel(parts, part -> {
            FloatBuffer xb = Blas.floats(xc);
            INDArray colNd = scratch((long) ka * p);
            FloatBuffer cb = Blas.floats(colNd);
            float[] xs = heap(0, chw), col = heap(1, ka * p);
            java.util.Arrays.fill(col, k * p, ka * p, 1f);
            for (int s = n * part / parts; s < n * (part + 1) / parts; s++) {
                xb.get(s * chw, xs);
                im2col(g, xs, col);
                cb.put(0, col);
                Blas.sgemm(false, false, co, p, ka, 1f, wa, 0, ka, colNd, 0, p, 0f, y, (long) s * co * p, p);
            }
        });
        return y;
    }

    /** {dx or null, dW or null, db or null}. */
    static INDArray[] backward(ConvGeometry g, INDArray x, INDArray w, INDArray gOut, boolean dxNeeded, boolean dwNeeded, boolean dbNeeded) {
        INDArray xc = Blas.denseC(x), wc = Blas.denseC(w), gc = Blas.denseC(gOut.dataType() == DataType.FLOAT ? gOut : gOut.castTo(DataType.FLOAT));
        int n = g.n(), co = (int) w.size(0), k = g.k(), p = g.p(), chw = g.chw();
        INDArray dx = dxNeeded ? Pool.uninitialized(DataType.FLOAT, g.n(), g.c(), g.h(), g.w()) : null;
        // dW and db in one GEMM per sample: dZ·[col; 1]ᵀ = [dZ·colᵀ | Σ dZ]
        boolean wb = dwNeeded || dbNeeded;
        int ka = dbNeeded ? k + 1 : k;
        int parts = Blas.parts(n, samplesPerPart((long) co * ka * p * ((wb ? 1 : 0) + (dxNeeded ? 1 : 0))));
        INDArray[] dwPart = new INDArray[parts];
        Blas.parallel(parts, part -> {
            FloatBuffer xb = Blas.floats(xc), dxb = dx == null ? null : Blas.floats(dx);
            INDArray colNd = scratch((long) ka * p);
            FloatBuffer cb = Blas.floats(colNd);
            INDArray dw = wb ? partialGrads(parts, (long) co * ka) : null;
            float[] xs = heap(0, chw), col = heap(1, ka * p);
            java.util.Arrays.fill(col, k * p, ka * p, 1f);
            float[] dxs = dx == null ? null : new float[chw];
            boolean first = true;
            for (int s = n * part / parts; s < n * (part + 1) / parts; s++) {
                long gOff = (long) s * co * p;
                if (wb) {
                    if (dwNeeded) {
                        xb.get(s * chw, xs);
                        im2col(g, xs, col);
                    }
                    cb.put(0, col);
                    Blas.sgemm(false, true, co, ka, p, 1f, gc, gOff, p, colNd, 0, p, first ? 0f : 1f, dw, 0, ka);
                }
                if (dxs != null) {
                    Blas.sgemm(true, false, k, p, co, 1f, wc, 0, k, gc, gOff, p, 0f, colNd, 0, p);
                    cb.get(0, col, 0, k * p);
                    java.util.Arrays.fill(dxs, 0f);
                    col2im(g, col, dxs);
                    dxb.put(s * chw, dxs);
                }
                first = false;
            }
            dwPart[part] = dw;
        });
        INDArray[] r = wb ? weightGrads(dwPart, co, k, w.shape(), dwNeeded, dbNeeded) : new INDArray[2];
        return new INDArray[] {dx, r[0], r[1]};
    }

    /**
     * {dW or null, db or null} from the threads' partial [dW | db] blocks ([Co, K] or, with db, [Co, K + 1]): summed
     * over the parts, then split by rows in Java (ND4J's slicing costs ~20 µs a call).
     */
    static INDArray[] weightGrads(INDArray[] dwPart, int co, int k, long[] wShape, boolean dwNeeded, boolean dbNeeded) {
        int ka = dbNeeded ? k + 1 : k;
        float[] sum = heap(8, co * ka);
        Blas.floats(dwPart[0]).get(0, sum);
        if (dwPart.length > 1) {
            float[] part = heap(9, co * ka);
            for (int i = 1; i < dwPart.length; i++) {
                Blas.floats(dwPart[i]).get(0, part);
                for (int e = 0; e < sum.length; e++) sum[e] += part[e];
            }
        }
        INDArray dw = null, db = null;
        if (dwNeeded) {
            dw = Pool.uninitialized(DataType.FLOAT, wShape);   // the tape hands it back to the pool once accumulated
            FloatBuffer d = Blas.floats(dw);
            for (int c = 0; c < co; c++) d.put(c * k, sum, c * ka, k);
        }
        if (dbNeeded) {
            float[] b = new float[co];
            for (int c = 0; c < co; c++) b[c] = sum[c * ka + k];
            db = Nd4j.createFromArray(b);
        }
        return new INDArray[] {dw, db};
    }

    /**
     * One sample's columns: col[r·P + q] = xs at row r = (c, i, j) and output position q (0 where the window is over
     * padding), for the first K·P entries of col (it may have more). With unit stride along the width and output rows
     * of 16 or more, row by row of the output: a window row is zeros outside the input and a copy of a run of the input
     * row inside (16 channels at 32×32, 3×3, pad 1: 29 against 67 µs a sample for the table gather); otherwise, and for
     * shorter rows where the per-run calls cost more than they save (64 channels at 8×8: 25 against 14 µs), the gather
     * through {@link ConvGeometry#table()}.
     */
    static void im2col(ConvGeometry g, float[] xs, float[] col) {
        if (g.sw() != 1 || g.ow() < 16) {
            gather(g.table(), xs, col);
            return;
        }
        int h = g.h(), w = g.w(), kh = g.kh(), kw = g.kw(), sh = g.sh(), oh = g.oh(), ow = g.ow(), p = oh * ow;
        for (int ci = 0; ci < g.c(); ci++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int row = ((ci * kh + i) * kw + j) * p, off = j * g.dw() - g.padLeft();
                    int x0 = Math.min(ow, Math.max(0, -off)), x1 = Math.max(x0, Math.min(ow, w - off));
                    for (int y = 0; y < oh; y++) {
                        int iy = y * sh - g.padTop() + i * g.dh(), d = row + y * ow;
                        if (iy < 0 || iy >= h) {
                            java.util.Arrays.fill(col, d, d + ow, 0f);
                            continue;
                        }
                        if (x0 > 0) java.util.Arrays.fill(col, d, d + x0, 0f);
                        if (x1 > x0) System.arraycopy(xs, (ci * h + iy) * w + off + x0, col, d + x0, x1 - x0);
                        if (x1 < ow) java.util.Arrays.fill(col, d + x1, d + ow, 0f);
                    }
                }
            }
        }
    }

    private static void gather(int[] t, float[] xs, float[] col) {
        for (int i = 0; i < t.length; i++) {
            int o = t[i];
            col[i] = o < 0 ? 0f : xs[o];
        }
    }

    /**
     * dxs += the columns scattered back to one sample ({@link #im2col}'s adjoint), through the offset table: a
     * row-wise add measured 1.3–2.2× the scatter's time (short runs, and the scatter's loads stay in cache).
     */
    static void col2im(ConvGeometry g, float[] col, float[] dxs) {
        int[] t = g.table();
        for (int i = 0; i < t.length; i++) {
            int o = t[i];
            if (o >= 0) dxs[o] += col[i];
        }
    }
}
