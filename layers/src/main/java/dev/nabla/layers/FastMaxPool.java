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

    /** One plane: the max of each window and its plane-local index (the first maximum; NaN wins). */
    private static void sweep(PoolGeometry g, float[] x, float[] y, int[] arg) {
        if (g.windowsInside()) g.maxPlaneInside(x, 0, y, arg, 0);
        else g.maxPlane(x, 0, y, arg, 0);
    }

}
