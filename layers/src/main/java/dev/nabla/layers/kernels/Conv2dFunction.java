package dev.nabla.layers.kernels;

import dev.nabla.api.Function;
import dev.nabla.api.Gemm;
import dev.nabla.api.Nabla;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * 2-d convolution: libnd4j's conv2d / conv2d_bp where they apply and are faster (see {@link Kernels}),
 * otherwise the project's own kernel. The project's 2-d convolution (cross-correlation, as PyTorch): im2col to {@code [C·kh·kw, N·OH·OW]}
 * and one GEMM per group; the GEMM output stays channel-major, so the backward is two GEMMs
 * (dW = dZ·colᵀ, dcol = Wᵀ·dZ) and a col2im. Inputs: x [N, C, H, W], weight [Co, C/groups, kh, kw],
 * optional bias [Co].
 *
 * <p>Internal: public only for {@code dev.nabla.layers}; not part of the public API.
 */
public final class Conv2dFunction extends Function {
    private final int sh, sw, padTop, padLeft, padBottom, padRight, dh, dw, groups;
    private ConvGeometry g;
    private INDArray col;
    private boolean lib, fast, ownBackward, direct;
    private long co;

    public Conv2dFunction(int sh, int sw, int padTop, int padLeft, int padBottom, int padRight, int dh, int dw, int groups) {
        this.sh = sh; this.sw = sw; this.padTop = padTop; this.padLeft = padLeft; this.padBottom = padBottom;
        this.padRight = padRight; this.dh = dh; this.dw = dw; this.groups = groups;
    }

    @Override protected INDArray forward(INDArray... in) {
        INDArray x = in[0], w = in[1];
        int n = (int) x.size(0), c = (int) x.size(1), h = (int) x.size(2), wd = (int) x.size(3);
        int kh = (int) w.size(2), kw = (int) w.size(3);
        co = w.size(0);
        int oh = ConvGeometry.outSize(h, kh, sh, padTop + padBottom, dh);
        int ow = ConvGeometry.outSize(wd, kw, sw, padLeft + padRight, dw);
        g = new ConvGeometry(n, c, h, wd, kh, kw, sh, sw, padTop, padLeft, dh, dw, oh, ow);
        lib = Kernels.current() == Kernels.AUTO && groups == 1 && dh == 1 && dw == 1 && padTop == padBottom && padLeft == padRight;
        fast = FastConv.applies(x, w, groups);
        if (fast && ownBeatsOneDnn(c, n, kh, kw, sh, sw)) lib = false;
        // the backward will not be libnd4j's (see libBackwardWrong): without the float32 kernel, the project's generic
        // path, whose forward keeps the columns for it
        if (lib && !fast && libBackwardWrong() && (needsGrad(0) || needsGrad(1) || (in.length > 2 && needsGrad(2)))) lib = false;
        direct = fast && Kernels.current() == Kernels.AUTO && Vec.on() && DirectConv.applies(g, x, w, groups) && directBeatsOthers(g);
        if (direct) return DirectConv.forward(g, x, w, in.length > 2 ? in[2] : null);
        if (!lib && fast) return FastConv.forward(g, x, w, in.length > 2 ? in[2] : null);
        if (lib) {
            INDArray out = dev.nabla.api.Pool.uninitialized(x.dataType(), n, co, oh, ow);
            INDArray b = in.length > 2 ? in[2] : null;
            int chunk = libChunk(g, co);
            Nabla.splitBatch(n, 8, (part, from, to) -> {
                for (int s = from; s < to; s += chunk) {
                    int e = Math.min(to, s + chunk);
                    INDArray xs = batch(x, s, e, n);
                    var op = DynamicCustomOp.builder("conv2d").addOutputs(batch(out, s, e, n)).addIntegerArguments(iArgs(kh, kw));
                    op.addInputs(b != null ? new INDArray[] {xs, w, b} : new INDArray[] {xs, w});
                    Nd4j.exec(op.build());
                }
            });
            return out;
        }
        INDArray cols = im2col(g, x);
        INDArray y = gemm(weight2d(w), false, cols, false, groups);   // [Co, N·P]
        if (in.length > 2 && in[2] != null) y.addiColumnVector(in[2].reshape(co, 1));
        if (needsGrad(1)) col = cols;
        return channelMajorToNchw(y, n, co, oh, ow);
    }

    /**
     * Whether the project's float32 kernel beats oneDNN's convolution for {@code c} input channels at batch {@code n}
     * with a {@code kh}×{@code kw} kernel at stride {@code sh}×{@code sw}: oneDNN's direct convolution vectorises over
     * input channels, so with fewer than 8 (a first layer on images) the per-sample im2col + GEMM is faster
     * (BENCHMARKS.md: conv1 forward 2.1 vs 4.2 ms); for small batches oneDNN's per-call set-up dominates (batch 1: conv2
     * forward 1.0 ms in libnd4j); and a strided 1×1 kernel (ResNet's projection shortcut) is one small GEMM per sample
     * after a strided gather, where libnd4j's reorders of the input, weights and output to oneDNN's blocked layout and
     * back cost more than the product (ResNetConvBench at batch 128, 16→32 and 32→64 channels: forward 0.35–0.47×,
     * forward + backward 0.55–0.75× oneDNN's time). {@link ConvMaxPool2dFunction} fuses only where this holds.
     */
    static boolean ownBeatsOneDnn(int c, int n, int kh, int kw, int sh, int sw) {
        return c < 8 || n < 16 || (kh == 1 && kw == 1 && (sh > 1 || sw > 1));
    }

    /**
     * Whether the project's float32 backward beats oneDNN's conv2d_bp for {@code c} input channels and {@code p}
     * output positions a sample, where the forward stays oneDNN's: its backward at large planes is far from the two
     * GEMMs it does (ResNet-20 profile, 16 channels at 32×32: 47.8 ms a call against 10 ms of sgemm), and
     * ConvSweepBench (3×3, stride 1, C→C, batch 128, interleaved) measured the project's at 0.16–0.63× its time for
     * 1,024 positions at every channel count from 8 to 64, and at 0.27–0.59× for 256 positions below 32 channels
     * (32 and 64 channels there: 1.3–2.1×, oneDNN kept).
     */
    public static boolean ownBackwardBeatsOneDnn(int c, int p) {
        return p >= 1024 || (p >= 256 && c < 32);
    }

    private static final boolean MKL = "mkl_rt".equals(Nabla.blas());

    /**
     * Whether libnd4j's conv2d_bp gives wrong gradients in this process: with Intel MKL loaded as the BLAS (Maven
     * profile {@code mkl}) its weight and bias gradients were 57–101% off (relative L2 error) for every 3×3 stride-1
     * case of a grid of kernels 1–7, strides 1–2 and 1–32 input channels, while its forward and input gradient stayed
     * right (with OpenBLAS everything agrees to 1e-6; BENCHMARKS.md, sixth round). So under MKL the convolution's
     * backward is always the project's.
     */
    public static boolean libBackwardWrong() { return MKL; }

    /**
     * Whether the project's direct stride-1 kernel ({@link DirectConv}) beats oneDNN's convolution and the im2col + GEMM
     * kernel: where at least half of the padded positions it computes are outputs. It computes every position of a
     * padded plane ({@link DirectConv#positions}: neighbouring rows and planes share one zero gap), of which OH·OW are
     * kept: ResNet-20's 3×3 layers (pad 1) keep 94% (32×32) to 79% (8×8) and ran at 0.3–0.4× of the im2col kernel's
     * time (BENCHMARKS.md, twelfth round); the course convnet's 5×5 layer on 8×8 without padding keeps 25%, and its
     * epoch took 19 s against 5 s with oneDNN.
     */
    static boolean directBeatsOthers(ConvGeometry g) { return 2L * g.oh() * g.ow() >= DirectConv.positions(g); }

    @Override protected INDArray[] backward(INDArray gOut) {
        boolean bias = inputCount() > 2;
        if (direct) {
            boolean dxHere = needsGrad(0) && DirectConv.appliesToInputGrad(g);
            INDArray[] r = DirectConv.backward(g, input(0), input(1), gOut, dxHere, needsGrad(1), bias && needsGrad(2));
            if (needsGrad(0) && !dxHere) r[0] = FastConv.backward(g, input(0), input(1), gOut, true, false, false)[0];
            return bias ? r : new INDArray[] {r[0], r[1]};
        }
        // libnd4j's conv2d_bp always computes the input gradient; for a first layer (input without grad) the
        // project's kernel skips it (BENCHMARKS.md: conv1 backward)
        if (fast && (!lib || libBackwardWrong() || !needsGrad(0) || ownBackwardBeatsOneDnn(g.c(), g.p()))) {
            ownBackward = true;
            INDArray[] r = FastConv.backward(g, input(0), input(1), gOut, needsGrad(0), needsGrad(1), bias && needsGrad(2));
            return bias ? r : new INDArray[] {r[0], r[1]};
        }
        if (lib) return libBackward(gOut);
        INDArray dz = nchwToChannelMajor(gOut);                          // [Co, N·P]
        INDArray[] r = new INDArray[inputCount()];
        if (needsGrad(0)) {
            INDArray dcol = gemm(weight2d(input(1)), true, dz, false, groups);   // [K, N·P]
            r[0] = col2im(g, dcol);
        }
        if (needsGrad(1)) r[1] = gemm(dz, false, col, true, groups).reshape(inputShape(1));
        if (inputCount() > 2 && needsGrad(2)) r[2] = dz.sum(1);
        return r;
    }

    @Override protected void releaseSaved() { col = null; }

    @Override protected String profileName() {
        String kernel = direct ? "direct" : lib ? (ownBackward ? "libnd4j, own backward" : "libnd4j") : fast ? "own" : "own, heap";
        return g == null ? "Conv2d" : "Conv2d " + g.c() + "->" + co + " k" + g.kh() + " (" + kernel + ")";
    }

    /** libnd4j's conv2d arguments: kernel, stride, padding, dilation, explicit padding, NCHW, weights [out, in, kh, kw]. */
    private int[] iArgs(int kh, int kw) { return new int[] {kh, kw, sh, sw, padTop, padLeft, dh, dw, 0, 0, 1}; }

    /**
     * libnd4j's conv2d_bp over the batch split by {@link Nabla#splitBatch}: each part writes its rows of the input
     * gradient and its own weight and bias gradients, which are summed into the first part's. Part 0 writes the arrays
     * that are returned; the other parts write into buffers the calling thread keeps for its next call, summed by
     * saxpy (new ND4J arrays, views and {@code addi} cost 40–100 µs, 5–20 µs and 10–40 µs a call here: BENCHMARKS.md).
     */
    private INDArray[] libBackward(INDArray gOut) {
        INDArray x = input(0), w = input(1), b = inputCount() > 2 ? input(2) : null;
        INDArray g = gOut.dataType() == x.dataType() ? gOut : gOut.castTo(x.dataType());
        INDArray gi = dev.nabla.api.Pool.uninitialized(x.dataType(), x.shape());
        int n = (int) x.size(0), parts = Nabla.batchParts(n, 8);
        INDArray[] gw = new INDArray[parts], gb = new INDArray[parts];
        gw[0] = dev.nabla.api.Pool.uninitialized(w.dataType(), w.shape());
        if (b != null) gb[0] = Nd4j.createUninitialized(b.dataType(), b.shape());
        java.util.Map<String, INDArray> kept = PARTIALS.get();
        for (int i = 1; i < parts; i++) {
            gw[i] = partial(kept, 2 * i, w);
            if (b != null) gb[i] = partial(kept, 2 * i + 1, b);
        }
        int[] iArgs = iArgs((int) w.size(2), (int) w.size(3));
        int chunk = libChunk(this.g, co);
        // a part of more than one chunk: its later chunks' weight and bias gradients land here, then add into the part's
        INDArray[] cw = new INDArray[parts], cb = new INDArray[parts];
        for (int i = 0; i < parts; i++) {
            if (n / parts + 1 <= chunk) break;
            cw[i] = partial(kept, 2 * (parts + i), w);
            if (b != null) cb[i] = partial(kept, 2 * (parts + i) + 1, b);
        }
        Nabla.splitBatch(n, 8, (part, from, to) -> {
            for (int s = from; s < to; s += chunk) {
                int e = Math.min(to, s + chunk);
                boolean first = s == from;
                INDArray ow = first ? gw[part] : cw[part], ob = b == null ? null : first ? gb[part] : cb[part];
                var op = DynamicCustomOp.builder("conv2d_bp").addIntegerArguments(iArgs);
                INDArray xs = batch(x, s, e, n), gs = batch(g, s, e, n), gis = batch(gi, s, e, n);
                if (b != null) op.addInputs(xs, w, b, gs).addOutputs(gis, ow, ob);
                else op.addInputs(xs, w, gs).addOutputs(gis, ow);
                Nd4j.exec(op.build());
                if (!first) {
                    add(gw[part], ow);
                    if (b != null) add(gb[part], ob);
                }
            }
        });
        for (int i = 1; i < parts; i++) {
            add(gw[0], gw[i]);
            if (b != null) add(gb[0], gb[i]);
        }
        INDArray dx = needsGrad(0) ? gi : null, dw = needsGrad(1) ? gw[0] : null;
        return b != null ? new INDArray[] {dx, dw, needsGrad(2) ? gb[0] : null} : new INDArray[] {dx, dw};
    }

    /** Most bytes of a sample chunk's columns (and of its input and output) handed to one libnd4j call. */
    static final long LIB_CALL_BYTES = 8L << 20;

    /**
     * Samples per libnd4j conv2d / conv2d_bp call, so that a call's working memory (oneDNN's columns, reorders of its
     * input and output: about {@code max(C·kh·kw·OH·OW, C·H·W + Co·OH·OW)} floats a sample) stays under
     * {@link #LIB_CALL_BYTES}. Larger scratch blocks are mmap'd by glibc (its threshold tops out at 32 MB) and given back
     * after the call, so every call pays the page faults of fresh memory again: on a Firecracker VM (2.6 ms a fresh MB)
     * conv2d_bp for 16→16 channels 3×3 at 32×32 took 210 ms for 128 samples in one call on one thread, 7 ms for 64
     * (erratic: 7–59 ms), 1.6 ms for 16 (stable) — so 128 samples as 8 calls of 16 take 13 ms instead of 210.
     */
    static int libChunk(ConvGeometry g, long co) {
        long perSample = 4L * Math.max((long) g.k() * g.p(), (long) g.chw() + (long) g.p() * co);
        return (int) Math.max(1, Math.min(g.n(), LIB_CALL_BYTES / Math.max(1, perSample)));
    }

    /** Per calling thread: the partial weight and bias gradients of parts 1, 2, … of {@link #libBackward}, by part and shape, reused. */
    private static final ThreadLocal<java.util.Map<String, INDArray>> PARTIALS = ThreadLocal.withInitial(java.util.HashMap::new);

    /** The calling thread's partial for slot {@code i}, shaped as {@code like}; contents undefined. */
    private static INDArray partial(java.util.Map<String, INDArray> kept, int i, INDArray like) {
        String key = i + " " + like.dataType() + " " + java.util.Arrays.toString(like.shape());
        INDArray a = kept.get(key);
        if (a == null) {
            if (kept.size() >= 64) kept.clear();   // many layer shapes: keep the cache bounded
            a = Nd4j.createUninitialized(like.dataType(), like.shape());
            kept.put(key, a);
        }
        return a;
    }

    /** sum += part (same shape, both C-contiguous as made here): saxpy for float32, ND4J's addi otherwise. */
    private static void add(INDArray sum, INDArray part) {
        if (sum.dataType() == DataType.FLOAT && part.dataType() == DataType.FLOAT && dev.nabla.api.Blas.available()) dev.nabla.api.Blas.saxpy(1f, part, sum);
        else sum.addi(part);
    }

    /** Samples [from, to) of a batch-first array (the array itself when that is all of it). */
    static INDArray batch(INDArray a, int from, int to, int n) {
        return from == 0 && to == n ? a : a.get(NDArrayIndex.interval(from, to));
    }

    private INDArray weight2d(INDArray w) { return w.reshape('c', w.size(0), w.length() / w.size(0)); }

    /**
     * op(A)·op(B) for each of {@code groups} diagonal blocks: A and B are split into row blocks
     * (transposed after splitting where asked), and the block products are stacked by rows.
     */
    static INDArray gemm(INDArray a, boolean ta, INDArray b, boolean tb, int groups) {
        if (groups == 1) return Gemm.mm(a, ta, b, tb);
        INDArray[] parts = new INDArray[groups];
        for (int i = 0; i < groups; i++) parts[i] = Gemm.mm(rows(a, i, groups), ta, rows(b, i, groups), tb);
        return Nd4j.vstack(parts);
    }

    /** Row block i of {@code groups} of a matrix (a view). */
    private static INDArray rows(INDArray m, int i, int groups) {
        long size = m.size(0) / groups;
        return m.get(NDArrayIndex.interval(i * size, (i + 1) * size), NDArrayIndex.all());
    }

    static INDArray im2col(ConvGeometry g, INDArray x) {
        long rows = g.k(), cols = (long) g.n() * g.p();
        if (x.dataType() == DataType.DOUBLE) {
            double[] c = new double[(int) (rows * cols)];
            g.im2col(Heap.doubles(x), c);
            return Heap.array(c, rows, cols);
        }
        float[] c = new float[(int) (rows * cols)];
        g.im2col(Heap.floats(x), c);
        return Heap.array(c, rows, cols);
    }

    static INDArray col2im(ConvGeometry g, INDArray dcol) {
        long[] shape = {g.n(), g.c(), g.h(), g.w()};
        if (dcol.dataType() == DataType.DOUBLE) {
            double[] dx = new double[g.n() * g.chw()];
            g.col2im(Heap.doubles(dcol), dx);
            return Heap.array(dx, shape);
        }
        float[] dx = new float[g.n() * g.chw()];
        g.col2im(Heap.floats(dcol), dx);
        return Heap.array(dx, shape);
    }

    /** [Co, N·P] → [N, Co, OH, OW]. */
    static INDArray channelMajorToNchw(INDArray y, long n, long co, long oh, long ow) {
        return Layout.swap01(y, co, n, oh * ow).reshape(n, co, oh, ow);
    }

    /** [N, Co, OH, OW] → [Co, N·P]. */
    static INDArray nchwToChannelMajor(INDArray g) {
        long n = g.size(0), co = g.size(1), p = g.size(2) * g.size(3);
        return Layout.swap01(g, n, co, p).reshape(co, n * p);
    }
}
