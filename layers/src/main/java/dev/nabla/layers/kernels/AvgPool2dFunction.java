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
        double[] y = new double[g.planes() * g.oh() * g.ow()];
        g.avgForward(Heap.doubles(x.dataType() == DataType.DOUBLE ? x : x.castTo(DataType.DOUBLE)), y, win);
        INDArray out = Heap.array(y, x.size(0), x.size(1), g.oh(), g.ow());
        return x.dataType() == DataType.DOUBLE ? out : out.castTo(x.dataType());
    }

    @Override protected INDArray[] backward(INDArray gOut) {
        double[] dx = new double[g.planes() * g.h() * g.w()];
        g.avgBackward(Heap.doubles(gOut.dataType() == DataType.DOUBLE ? gOut : gOut.castTo(DataType.DOUBLE)), dx, win);
        INDArray r = Heap.array(dx, inputShape(0));
        return new INDArray[] {gOut.dataType() == DataType.DOUBLE ? r : r.castTo(gOut.dataType())};
    }
}
