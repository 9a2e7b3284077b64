package dev.nabla.layers.samediff;

import dev.nabla.api.DType;
import dev.nabla.api.Grad;
import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Parameter;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import dev.nabla.layers.AdaptiveAvgPool2d;
import dev.nabla.layers.AvgPool2d;
import dev.nabla.layers.BatchNormBase;
import dev.nabla.layers.Conv1d;
import dev.nabla.layers.Conv2d;
import dev.nabla.layers.ConvTranspose2d;
import dev.nabla.layers.Dropout;
import dev.nabla.layers.Dropout2d;
import dev.nabla.layers.ELU;
import dev.nabla.layers.Embedding;
import dev.nabla.layers.Flatten;
import dev.nabla.layers.GELU;
import dev.nabla.layers.Identity;
import dev.nabla.layers.LayerNorm;
import dev.nabla.layers.LeakyReLU;
import dev.nabla.layers.Linear;
import dev.nabla.layers.LogSoftmax;
import dev.nabla.layers.MaxPool1d;
import dev.nabla.layers.MaxPool2d;
import dev.nabla.layers.ReLU;
import dev.nabla.layers.Sigmoid;
import dev.nabla.layers.Softmax;
import dev.nabla.layers.Softplus;
import dev.nabla.layers.Tanh;
import dev.nabla.layers.Unflatten;
import dev.nabla.layers.kernels.Conv2dFunction;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.PadMode;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.DeConv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Traces a {@link Sequential} of the built-in layers into a SameDiff graph with the same computation
 * as the model in eval mode: the input a placeholder with a free batch dimension, each parameter a
 * SameDiff variable named by its dotted name ({@code "0.weight"}) holding a copy of its value, each
 * buffer (BatchNorm's running statistics) a constant of the same name.
 *
 * <p>The graph is built around ND4J 1.0.0-M2.1's defects (SameDiffDefectsTest shows each):
 * <ul>
 *   <li>fully connected layers are {@code mmul} + {@code add}: {@code sd.nn.linear} and {@code reluLayer} fail at batch 1;
 *   <li>conv2d weights go in its default YXIO layout through a permute: {@code conv2d_bp} rejects OIYX;
 *   <li>dilation is a zero-inserted kernel (convolutions) or the maximum of strided slices (max pooling): the onednn
 *       build refuses dilated convolutions and computes dilated max pooling wrongly;
 *   <li>means over dimensions that may have size 1 (the batch) reduce a doubled copy: a legacy reduction over size-1
 *       dimensions throws in {@code BaseReduceOp.noOp};
 *   <li>Embedding is one-hot rows times the weight: {@code gather_bp} drops repeated indices;
 *   <li>LogSoftmax runs over the last dimension with permutes around it: LogSoftMax with a dimension does not survive
 *       the FlatBuffers copy that {@code calculateGradients} and save/load make.
 * </ul>
 * Padding and ceil mode of max pooling are an explicit −∞ pad; average pooling (PyTorch's divisors) and adaptive average
 * pooling are two products with constant window matrices; transposed convolution is an unpadded {@code deconv2d} cropped.
 *
 * <pre>{@code
 * SameDiffGraph g = SameDiffExport.trace(model, -1, 1, 28, 28);
 * INDArray logits = g.output(images);
 * g.save(Path.of("model.fb"));
 * }</pre>
 */
public final class SameDiffExport {
    /** Whether the warning about convolution gradients under MKL was logged (once a process). */
    private static final java.util.concurrent.atomic.AtomicBoolean MKL_WARNED = new java.util.concurrent.atomic.AtomicBoolean();

    /** The batch size of the probe input pushed through the layers to learn their output shapes. */
    private static final int PROBE_BATCH = 2;

    private final SameDiff sd = SameDiff.create();
    private final Map<Parameter, String> names = new IdentityHashMap<>();
    private final Map<Tensor, String> bufferNames = new IdentityHashMap<>();
    private final Map<Tensor, SDVariable> vars = new IdentityHashMap<>();
    private final DataType dt;

    private SameDiffExport(Module model, DataType dt) {
        this.dt = dt;
        model.namedParameters().forEach((k, p) -> names.put(p, k));
        model.namedBuffers().forEach((k, b) -> bufferNames.put(b, k));
    }

    /**
     * The graph of {@code model} (a Sequential, possibly nested, of built-in layers) in eval mode, for
     * inputs of {@code inputShape} whose first dimension (the batch, −1 or any size) is left free.
     * The input is int64 when the first layer is an Embedding, else the parameters' dtype. The
     * model's train/eval modes are left as they were.
     */
    public static SameDiffGraph trace(Module model, long... inputShape) {
        if (inputShape.length == 0) throw new IllegalArgumentException("SameDiffExport.trace: expected an input shape [batch, ...], got []");
        for (int i = 1; i < inputShape.length; i++) {
            if (inputShape[i] <= 0) {
                throw new IllegalArgumentException("SameDiffExport.trace: only the batch dimension may be free, got input shape "
                        + Arrays.toString(inputShape));
            }
        }
        List<Parameter> ps = model.parameters();
        DType dtype = ps.isEmpty() ? Nabla.defaultDtype() : ps.get(0).dtype();
        if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) {
            throw new IllegalArgumentException("SameDiffExport.trace: expected float32 or float64 parameters, got " + dtype);
        }
        boolean indices = firstLeaf(model) instanceof Embedding;
        DType inputType = indices ? DType.INT64 : dtype;
        long[] probeShape = inputShape.clone();
        probeShape[0] = PROBE_BATCH;

        Map<Module, Boolean> modes = new LinkedHashMap<>();
        for (Module m : model.modules()) modes.put(m, m.isTraining());
        model.eval();
        try (var g = Grad.disabled()) {
            SameDiffExport t = new SameDiffExport(model, dtype.nd());
            long[] placeholderShape = inputShape.clone();
            placeholderShape[0] = -1;
            SDVariable x = t.sd.placeHolder(SameDiffGraph.INPUT, inputType.nd(), placeholderShape);
            Traced out = t.emit(model, "", new Traced(x, Tensor.zeros(inputType, probeShape)));
            t.sd.identity(SameDiffGraph.OUTPUT, out.v());
            return new SameDiffGraph(t.sd, SameDiffGraph.INPUT, SameDiffGraph.OUTPUT);
        } finally {
            modes.forEach(Module::train);   // pre-order: each module's own flag wins over its parent's
        }
    }

    private static Module firstLeaf(Module m) {
        while (m instanceof Sequential s && s.size() > 0) m = s.get(0);
        return m;
    }

    /** A graph variable and the probe tensor of the same computation, which carries the static shape. */
    private record Traced(SDVariable v, Tensor probe) {
        long[] shape() { return probe.shape().toArray(); }
    }

    private Traced emit(Module m, String path, Traced x) {
        if (m.getClass() == Sequential.class) {
            Sequential s = (Sequential) m;
            for (Map.Entry<String, Module> e : s.namedChildren().entrySet()) {
                x = emit(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), x);
            }
            return x;
        }
        Tensor probeOut;
        try {
            probeOut = m.forward(x.probe());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("SameDiffExport: " + where(m, path) + " does not take the traced input "
                    + Arrays.toString(batchFree(x.shape())) + ": " + e.getMessage(), e);
        }
        return new Traced(layer(m, path, x, probeOut.shape().toArray()), probeOut);
    }

    private static String where(Module m, String path) {
        return m.getClass().getSimpleName() + (path.isEmpty() ? "" : " at '" + path + "'");
    }

    private static long[] batchFree(long[] shape) {
        long[] s = shape.clone();
        if (s.length > 0) s[0] = -1;
        return s;
    }

    private SDVariable layer(Module m, String path, Traced t, long[] outShape) {
        SDVariable x = t.v();
        long[] shape = t.shape();
        if (m instanceof Identity || m instanceof Dropout || m instanceof Dropout2d) return x;   // identities in eval mode
        if (m instanceof Linear l) return linear(x, shape, outShape, l);
        if (m instanceof Conv2d c) {
            return conv2d(x, param(c.weight()), c.weight().shape().toArray(), c.bias(), c.stride(), c.padding(), c.dilation(), c.groups());
        }
        if (m instanceof Conv1d c) {
            Conv1d.Options o = c.options();
            int[] p = c.padding();
            SDVariable w = sd.expandDims(param(c.weight()), 2);
            long[] ws = c.weight().shape().toArray();
            SDVariable y = conv2d(sd.expandDims(x, 2), w, new long[] {ws[0], ws[1], 1, ws[2]}, c.bias(), new int[] {1, o.stride()},
                    new int[] {0, p[0], 0, p[1]}, new int[] {1, o.dilation()}, o.groups());
            return sd.squeeze(y, 2);
        }
        if (m instanceof ConvTranspose2d c) return convTranspose2d(x, shape, c);
        if (m instanceof MaxPool2d p) {
            int[] k = p.kernel(), st = p.stride(), pad = p.padding(), d = p.dilation();
            return maxPool(x, shape, k[0], k[1], st[0], st[1], pad[0], pad[1], d[0], d[1], p.ceilMode());
        }
        if (m instanceof MaxPool1d p) {
            long[] s4 = {shape[0], shape[1], 1, shape[2]};
            return sd.squeeze(maxPool(sd.expandDims(x, 2), s4, 1, p.kernel(), 1, p.stride(), 0, p.padding(), 1, p.dilation(), p.ceilMode()), 2);
        }
        if (m instanceof AvgPool2d p) return avgPool(x, shape, p);
        if (m instanceof AdaptiveAvgPool2d p) {
            int h = (int) shape[2], w = (int) shape[3];
            return separable(x, shape, adaptiveWindows(h, p.outputHeight()), adaptiveWindows(w, p.outputWidth()), 1);
        }
        if (m instanceof Flatten || m instanceof Unflatten) {
            if (m instanceof Unflatten u && (u.dim() == 0 || u.dim() == -shape.length)) {
                throw new IllegalArgumentException("SameDiffExport: " + where(m, path) + " splits the batch dimension, which the graph leaves free");
            }
            return sd.reshape(x, batchFree(outShape));
        }
        if (m instanceof BatchNormBase b) return batchNorm(x, shape, b);
        if (m instanceof LayerNorm l) return layerNorm(x, shape, l);
        if (m instanceof Embedding e) return embedding(x, shape, e);
        if (m instanceof ReLU) return sd.nn.relu(x, 0);
        if (m instanceof Tanh) return sd.math.tanh(x);
        if (m instanceof Sigmoid) return sd.nn.sigmoid(x);
        if (m instanceof LeakyReLU l) return sd.nn.leakyRelu(x, l.negativeSlope());
        if (m instanceof ELU e) {   // relu(x) + α·(exp(−relu(−x)) − 1): exp of min(x, 0) never overflows
            SDVariable neg = sd.math.exp(sd.nn.relu(x.neg(), 0).neg()).sub(1.0).mul(e.alpha());
            return sd.nn.relu(x, 0).add(neg);
        }
        if (m instanceof GELU g && "tanh".equals(g.approximate())) {   // x/2 · (1 + tanh(√(2/π)·(x + 0.044715·x³)))
            return x.mul(sd.math.tanh(x.mul(x).mul(x).mul(0.044715).add(x).mul(Math.sqrt(2 / Math.PI))).add(1.0)).mul(0.5);
        }
        if (m instanceof GELU) return x.mul(sd.math.erf(x.mul(1 / Math.sqrt(2))).add(1.0)).mul(0.5);
        if (m instanceof Softplus s) {   // (relu(βx) + log(1 + exp(−|βx|))) / β, and x where βx > threshold (a 0/1 mask from sign)
            SDVariable bx = x.mul(s.beta());
            SDVariable soft = sd.nn.relu(bx, 0).add(sd.math.log(sd.math.exp(sd.math.abs(bx).neg()).add(1.0))).div(s.beta());
            SDVariable above = sd.math.sign(sd.nn.relu(bx.sub(s.threshold()), 0));
            return above.mul(x).add(above.rsub(1.0).mul(soft));
        }
        if (m instanceof Softmax s) return sd.nn.softmax(x, axis(s.dim(), shape.length));
        if (m instanceof LogSoftmax s) return logSoftmax(x, axis(s.dim(), shape.length), shape.length);
        throw new IllegalArgumentException("SameDiffExport: cannot trace " + m.getClass().getName() + (path.isEmpty() ? "" : " at '" + path + "'")
                + "; only Sequential compositions of the built-in layers (Linear, Conv1d, Conv2d, ConvTranspose2d, pooling, BatchNorm, "
                + "LayerNorm, Embedding, Flatten, Unflatten, Dropout, activations) can be traced");
    }

    private static int axis(int dim, int rank) { return dim < 0 ? dim + rank : dim; }

    /**
     * log_softmax along {@code dim}: the op over the last dimension, with permutes around it. LogSoftMax with an explicit
     * dimension does not survive SameDiff's own FlatBuffers copy in 1.0.0-M2.1 ("Error setting property ... Integer.values()"),
     * which calculateGradients and save/load make.
     */
    private SDVariable logSoftmax(SDVariable x, int dim, int rank) {
        if (dim == rank - 1) return sd.nn.logSoftmax(x);
        int[] swap = new int[rank];
        for (int i = 0; i < rank; i++) swap[i] = i;
        swap[dim] = rank - 1;
        swap[rank - 1] = dim;
        return sd.permute(sd.nn.logSoftmax(sd.permute(x, swap)), swap);
    }

    // ---------------------------------------------------------------- layers

    /** x·Wᵀ + b as mmul + add (sd.nn.linear is reported not to train in 1.0.0-M2.1); [..., in] flattened to 2-d around it. */
    private SDVariable linear(SDVariable x, long[] shape, long[] outShape, Linear l) {
        long in = shape[shape.length - 1];
        SDVariable x2 = shape.length == 2 ? x : sd.reshape(x, -1, in);
        SDVariable y = x2.mmul(sd.permute(param(l.weight()), 1, 0));
        if (l.bias() != null) y = y.add(param(l.bias()));
        return shape.length == 2 ? y : sd.reshape(y, batchFree(outShape));
    }

    /**
     * Cross-correlation of x [N, C, H, W] with w [O, C/groups, kh, kw] (a graph variable); padding {top, left, bottom, right}.
     * Groups are split and concatenated, dilation is a zero-inserted kernel, uneven padding an explicit pad, and the weight
     * goes to conv2d as YXIO through a permute.
     */
    private SDVariable conv2d(SDVariable x, SDVariable w, long[] ws, Parameter bias, int[] stride, int[] pad, int[] dilation, int groups) {
        int kh = (int) ws[2], kw = (int) ws[3];
        if (dilation[0] != 1 || dilation[1] != 1) {
            w = dilate(w, ws, dilation);
            kh = dilation[0] * (kh - 1) + 1;
            kw = dilation[1] * (kw - 1) + 1;
        }
        int ph = pad[0], pw = pad[1];
        if (pad[0] != pad[2] || pad[1] != pad[3]) {
            x = pad(x, pad[0], pad[2], pad[1], pad[3], 0);
            ph = 0;
            pw = 0;
        }
        if (kh == 3 && kw == 3 && stride[0] == 1 && stride[1] == 1 && Conv2dFunction.libBackwardWrong() && !MKL_WARNED.getAndSet(true)) {
            org.slf4j.LoggerFactory.getLogger(SameDiffExport.class).warn("SameDiffExport: Intel MKL is the BLAS, and with it libnd4j's "
                    + "conv2d_bp returns wrong weight and bias gradients for 3x3 stride-1 convolutions (BENCHMARKS.md, sixth round): "
                    + "this graph's outputs are right, its convolution gradients are not");
        }
        Conv2DConfig cfg = Conv2DConfig.builder().kH(kh).kW(kw).sH(stride[0]).sW(stride[1]).pH(ph).pW(pw).dH(1).dW(1)
                .dataFormat(Conv2DConfig.NCHW).weightsFormat(WeightsFormat.YXIO).build();
        if (groups == 1) {
            SDVariable yxio = sd.permute(w, 2, 3, 1, 0);
            return bias == null ? sd.cnn.conv2d(x, yxio, cfg) : sd.cnn.conv2d(x, yxio, param(bias), cfg);
        }
        SDVariable[] xs = sd.split(x, groups, 1), wg = sd.split(w, groups, 0);
        SDVariable[] ys = new SDVariable[groups];
        for (int g = 0; g < groups; g++) ys[g] = sd.cnn.conv2d(xs[g], sd.permute(wg[g], 2, 3, 1, 0), cfg);
        return addChannelBias(sd.concat(1, ys), bias);
    }

    /**
     * Transposed convolution: libnd4j's deconv2d without padding (weight permuted from [in, out/groups, k, k] to its
     * [k, k, out, in]) gives the full output, cropped by the padding (zero-extended by the output padding beyond it).
     */
    private SDVariable convTranspose2d(SDVariable x, long[] shape, ConvTranspose2d c) {
        ConvTranspose2d.Options o = c.options();
        SDVariable w = param(c.weight());
        long[] ws = c.weight().shape().toArray();
        int k = (int) ws[2];
        if (o.dilation() != 1) {
            w = dilate(w, ws, new int[] {o.dilation(), o.dilation()});
            k = o.dilation() * (k - 1) + 1;
        }
        DeConv2DConfig cfg = DeConv2DConfig.builder().kH(k).kW(k).sH(o.stride()).sW(o.stride()).pH(0).pW(0).dH(1).dW(1)
                .dataFormat(DeConv2DConfig.NCHW).build();
        int groups = o.groups();
        SDVariable y;
        if (groups == 1) {
            y = sd.cnn.deconv2d(x, sd.permute(w, 2, 3, 1, 0), cfg);
        } else {
            SDVariable[] xs = sd.split(x, groups, 1), wg = sd.split(w, groups, 0);
            SDVariable[] ys = new SDVariable[groups];
            for (int g = 0; g < groups; g++) ys[g] = sd.cnn.deconv2d(xs[g], sd.permute(wg[g], 2, 3, 1, 0), cfg);
            y = sd.concat(1, ys);
        }
        int p = o.padding(), op = o.outputPadding();
        long oh = (shape[2] - 1) * o.stride() - 2L * p + k + op, ow = (shape[3] - 1) * o.stride() - 2L * p + k + op;
        if (op > p) y = pad(y, 0, op - p, 0, op - p, 0);
        if (p > 0 || op > 0) {
            y = sd.stridedSlice(y, new long[] {0, 0, p, p}, new long[] {0, 0, p + oh, p + ow}, new long[] {1, 1, 1, 1}, 0b11, 0b11, 0, 0, 0);
        }
        return addChannelBias(y, c.bias());
    }

    private SDVariable addChannelBias(SDVariable y, Parameter bias) {
        return bias == null ? y : y.add(sd.reshape(param(bias), 1, -1, 1, 1));
    }

    /** The kernel w [A, B, kh, kw] with dilation−1 zeros between taps, as a product with a constant 0/1 matrix (differentiable in w). */
    private SDVariable dilate(SDVariable w, long[] ws, int[] d) {
        int kh = (int) ws[2], kw = (int) ws[3];
        int kh2 = d[0] * (kh - 1) + 1, kw2 = d[1] * (kw - 1) + 1;
        double[][] e = new double[kh * kw][kh2 * kw2];
        for (int a = 0; a < kh; a++) for (int b = 0; b < kw; b++) e[a * kw + b][a * d[0] * kw2 + b * d[1]] = 1;
        SDVariable flat = sd.reshape(w, ws[0] * ws[1], (long) kh * kw);
        return sd.reshape(flat.mmul(constant(Nd4j.createFromArray(e))), ws[0], ws[1], kh2, kw2);
    }

    /** Pads the last two dimensions of a 4-d x with a constant. */
    private SDVariable pad(SDVariable x, int top, int bottom, int left, int right, double value) {
        INDArray p = Nd4j.createFromArray(new int[][] {{0, 0}, {0, 0}, {top, bottom}, {left, right}});
        return sd.nn.pad(x, sd.constant(p), PadMode.CONSTANT, value);
    }

    /**
     * Max pooling with PyTorch's padding (never the max) and ceil mode as an explicit −∞ pad before an unpadded pool. With
     * dilation libnd4j's maxpool2d gives wrong values on the onednn build, so a dilated pool is the elementwise maximum of the
     * kh·kw strided slices of the window taps.
     */
    private SDVariable maxPool(SDVariable x, long[] shape, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, boolean ceil) {
        int h = (int) shape[2], w = (int) shape[3];
        int oh = outSize(h, kh, ph, sh, dh, ceil), ow = outSize(w, kw, pw, sw, dw, ceil);
        int extraH = Math.max(0, (oh - 1) * sh + dh * (kh - 1) + 1 - (h + 2 * ph));   // the ceil mode's last window
        int extraW = Math.max(0, (ow - 1) * sw + dw * (kw - 1) + 1 - (w + 2 * pw));
        if (ph > 0 || pw > 0 || extraH > 0 || extraW > 0) x = pad(x, ph, ph + extraH, pw, pw + extraW, Double.NEGATIVE_INFINITY);
        if (dh != 1 || dw != 1) {
            SDVariable y = null;
            for (int a = 0; a < kh; a++) {
                for (int b = 0; b < kw; b++) {
                    long[] begin = {0, 0, (long) a * dh, (long) b * dw};
                    long[] end = {0, 0, begin[2] + (long) (oh - 1) * sh + 1, begin[3] + (long) (ow - 1) * sw + 1};
                    SDVariable tap = sd.stridedSlice(x, begin, end, new long[] {1, 1, sh, sw}, 0b11, 0b11, 0, 0, 0);
                    y = y == null ? tap : sd.math.max(y, tap);
                }
            }
            return y;
        }
        return sd.cnn.maxPooling2d(x, Pooling2DConfig.builder().kH(kh).kW(kw).sH(sh).sW(sw).pH(0).pW(0).dH(dh).dW(dw).isNHWC(false).build());
    }

    /** PyTorch's pooled size ⌊(L + 2p − d(k − 1) − 1)/s⌋ + 1 (⌈⌉ in ceil mode, the last window starting inside the input or left pad). */
    static int outSize(int in, int k, int pad, int stride, int dilation, boolean ceil) {
        int span = in + 2 * pad - dilation * (k - 1) - 1;
        int out = (ceil ? Math.floorDiv(span + stride - 1, stride) : Math.floorDiv(span, stride)) + 1;
        if (ceil && (long) (out - 1) * stride >= in + pad) out--;
        return out;
    }

    /** Average pooling as Aₕ·x·Aᵥᵀ with constant window matrices; PyTorch's divisors (count_include_pad, ceil mode, override). */
    private SDVariable avgPool(SDVariable x, long[] shape, AvgPool2d p) {
        boolean override = p.divisorOverride() > 0;
        double[][] ah = avgWindows((int) shape[2], p, 0, override), aw = avgWindows((int) shape[3], p, 1, override);
        return separable(x, shape, ah, aw, override ? 1.0 / p.divisorOverride() : 1);
    }

    /** The window matrix of one axis (0: rows, 1: columns). */
    private static double[][] avgWindows(int in, AvgPool2d p, int axis, boolean override) {
        int k = p.kernel()[axis], s = p.stride()[axis], pad = p.padding()[axis];
        int out = outSize(in, k, pad, s, 1, p.ceilMode());
        double[][] a = new double[out][in];
        for (int i = 0; i < out; i++) {
            int start = i * s - pad, end = Math.min(start + k, in + pad);
            int size = end - start;
            int cs = Math.max(start, 0), ce = Math.min(end, in);
            double div = override ? 1 : p.countIncludePad() ? size : ce - cs;
            for (int j = cs; j < ce; j++) a[i][j] = 1 / div;
        }
        return a;
    }

    private static double[][] adaptiveWindows(int in, int out) {
        double[][] a = new double[out][in];
        for (int i = 0; i < out; i++) {
            int start = (int) Math.floor((double) i * in / out), end = (int) Math.ceil((double) (i + 1) * in / out);
            for (int j = start; j < end; j++) a[i][j] = 1.0 / (end - start);
        }
        return a;
    }

    /** y[n, c] = scale · Aₕ · x[n, c] · Aᵥᵀ for x [N, C, H, W], as two matrix products. */
    private SDVariable separable(SDVariable x, long[] shape, double[][] ah, double[][] aw, double scale) {
        long c = shape[1], h = shape[2], w = shape[3], oh = ah.length, ow = aw.length;
        SDVariable awT = constant(Nd4j.createFromArray(aw).transpose().dup());
        SDVariable ahT = constant(Nd4j.createFromArray(ah).transpose().dup());
        SDVariable y = sd.reshape(x, -1, w).mmul(awT);                       // [N·C·H, ow]
        y = sd.permute(sd.reshape(y, -1, c, h, ow), 0, 1, 3, 2);            // [N, C, ow, H]
        y = sd.reshape(y, -1, h).mmul(ahT);                                  // [N·C·ow, oh]
        y = sd.permute(sd.reshape(y, -1, c, ow, oh), 0, 1, 3, 2);           // [N, C, oh, ow]
        return scale == 1 ? y : y.mul(scale);
    }

    /** Eval-mode batch norm: the running statistics (constants named as the buffers), or the batch's when the layer keeps none. */
    private SDVariable batchNorm(SDVariable x, long[] shape, BatchNormBase b) {
        long c = shape[1];
        long[] perChannel = new long[shape.length];
        Arrays.fill(perChannel, 1);
        perChannel[1] = c;
        SDVariable mean, var;
        if (b.runningMean() != null) {
            mean = sd.reshape(buffer(b.runningMean()), perChannel);
            var = sd.reshape(buffer(b.runningVar()), perChannel);
        } else {
            int[] dims = new int[shape.length - 1];
            for (int i = 0, k = 0; i < shape.length; i++) if (i != 1) dims[k++] = i;
            mean = meanKeepDims(x, shape.length, dims);
            var = meanKeepDims(sd.math.square(x.sub(mean)), shape.length, dims);
        }
        SDVariable y = x.sub(mean).div(sd.math.sqrt(var.add(b.options().eps())));
        if (b.weight() != null) y = y.mul(sd.reshape(param(b.weight()), perChannel));
        if (b.bias() != null) y = y.add(sd.reshape(param(b.bias()), perChannel));
        return y;
    }

    private SDVariable layerNorm(SDVariable x, long[] shape, LayerNorm l) {
        int k = l.normalizedShape().length;
        int[] dims = new int[k];
        for (int i = 0; i < k; i++) dims[i] = shape.length - k + i;
        SDVariable mean = meanKeepDims(x, shape.length, dims);
        SDVariable centred = x.sub(mean);
        SDVariable y = centred.div(sd.math.sqrt(meanKeepDims(sd.math.square(centred), shape.length, dims).add(l.eps())));
        if (l.weight() != null) y = y.mul(param(l.weight()));
        if (l.bias() != null) y = y.add(param(l.bias()));
        return y;
    }

    /**
     * The mean over {@code dims}, kept as size-1 dimensions. A legacy reduction over dimensions that all have size 1 (a batch
     * of one) throws a NullPointerException in BaseReduceOp.noOp in 1.0.0-M2.1, so it reduces a doubled copy instead: the
     * two copies stacked on a new last axis, which is reduced too (the mean is unchanged, and so is the gradient).
     */
    private SDVariable meanKeepDims(SDVariable x, int rank, int[] dims) {
        SDVariable e = sd.expandDims(x, rank);
        SDVariable two = sd.concat(rank, e, e);
        int[] all = Arrays.copyOf(dims, dims.length + 1);
        all[dims.length] = rank;
        return sd.squeeze(sd.mean(two, true, all), rank);
    }

    /**
     * Rows of the weight picked by the int64 indices, as one-hot rows times the weight: the gradient of gather (gather_bp)
     * in 1.0.0-M2.1 drops repeated indices instead of summing them. The padding row takes no gradient in Nabla, so the graph
     * reads it from a constant: weight·mask + paddingRow, the mask zero on that row.
     */
    private SDVariable embedding(SDVariable indices, long[] shape, Embedding e) {
        SDVariable w = param(e.weight());
        long[] ws = e.weight().shape().toArray();
        long pad = e.paddingIdx();
        if (pad >= 0) {
            INDArray mask = Nd4j.ones(dt, ws[0], 1);
            mask.putScalar(pad, 0, 0);
            INDArray row = Nd4j.zeros(dt, ws[0], ws[1]);
            row.getRow(pad).assign(e.weight().nd().getRow(pad));
            w = w.mul(constant(mask)).add(constant(row));
        }
        SDVariable oneHot = sd.oneHot(sd.reshape(indices, -1), (int) ws[0], -1, 1, 0, dt);   // [n, num]
        long[] out = Arrays.copyOf(batchFree(shape), shape.length + 1);
        out[shape.length] = ws[1];
        return sd.reshape(oneHot.mmul(w), out);
    }

    // ---------------------------------------------------------------- parameters

    private SDVariable param(Parameter p) {
        return vars.computeIfAbsent(p, k -> sd.var(names.get(p), p.nd().dup().castTo(dt)));
    }

    private SDVariable buffer(Tensor b) {
        return vars.computeIfAbsent(b, k -> sd.constant(bufferNames.get(b), b.nd().dup().castTo(dt)));
    }

    private SDVariable constant(INDArray a) { return sd.constant(a.castTo(dt)); }
}
