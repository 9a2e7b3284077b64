package dev.nabla.layers.kernels;

import dev.nabla.api.Blas;
import dev.nabla.api.Pool;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The project's float32 kernel for a convolution followed by a max-pooling, one sample at a time (the pair fused by
 * {@code Conv2d} inside a {@link dev.nabla.api.Sequential}). The convolution's output never reaches memory as a
 * tensor: the sample's im2col and GEMM (as {@link FastConv}, but producing [OH·OW, Co], channels last) land in a
 * per-thread block that stays in cache, and the pooling reads it from there. With the channels of one position
 * contiguous, each window element of every window is one bulk copy of Co values, so that the max and first-index
 * passes run over whole [windows · Co] rows, which C2 vectorizes (NCHW planes need a gather per element instead:
 * {@link FastMaxPool}). The backward scatters the pooled gradient into a cache-resident [OH·OW, Co] block per sample
 * (the first maximum of each window, as PyTorch routes ties) and runs {@link FastConv}'s weight and input GEMMs on it:
 * neither the convolution's output nor its gradient (each N·Co·OH·OW floats) is ever allocated.
 */
final class FastConvPool {
    private FastConvPool() {}

    /**
     * The pooled output [N, Co, POH, POW]; {@code arg} receives, for each pooled value ([N, POH·POW, Co], channels last), the position (oy·OW + ox) in the
     * convolution's output plane of the window's first maximum. {@code pg} is the pooling over one [OH, OW] plane, every
     * window inside it.
     */
    static INDArray forward(ConvGeometry g, PoolGeometry pg, INDArray x, INDArray w, INDArray bias, int[] arg) {
        INDArray xc = Blas.denseC(x);
        int n = g.n(), co = (int) w.size(0), k = g.k(), p = g.p(), chw = g.chw();
        int ka = bias == null ? k : k + 1;
        INDArray wa = bias == null ? Blas.denseC(w) : FastConv.withBiasColumn(Blas.denseC(w), bias, co, k);
        int[] tab = FastMaxPool.windowTable(pg);
        int nw = pg.oh() * pg.ow(), ne = pg.kh() * pg.kw(), wc = nw * co;
        INDArray y = Pool.uninitialized(DataType.FLOAT, n, co, pg.oh(), pg.ow());
        int parts = Blas.parts(n, FastConv.samplesPerPart((long) co * ka * p));
        Blas.parallel(parts, part -> {
            FloatBuffer xb = Blas.floats(xc);
            IntBuffer yb = Blas.bits(y);
            INDArray colNd = FastConv.scratch(0, (long) ka * p), zNd = FastConv.scratch(1, (long) p * co);
            FloatBuffer cb = Blas.floats(colNd);
            IntBuffer zb = Blas.bits(zNd);
            float[] xs = FastConv.heap(0, chw), col = FastConv.heap(1, ka * p);
            java.util.Arrays.fill(col, k * p, ka * p, 1f);
            int[] bits = FastConv.ints(0, p * co), keys = FastConv.ints(1, p * co), m = FastConv.ints(2, wc), rk = FastConv.ints(3, wc),
                    ys = FastConv.ints(4, wc), off = FastConv.ints(5, ne), base = FastConv.ints(6, wc);
            int[][] e = new int[ne][];
            for (int el = 0; el < ne; el++) e[el] = FastConv.ints(16 + el, wc);
            for (int el = 0; el < ne; el++) off[el] = tab[el * nw] - tab[0];
            for (int q = 0; q < nw; q++) java.util.Arrays.fill(base, q * co, (q + 1) * co, tab[q]);
            for (int s = n * part / parts; s < n * (part + 1) / parts; s++) {
                xb.get(s * chw, xs);
                FastConv.im2col(g, xs, col);
                cb.put(0, col);
                // Z[p, co] = colᵀ·[W | b]ᵀ: the sample's convolution, channels last
                Blas.sgemm(true, true, p, co, ka, 1f, colNd, 0, p, wa, 0, ka, 0f, zNd, 0, co);
                zb.get(0, bits);
                poolSample(bits, keys, tab, off, base, ne, nw, co, e, m, rk, ys, arg, s * wc);
                yb.put(s * wc, ys);
            }
        });
        return y;
    }

    /**
     * One sample's pooling of Z [P, Co] (its bits): ys[c·NW + q] gets the bits of window q's first maximum in channel c,
     * arg[argOff + q·Co + c] its position. {@code off[el]}: element el's position relative to its window's first;
     * {@code base[q·Co + c]}: window q's first position. A method of its own, so that C2 compiles it whole (not on-stack
     * inside the caller's loop over samples) and vectorizes its passes: inlined in that loop they ran 3–4× slower.
     */
    private static void poolSample(int[] bits, int[] keys, int[] tab, int[] off, int[] base, int ne, int nw, int co, int[][] e,
                                   int[] m, int[] rk, int[] ys, int[] arg, int argOff) {
        int wc = nw * co;
        FastMaxPool.orderKeys(bits, keys, bits.length);
        for (int el = 0; el < ne; el++) {          // e[el][q·Co + c] = key of element el of window q, channel c
            int[] dst = e[el];
            for (int q = 0; q < nw; q++) System.arraycopy(keys, tab[el * nw + q] * co, dst, q * co, co);
        }
        System.arraycopy(e[0], 0, m, 0, wc);
        for (int el = 1; el < ne; el++) FastMaxPool.maxInto(e[el], m, wc);
        for (int el = ne - 1; el >= 0; el--) FastMaxPool.firstIndex(e[el], m, rk, off[el], wc);   // some element holds the max
        addInto(rk, base, wc);                      // rk: the positions
        System.arraycopy(rk, 0, arg, argOff, wc);
        for (int q = 0, j = 0; q < nw; q++) {
            for (int c = 0; c < co; c++, j++) ys[c * nw + q] = bits[rk[j] * co + c];
        }
    }

    /** v[i] += a[i]. */
    private static void addInto(int[] v, int[] a, int n) {
        for (int i = 0; i < n; i++) v[i] += a[i];
    }

    /** {dx or null, dW or null, db or null} from the pooled output's gradient and the forward's {@code arg}. */
    static INDArray[] backward(ConvGeometry g, PoolGeometry pg, INDArray x, INDArray w, INDArray gOut, int[] arg,
                               boolean dxNeeded, boolean dwNeeded, boolean dbNeeded) {
        INDArray xc = Blas.denseC(x), wcNd = Blas.denseC(w), gc = Blas.denseC(gOut.dataType() == DataType.FLOAT ? gOut : gOut.castTo(DataType.FLOAT));
        int n = g.n(), co = (int) w.size(0), k = g.k(), p = g.p(), chw = g.chw();
        int nw = pg.oh() * pg.ow(), wc = nw * co;
        INDArray dx = dxNeeded ? Pool.uninitialized(DataType.FLOAT, g.n(), g.c(), g.h(), g.w()) : null;
        boolean wb = dwNeeded || dbNeeded;
        int ka = dbNeeded ? k + 1 : k;
        int parts = Blas.parts(n, FastConv.samplesPerPart((long) co * ka * p * ((wb ? 1 : 0) + (dxNeeded ? 1 : 0))));
        INDArray[] dwPart = new INDArray[parts];
        Blas.parallel(parts, part -> {
            FloatBuffer xb = Blas.floats(xc), gb = Blas.floats(gc), dxb = dx == null ? null : Blas.floats(dx);
            INDArray colNd = FastConv.scratch(0, (long) ka * p), dzNd = FastConv.scratch(1, (long) p * co);
            FloatBuffer cb = Blas.floats(colNd), dzb = Blas.floats(dzNd);
            INDArray dw = wb ? FastConv.partialGrads(parts, (long) co * ka) : null;
            float[] xs = FastConv.heap(0, chw), col = FastConv.heap(1, ka * p), dz = FastConv.heap(2, p * co), gs = FastConv.heap(3, wc);
            java.util.Arrays.fill(col, k * p, ka * p, 1f);
            float[] dxs = dx == null ? null : new float[chw];
            boolean first = true;
            for (int s = n * part / parts; s < n * (part + 1) / parts; s++) {
                gb.get(s * wc, gs);
                java.util.Arrays.fill(dz, 0f);
                int argOff = s * wc;
                for (int q = 0, j = argOff; q < nw; q++) {   // dZ[pos, c] += g: overlapping windows may share a maximum
                    for (int c = 0; c < co; c++, j++) dz[arg[j] * co + c] += gs[c * nw + q];
                }
                dzb.put(0, dz);
                if (wb) {
                    if (dwNeeded) {
                        xb.get(s * chw, xs);
                        FastConv.im2col(g, xs, col);
                    }
                    cb.put(0, col);
                    // [dW | db] += dZᵀ·[col; 1]ᵀ
                    Blas.sgemm(true, true, co, ka, p, 1f, dzNd, 0, co, colNd, 0, p, first ? 0f : 1f, dw, 0, ka);
                }
                if (dxs != null) {   // dcol = Wᵀ·dZᵀ, then col2im
                    Blas.sgemm(true, true, k, p, co, 1f, wcNd, 0, k, dzNd, 0, co, 0f, colNd, 0, p);
                    cb.get(0, col, 0, k * p);
                    java.util.Arrays.fill(dxs, 0f);
                    FastConv.col2im(g, col, dxs);
                    dxb.put(s * chw, dxs);
                }
                first = false;
            }
            dwPart[part] = dw;
        });
        INDArray[] r = wb ? FastConv.weightGrads(dwPart, co, k, w.shape(), dwNeeded, dbNeeded) : new INDArray[2];
        return new INDArray[] {dx, r[0], r[1]};
    }
}
