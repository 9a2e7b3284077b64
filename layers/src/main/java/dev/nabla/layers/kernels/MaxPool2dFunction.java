package dev.nabla.layers.kernels;

import dev.nabla.api.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * 2-d max pooling over [N, C, H, W]: libnd4j's maxpool2d / maxpool2d_bp without padding, dilation or ceil
 * mode (see {@link Kernels}), otherwise the project's own loop, which keeps each window's argmax for the backward.
 *
 * <p>Internal: public only for {@code dev.nabla.layers}; not part of the public API.
 */
public final class MaxPool2dFunction extends Function {
    private final int kh, kw, sh, sw, ph, pw, dh, dw;
    private final boolean ceil;
    private PoolGeometry g;
    private int[] arg;
    private boolean lib, fast;

    public MaxPool2dFunction(int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, boolean ceil) {
        this.kh = kh; this.kw = kw; this.sh = sh; this.sw = sw; this.ph = ph; this.pw = pw; this.dh = dh; this.dw = dw; this.ceil = ceil;
    }

    @Override protected INDArray forward(INDArray... in) {
        INDArray x = in[0];
        int n = (int) x.size(0), c = (int) x.size(1), h = (int) x.size(2), w = (int) x.size(3);
        int oh = PoolGeometry.outSize(h, kh, ph, sh, dh, ceil), ow = PoolGeometry.outSize(w, kw, pw, sw, dw, ceil);
        lib = Kernels.current() == Kernels.AUTO && ph == 0 && pw == 0 && dh == 1 && dw == 1
                && oh == PoolGeometry.outSize(h, kh, 0, sh, 1, false) && ow == PoolGeometry.outSize(w, kw, 0, sw, 1, false);
        // libnd4j's kernels where they apply on large inputs: the course convnet's step is even either way on its first
        // pooling (BENCHMARKS.md, fourth round: max-pool 3 forward 0.67 vs 2.04 ms, backward 2.96 vs ~1.7); the project's
        // float32 kernel otherwise (padding, dilation, ceil mode), under Kernels.OWN, and below 256 K elements, where
        // libnd4j's per-call cost outweighs the project's slower sweep (fifth round: the course's second pooling, 102,400
        // elements, step 8.60 vs 9.57 ms).
        fast = FastMaxPool.applies(x) && (!lib || x.length() < 1 << 18);
        if (fast) {
            g = new PoolGeometry(n * c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
            arg = takeArgs(n * c * oh * ow);
            return FastMaxPool.forward(g, x, arg, new long[] {n, c, oh, ow});
        }
        if (lib) {
            INDArray out = dev.nabla.api.Pool.uninitialized(x.dataType(), n, c, oh, ow);
            dev.nabla.api.Nabla.splitBatch(n, 8, (part, from, to) -> Nd4j.exec(DynamicCustomOp.builder("maxpool2d")
                    .addInputs(Conv2dFunction.batch(x, from, to, n)).addOutputs(Conv2dFunction.batch(out, from, to, n))
                    .addIntegerArguments(iArgs()).build()));
            return out;
        }
        g = new PoolGeometry(n * c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
        arg = new int[n * c * oh * ow];
        if (x.dataType() == DataType.DOUBLE) {
            double[] y = new double[arg.length];
            g.maxForward(Heap.doubles(x), y, arg);
            return Heap.array(y, n, c, oh, ow);
        }
        float[] y = new float[arg.length];
        g.maxForward(Heap.floats(x), y, arg);
        return Heap.array(y, n, c, oh, ow);
    }

    @Override protected INDArray[] backward(INDArray gOut) {
        long[] s = inputShape(0);
        if (fast) return new INDArray[] {FastMaxPool.backward(g, gOut, arg, s)};
        if (lib) {   // libnd4j finds each window's first maximum again, as PyTorch routes ties
            INDArray x = input(0);
            INDArray gi = dev.nabla.api.Pool.uninitialized(x.dataType(), s);
            INDArray g = gOut.dataType() == x.dataType() ? gOut : gOut.castTo(x.dataType());
            int n = (int) s[0];
            dev.nabla.api.Nabla.splitBatch(n, 8, (part, from, to) -> Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp")
                    .addInputs(Conv2dFunction.batch(x, from, to, n), Conv2dFunction.batch(g, from, to, n))
                    .addOutputs(Conv2dFunction.batch(gi, from, to, n)).addIntegerArguments(iArgs()).build()));
            return new INDArray[] {gi};
        }
        if (gOut.dataType() == DataType.DOUBLE) {
            double[] dx = new double[g.planes() * g.h() * g.w()];
            g.maxBackward(Heap.doubles(gOut), arg, dx);
            return new INDArray[] {Heap.array(dx, s)};
        }
        float[] dx = new float[g.planes() * g.h() * g.w()];
        g.maxBackward(Heap.floats(gOut), arg, dx);
        return new INDArray[] {Heap.array(dx, s)};
    }

    @Override protected void releaseSaved() {
        if (fast && arg != null) giveArgs(arg);
        arg = null;
    }

    /**
     * Argmax arrays of freed tape nodes, by length, for the next forward (the first pooling of the course convnet keeps
     * 204,800 ints a step: 800 KB of zeroed heap otherwise). Only arrays of nodes the tape freed come back; at most 4 a length,
     * 64 lengths.
     */
    private static final java.util.Map<Integer, java.util.concurrent.ConcurrentLinkedQueue<int[]>> ARGS = new java.util.concurrent.ConcurrentHashMap<>();

    static int[] takeArgs(int length) {
        var q = ARGS.get(length);
        int[] a = q == null ? null : q.poll();
        return a != null ? a : new int[length];
    }

    static void giveArgs(int[] a) {
        if (ARGS.size() >= 64 && !ARGS.containsKey(a.length)) ARGS.clear();   // many input sizes: keep the cache bounded
        var q = ARGS.computeIfAbsent(a.length, k -> new java.util.concurrent.ConcurrentLinkedQueue<>());
        if (q.size() < 4) q.add(a);
    }

    @Override protected String profileName() { return "MaxPool2d k" + kh + " (" + (fast ? "own" : lib ? "libnd4j" : "own, heap") + ")"; }

    /** libnd4j's maxpool2d arguments: kernel, stride, no padding, no dilation, not "same", NCHW. */
    private int[] iArgs() { return new int[] {kh, kw, sh, sw, 0, 0, 1, 1, 0, 0, 0}; }
}
