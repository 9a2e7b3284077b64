package dev.nabla.layers;

import dev.nabla.api.Blas;
import dev.nabla.api.Pool;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The project's float32 max-pooling kernel on the CPU: each [H, W] plane is read into a small Java array in one
 * bulk copy, swept with the argmax kept (an int per output), and written back in one copy; the backward zeroes a
 * plane and scatters the output gradient to the kept argmax positions. Planes are split over
 * {@link dev.nabla.api.Nabla#numThreads()} threads. Handles every option of {@link PoolGeometry} (padding, dilation,
 * ceil mode), NaN propagating as PyTorch.
 */
final class FastMaxPool {
    private FastMaxPool() {}

    static boolean applies(INDArray x) {
        return Blas.available() && x.dataType() == DataType.FLOAT && x.length() < Integer.MAX_VALUE / 2;
    }

    /** The pooled output; {@code arg} receives each output's plane-local argmax. */
    static INDArray forward(PoolGeometry g, INDArray x, int[] arg, long[] outShape) {
        INDArray xc = Blas.denseC(x);
        INDArray y = Pool.uninitialized(DataType.FLOAT, outShape);
        int planes = g.planes(), hw = g.h() * g.w(), ohw = g.oh() * g.ow();
        int parts = Blas.parts(planes, planesPerPart(hw));
        if (g.windowsInside() && g.kh() < 1 << 15 && g.kw() < 1 << 15 && !Boolean.getBoolean("nabla.maxpoolBranchy")) {   // benchmark switch, read per call
            Blas.parallel(parts, part -> {
                java.nio.IntBuffer xb = Blas.bits(xc), yb = Blas.bits(y);
                int from = planes * part / parts, to = planes * (part + 1) / parts;
                int[] bits = new int[hw], keys = new int[hw], ys = new int[ohw], vm = new int[g.w()], vr = new int[g.w()];
                for (int pl = from; pl < to; pl++) {
                    xb.get(pl * hw, bits);
                    orderKeys(bits, keys, hw);
                    sweepKeys(g, bits, keys, vm, vr, ys, arg, pl * ohw);
                    yb.put(pl * ohw, ys);
                }
            });
            return y;
        }
        Blas.parallel(parts, part -> {
            FloatBuffer xb = Blas.floats(xc), yb = Blas.floats(y);
            int from = planes * part / parts, to = planes * (part + 1) / parts;
            float[] xs = new float[hw], ys = new float[ohw];
            int[] as = new int[ohw];
            for (int pl = from; pl < to; pl++) {
                xb.get(pl * hw, xs);
                sweep(g, xs, ys, as);
                yb.put(pl * ohw, ys);
                System.arraycopy(as, 0, arg, pl * ohw, ohw);
            }
        });
        return y;
    }

    static INDArray backward(PoolGeometry g, INDArray gOut, int[] arg, long[] inShape) {
        INDArray gc = Blas.denseC(gOut.dataType() == DataType.FLOAT ? gOut : gOut.castTo(DataType.FLOAT));
        INDArray dx = Pool.uninitialized(DataType.FLOAT, inShape);
        int planes = g.planes(), hw = g.h() * g.w(), ohw = g.oh() * g.ow();
        int parts = Blas.parts(planes, planesPerPart(hw));
        Blas.parallel(parts, part -> {
            FloatBuffer gb = Blas.floats(gc), db = Blas.floats(dx);
            int from = planes * part / parts, to = planes * (part + 1) / parts;
            float[] ds = new float[hw], gs = new float[ohw];
            for (int pl = from; pl < to; pl++) {
                gb.get(pl * ohw, gs);
                java.util.Arrays.fill(ds, 0f);
                g.maxBackPlane(gs, 0, arg, pl * ohw, ds, 0);
                db.put(pl * hw, ds);
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

    /** -1 where a == b, else 0. */
    private static int eqMask(int a, int b) {
        int d = a ^ b;
        return ~((d | -d) >> 31);
    }

    /**
     * One plane when every window lies inside it, without branches on the data (on random data the compare-and-
     * branch sweep mispredicts about twice a window): per output row, the column-wise max over the window's rows and
     * the first row holding it, then per window the max of those and the first position holding it in row-major
     * order (PyTorch's first maximum). Output bits are the input's at the argmax.
     */
    private static void sweepKeys(PoolGeometry g, int[] bits, int[] keys, int[] vm, int[] vr, int[] ys, int[] arg, int argOff) {
        int w = g.w(), kh = g.kh(), kw = g.kw(), sh = g.sh(), sw = g.sw(), oh = g.oh(), ow = g.ow();
        for (int i = 0; i < oh; i++) {
            int base = i * sh * w;
            columnMax(keys, base, w, kh, vm, vr);
            for (int j = 0; j < ow; j++) {
                int c0 = j * sw, m = vm[c0];
                for (int b = 1; b < kw; b++) m = Math.max(m, vm[c0 + b]);
                int best = Integer.MAX_VALUE;
                for (int b = 0; b < kw; b++) {
                    int eq = eqMask(vm[c0 + b], m);
                    best = Math.min(best, (((vr[c0 + b] << 16) | b) & eq) | (Integer.MAX_VALUE & ~eq));   // (row, column) order
                }
                int a = best >>> 16, b = best & 0xFFFF;
                int idx = base + a * w + c0 + b;
                ys[i * ow + j] = bits[idx];
                arg[argOff + i * ow + j] = idx;
            }
        }
    }

    /** vm[c]: the max of keys[base + a·w + c] over rows a < kh; vr[c]: the first row a holding it. */
    private static void columnMax(int[] keys, int base, int w, int kh, int[] vm, int[] vr) {
        System.arraycopy(keys, base, vm, 0, w);
        for (int a = 1; a < kh; a++) maxRow(keys, base + a * w, vm, w);
        java.util.Arrays.fill(vr, 0, w, kh - 1);
        for (int a = kh - 2; a >= 0; a--) firstRow(keys, base + a * w, vm, vr, a, w);
    }

    private static void maxRow(int[] keys, int off, int[] vm, int w) {
        for (int c = 0; c < w; c++) vm[c] = Math.max(vm[c], keys[off + c]);
    }

    private static void firstRow(int[] keys, int off, int[] vm, int[] vr, int a, int w) {
        for (int c = 0; c < w; c++) {
            int d = keys[off + c] ^ vm[c];
            int eq = ~((d | -d) >> 31);
            vr[c] = (vr[c] & ~eq) | (a & eq);
        }
    }

    /** One plane: the max of each window and its plane-local index (the first maximum; NaN wins). */
    private static void sweep(PoolGeometry g, float[] x, float[] y, int[] arg) {
        if (g.windowsInside()) g.maxPlaneInside(x, 0, y, arg, 0);
        else g.maxPlane(x, 0, y, arg, 0);
    }

}
