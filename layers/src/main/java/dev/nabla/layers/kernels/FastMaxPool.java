package dev.nabla.layers.kernels;

import dev.nabla.api.Blas;
import dev.nabla.api.Pool;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The project's float32 max-pooling kernel on the CPU: each [H, W] plane is read into a small Java array in one
 * bulk copy, swept with the argmax kept (an int per output; branch-free and window-major when every window lies inside
 * a plane of 16 windows or more, see {@link #windowSweep}), and written back in one copy; the backward zeroes a
 * plane and scatters the output gradient to the kept argmax positions. Planes are split over
 * {@link dev.nabla.api.Nabla#numThreads()} threads. Handles every option of {@link PoolGeometry} (padding, dilation,
 * ceil mode), NaN propagating as PyTorch.
 */
final class FastMaxPool {
    private FastMaxPool() {}

    static boolean applies(INDArray x) {
        return Blas.available() && x.dataType() == DataType.FLOAT && x.length() < Integer.MAX_VALUE / 2;
    }

    /**
     * The pooled output; {@code arg} receives each output's plane-local argmax: the branch-free window sweep where every
     * window lies inside the plane, else {@link #loopForward}.
     */
    static INDArray forward(PoolGeometry g, INDArray x, int[] arg, long[] outShape) {
        if (!g.windowsInside()) return loopForward(g, x, arg, outShape);
        INDArray xc = Blas.denseC(x);
        INDArray y = Pool.uninitialized(DataType.FLOAT, outShape);
        int planes = g.planes(), hw = g.h() * g.w(), ohw = g.oh() * g.ow();
        int parts = Blas.parts(planes, planesPerPart(hw));
        int ne = g.kh() * g.kw();
        // small planes (fewer than 16 windows: the course's second pooling has 4) are swept many at once, as one plane
        int cnt = ohw >= 16 ? 1 : Math.max(1, 1024 / ohw);
        Blas.parallel(parts, part -> {
            java.nio.IntBuffer xb = Blas.bits(xc), yb = Blas.bits(y);
            int from = planes * part / parts, to = planes * (part + 1) / parts;
            int[] bits = FastConv.ints(64, cnt * hw), keys = FastConv.ints(65, cnt * hw), ys = FastConv.ints(66, cnt * ohw),
                    m = FastConv.ints(67, cnt * ohw), rk = FastConv.ints(68, cnt * ohw);
            int[][] e = new int[ne][];
            for (int el = 0; el < ne; el++) e[el] = FastConv.ints(128 + el, cnt * ohw);
            for (int pl = from; pl < to; pl += cnt) {
                int c = Math.min(cnt, to - pl), nw = c * ohw;
                int[][] tl = chunkTables(g, c);
                xb.get(pl * hw, bits, 0, c * hw);
                orderKeys(bits, keys, c * hw);
                windowSweep(tl[0], tl[1], ne, nw, bits, keys, e, m, rk, ys, arg, pl * ohw);
                yb.put(pl * ohw, ys, 0, nw);
            }
        });
        return y;
    }

    /**
     * The compare-and-branch sweep over each window, as PyTorch's loop (every geometry: padding, dilation, ceil mode); the
     * reference that {@link #forward}'s window sweep is tested against bit for bit.
     */
    static INDArray loopForward(PoolGeometry g, INDArray x, int[] arg, long[] outShape) {
        INDArray xc = Blas.denseC(x);
        INDArray y = Pool.uninitialized(DataType.FLOAT, outShape);
        int planes = g.planes(), hw = g.h() * g.w(), ohw = g.oh() * g.ow();
        int parts = Blas.parts(planes, planesPerPart(hw));
        int chunk = chunkPlanes(hw);
        Blas.parallel(parts, part -> {
            FloatBuffer xb = Blas.floats(xc), yb = Blas.floats(y);
            int from = planes * part / parts, to = planes * (part + 1) / parts;
            float[] xs = FastConv.heap(4, chunk * hw), ys = FastConv.heap(5, chunk * ohw);
            int[] as = FastConv.ints(69, chunk * ohw);
            for (int pl = from; pl < to; pl += chunk) {   // many small planes a bulk copy (one each cost ~0.1 µs a plane)
                int cnt = Math.min(chunk, to - pl);
                xb.get(pl * hw, xs, 0, cnt * hw);
                for (int i = 0; i < cnt; i++) sweep(g, xs, i * hw, ys, as, i * ohw);
                yb.put(pl * ohw, ys, 0, cnt * ohw);
                System.arraycopy(as, 0, arg, pl * ohw, cnt * ohw);
            }
        });
        return y;
    }

    /** Planes a bulk copy moves at once: about 16 K floats (a plane of the course's first pooling alone is 576). */
    private static int chunkPlanes(int hw) {
        return Math.max(1, (1 << 14) / Math.max(1, hw));
    }

    static INDArray backward(PoolGeometry g, INDArray gOut, int[] arg, long[] inShape) {
        INDArray gc = Blas.denseC(gOut.dataType() == DataType.FLOAT ? gOut : gOut.castTo(DataType.FLOAT));
        INDArray dx = Pool.uninitialized(DataType.FLOAT, inShape);
        int planes = g.planes(), hw = g.h() * g.w(), ohw = g.oh() * g.ow();
        int parts = Blas.parts(planes, planesPerPart(hw));
        int chunk = chunkPlanes(hw);
        Blas.parallel(parts, part -> {
            FloatBuffer gb = Blas.floats(gc), db = Blas.floats(dx);
            int from = planes * part / parts, to = planes * (part + 1) / parts;
            float[] ds = FastConv.heap(6, chunk * hw), gs = FastConv.heap(7, chunk * ohw);
            for (int pl = from; pl < to; pl += chunk) {
                int cnt = Math.min(chunk, to - pl);
                gb.get(pl * ohw, gs, 0, cnt * ohw);
                java.util.Arrays.fill(ds, 0, cnt * hw, 0f);
                for (int i = 0; i < cnt; i++) g.maxBackPlane(gs, i * ohw, arg, (pl + i) * ohw, ds, i * hw);
                db.put(pl * hw, ds, 0, cnt * hw);
            }
        });
        return dx;
    }

    /** Planes a thread's part needs at least: 65,536 input elements, so that small inputs run on the caller's thread. */
    private static int planesPerPart(int hw) {
        return Math.max(16, (1 << 16) / Math.max(1, hw));
    }

    /**
     * keys[i]: an int whose signed order is the order of the float with bits b[i], -0 and +0 equal, every NaN the
     * largest (and equal to each other): a branch-free max then finds PyTorch's maximum (the first NaN wins).
     */
    static void orderKeys(int[] b, int[] keys, int n) {
        for (int i = 0; i < n; i++) {
            int v = b[i], m = v >> 31;
            int k = ((v ^ m) - m) + (m & Integer.MIN_VALUE);             // v ≥ 0: v; v < 0: MIN − v (so -0 → 0)
            int nan = (0x7F800000 - (v & 0x7FFFFFFF)) >> 31;             // -1 where NaN
            keys[i] = (k & ~nan) | (nan & Integer.MAX_VALUE);
        }
    }

    /** Window tables by geometry (planes aside): entry e·Q + q is the plane-local index of element e of window q. */
    private static final java.util.Map<PoolGeometry, int[]> TABLES = new java.util.concurrent.ConcurrentHashMap<>();

    static int[] windowTable(PoolGeometry g) {
        return TABLES.computeIfAbsent(new PoolGeometry(1, g.h(), g.w(), g.kh(), g.kw(), g.sh(), g.sw(), 0, 0, 1, 1, g.oh(), g.ow()), k -> {
            int nw = k.oh() * k.ow(), kw = k.kw();
            int[] t = new int[k.kh() * kw * nw];
            for (int e = 0; e < k.kh() * kw; e++) {
                for (int q = 0; q < nw; q++) {
                    int i = q / k.ow(), j = q % k.ow();
                    t[e * nw + q] = (i * k.sh() + e / kw) * k.w() + j * k.sw() + e % kw;
                }
            }
            return t;
        });
    }

    /** {tab, loc} for {@code c} planes swept as one: entry e·(c·Q) + p·Q + q is element e of window q of plane p, its index in the c planes and in its plane. */
    private static final java.util.Map<PoolGeometry, int[][]> CHUNKS = new java.util.concurrent.ConcurrentHashMap<>();

    private static int[][] chunkTables(PoolGeometry g, int c) {
        if (CHUNKS.size() > 64) CHUNKS.clear();   // a last chunk of each size (batches of many sizes): keep the cache bounded
        return CHUNKS.computeIfAbsent(new PoolGeometry(c, g.h(), g.w(), g.kh(), g.kw(), g.sh(), g.sw(), 0, 0, 1, 1, g.oh(), g.ow()), k -> {
            int[] one = windowTable(g);
            int nw = g.oh() * g.ow(), ne = g.kh() * g.kw(), hw = g.h() * g.w();
            int[] tab = new int[ne * c * nw], loc = new int[tab.length];
            for (int e = 0; e < ne; e++) {
                for (int p = 0; p < c; p++) {
                    for (int q = 0; q < nw; q++) {
                        int i = e * c * nw + p * nw + q;
                        loc[i] = one[e * nw + q];
                        tab[i] = p * hw + loc[i];
                    }
                }
            }
            return new int[][] {tab, loc};
        });
    }

    /**
     * One plane (or several swept as one) when every window lies inside it, without branches on the data (on random data a compare-and-branch
     * sweep mispredicts about twice a window): the keys are gathered window-major (e[w][q]: element w of window q,
     * row-major within the window), so that the rest runs in loops over the windows that C2 vectorizes — m the max of
     * the e[w], rk the smallest w holding it (PyTorch's first maximum; walking w downwards keeps the first) — and each
     * window's argmax is read back from the table. Output bits are the input's at the argmax. Every vector loop indexes
     * all its arrays alike: C2 (Java 17) does not vectorize a loop that reads one int[] at an offset while writing another.
     */
    private static void windowSweep(int[] tab, int[] loc, int ne, int nw, int[] bits, int[] keys, int[][] e, int[] m, int[] rk, int[] ys,
                                    int[] arg, int argOff) {
        for (int w = 0; w < ne; w++) gather(keys, tab, w * nw, e[w], nw);
        System.arraycopy(e[0], 0, m, 0, nw);
        for (int w = 1; w < ne; w++) maxInto(e[w], m, nw);
        java.util.Arrays.fill(rk, 0, nw, Integer.MAX_VALUE);
        for (int w = ne - 1; w >= 0; w--) firstIndex(e[w], m, rk, w, nw);
        for (int q = 0; q < nw; q++) {
            int t = rk[q] * nw + q;
            ys[q] = bits[tab[t]];
            arg[argOff + q] = loc[t];
        }
    }

    private static void gather(int[] keys, int[] tab, int off, int[] dst, int n) {
        for (int q = 0; q < n; q++) dst[q] = keys[tab[off + q]];
    }

    /** rk[c] = w where s[c] == m[c] (walked downwards over w, so the smallest w holding the max stays). */
    static void firstIndex(int[] s, int[] m, int[] rk, int w, int n) {
        for (int c = 0; c < n; c++) {
            int d = s[c] ^ m[c];
            int eq = ~((d | -d) >> 31);
            rk[c] = (rk[c] & ~eq) | (w & eq);
        }
    }

    /** v[c] = max(v[c], s[c]), signed, by arithmetic (C2 17 does not vectorize Math.max on ints). */
    static void maxInto(int[] s, int[] v, int n) {
        for (int c = 0; c < n; c++) {
            int a = v[c], b = s[c], d = a - b;
            int lt = (d ^ ((a ^ b) & (d ^ a))) >> 31;   // -1 where a < b, overflow-safe
            v[c] = a ^ ((a ^ b) & lt);
        }
    }

    /** One plane at x[base]: the max of each window into y[out + q] and its plane-local index into arg[out + q] (the first maximum; NaN wins). */
    private static void sweep(PoolGeometry g, float[] x, int base, float[] y, int[] arg, int out) {
        if (g.windowsInside()) g.maxPlaneInside(x, base, y, arg, out);
        else g.maxPlane(x, base, y, arg, out);
    }

}
