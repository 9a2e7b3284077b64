package dev.nabla.layers.kernels;

import dev.nabla.api.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The project's 2-d average pooling over [N, C, H, W], for fixed windows (AvgPool2d, PyTorch's
 * divisor rules) or adaptive ones (AdaptiveAvgPool2d). Computed in float64 and cast back.
 *
 * <p>Internal: public only for {@code dev.nabla.layers}; not part of the public API.
 */
public final class AvgPool2dFunction extends Function {
    private final java.util.function.BiFunction<Integer, Integer, PoolGeometry> geometry;
    private final java.util.function.Function<PoolGeometry, int[]> windows;
    private PoolGeometry g;
    private int[] win;

    private AvgPool2dFunction(java.util.function.BiFunction<Integer, Integer, PoolGeometry> geometry,
                              java.util.function.Function<PoolGeometry, int[]> windows) {
        this.geometry = geometry;
        this.windows = windows;
    }

    /** Fixed windows; {@code divisorOverride} ≤ 0 means none. */
    public static AvgPool2dFunction fixed(int n, int c, int kh, int kw, int sh, int sw, int ph, int pw, boolean ceil, boolean countIncludePad,
                                   int divisorOverride) {
        return new AvgPool2dFunction((h, w) -> new PoolGeometry(n * c, h, w, kh, kw, sh, sw, ph, pw, 1, 1,
                PoolGeometry.outSize(h, kh, ph, sh, 1, ceil), PoolGeometry.outSize(w, kw, pw, sw, 1, ceil)),
                g -> g.avgWindows(countIncludePad, divisorOverride));
    }

    /** Adaptive windows to an [oh, ow] output. */
    public static AvgPool2dFunction adaptive(int n, int c, int oh, int ow) {
        return new AvgPool2dFunction((h, w) -> new PoolGeometry(n * c, h, w, 1, 1, 1, 1, 0, 0, 1, 1, oh, ow), PoolGeometry::adaptiveWindows);
    }

    @Override protected INDArray forward(INDArray... in) {
        INDArray x = in[0];
        g = geometry.apply((int) x.size(2), (int) x.size(3));
        win = windows.apply(g);
        if (global(x)) return globalForward(x);
        double[] y = new double[g.planes() * g.oh() * g.ow()];
        g.avgForward(Heap.doubles(x.dataType() == DataType.DOUBLE ? x : x.castTo(DataType.DOUBLE)), y, win);
        INDArray out = Heap.array(y, x.size(0), x.size(1), g.oh(), g.ow());
        return x.dataType() == DataType.DOUBLE ? out : out.castTo(x.dataType());
    }

    @Override protected INDArray[] backward(INDArray gOut) {
        if (global(input(0)) && gOut.dataType() == DataType.FLOAT) return new INDArray[] {globalBackward(dev.nabla.api.Blas.denseC(gOut))};
        double[] dx = new double[g.planes() * g.h() * g.w()];
        g.avgBackward(Heap.doubles(gOut.dataType() == DataType.DOUBLE ? gOut : gOut.castTo(DataType.DOUBLE)), dx, win);
        INDArray r = Heap.array(dx, inputShape(0));
        return new INDArray[] {gOut.dataType() == DataType.DOUBLE ? r : r.castTo(gOut.dataType())};
    }

    /**
     * Whether this is a global average (one window over each whole plane: ResNet's head) of a C-contiguous float32
     * input, which runs on the float data directly: the same sums in float64 and the same rounding as the general
     * path, without its float64 copies of the input and the gradient (4 arrays of the input's size a step).
     */
    private boolean global(INDArray x) {
        return g.oh() == 1 && g.ow() == 1 && win[0] == 0 && win[1] == g.h() && win[2] == 0 && win[3] == g.w() && win[4] == g.h() * g.w()
                && x.dataType() == DataType.FLOAT && dev.nabla.api.Blas.available() && x.length() < Integer.MAX_VALUE && dev.nabla.api.Blas.dense(x);
    }

    /** Planes per chunk of the global kernels: about {@link Mem#CHUNK} floats. */
    private int planesPerChunk() { return Math.max(1, Mem.CHUNK / (g.h() * g.w())); }

    private INDArray globalForward(INDArray x) {
        int planes = g.planes(), hw = g.h() * g.w(), chunk = planesPerChunk();
        INDArray out = org.nd4j.linalg.factory.Nd4j.createUninitialized(DataType.FLOAT, new long[] {x.size(0), x.size(1), 1, 1}, 'c');
        java.nio.FloatBuffer xb = dev.nabla.api.Blas.floats(x), ob = dev.nabla.api.Blas.floats(out);
        float[] a = Mem.f(0, chunk * hw), y = Mem.f(1, chunk);
        for (int from = 0; from < planes; from += chunk) {
            int len = Math.min(chunk, planes - from);
            xb.get(from * hw, a, 0, len * hw);
            for (int pl = 0; pl < len; pl++) {
                double s = 0;
                for (int i = pl * hw, end = i + hw; i < end; i++) s += a[i];
                y[pl] = (float) (s / hw);
            }
            ob.put(from, y, 0, len);
        }
        return out;
    }

    private INDArray globalBackward(INDArray gOut) {
        int planes = g.planes(), hw = g.h() * g.w(), chunk = planesPerChunk();
        INDArray dx = dev.nabla.api.Pool.uninitialized(DataType.FLOAT, inputShape(0));
        java.nio.FloatBuffer gb = dev.nabla.api.Blas.floats(gOut), db = dev.nabla.api.Blas.floats(dx);
        float[] d = Mem.f(0, chunk * hw), gy = Mem.f(1, chunk);
        for (int from = 0; from < planes; from += chunk) {
            int len = Math.min(chunk, planes - from);
            gb.get(from, gy, 0, len);
            for (int pl = 0; pl < len; pl++) java.util.Arrays.fill(d, pl * hw, (pl + 1) * hw, (float) ((double) gy[pl] / hw));
            db.put(from * hw, d, 0, len * hw);
        }
        return dx;
    }
}
