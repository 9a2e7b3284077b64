package dev.nabla.layers;

import dev.nabla.api.DType;
import dev.nabla.api.Function;
import dev.nabla.layers.kernels.AvgPool2dFunction;
import dev.nabla.layers.kernels.BinaryCrossEntropyFunction;
import dev.nabla.layers.kernels.BatchNormFunction;
import dev.nabla.layers.kernels.Conv2dFunction;
import dev.nabla.layers.kernels.ConvTranspose2dFunction;
import dev.nabla.layers.kernels.CrossEntropyFunction;
import dev.nabla.layers.kernels.DropoutFunction;
import dev.nabla.layers.kernels.EmbeddingLookup;
import dev.nabla.layers.kernels.GeluFunction;
import dev.nabla.layers.kernels.LayerNormFunction;
import dev.nabla.layers.kernels.LinearFunction;
import dev.nabla.layers.kernels.MaxPool2dFunction;
import dev.nabla.layers.kernels.PoolGeometry;
import dev.nabla.layers.kernels.SoftplusFunction;
import dev.nabla.layers.kernels.SoftmaxFunction;
import dev.nabla.api.Grad;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import java.util.Arrays;

/**
 * The functional API, as {@code torch.nn.functional}: the operations the modules call, usable
 * directly on tensors.
 *
 * <pre>{@code
 * Tensor loss = F.crossEntropy(F.linear(x, w, b), y);
 * }</pre>
 */
public final class F {
    private F() {}

    // ---------------------------------------------------------------- linear

    /** x·Wᵀ + b for x of shape [..., in], W [out, in], b [out] (or null). */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        long in = weight.size(1);
        if (x.dim() == 0 || x.size(-1) != in) {
            throw new IllegalArgumentException("Linear(in_features=" + in + ", out_features=" + weight.size(0) + "): expected input [..., "
                    + in + "], got " + x.shape() + (x.dim() > 2 ? "; add a Flatten before it?" : ""));
        }
        boolean fused = weight.dim() == 2 && weight.dtype() == x.dtype() && (bias == null || (bias.dim() == 1 && bias.size(0) == weight.size(0)));
        if (!fused) {
            Tensor y = x.dim() == 2 ? x.mm(weight.t()) : x.matmul(weight.t());
            return bias == null ? y : y.add(bias);
        }
        Tensor x2 = x.dim() == 2 ? x : x.reshape(-1, in);
        Tensor y = bias == null ? Function.apply(new LinearFunction(), x2, weight) : Function.apply(new LinearFunction(), x2, weight, bias);
        if (x.dim() == 2) return y;
        long[] shape = x.shape().toArray();
        shape[shape.length - 1] = weight.size(0);
        return y.reshape(shape);
    }

    // ---------------------------------------------------------------- convolution and pooling

    /**
     * 2-d cross-correlation of x [N, C, H, W] (or [C, H, W]) with weight [Co, C/groups, kh, kw], by the
     * project's im2col + GEMM kernel. {@code padding} is {top, left, bottom, right}.
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        boolean unbatched = x.dim() == 3;
        Tensor in = unbatched ? x.unsqueeze(0) : x;
        long[] w = weight.shape().toArray();
        String who = "conv2d(weight " + Arrays.toString(w) + ", groups=" + groups + ")";
        if (in.dim() != 4) {
            throw new IllegalArgumentException(who + ": expected input [N, " + w[1] * groups + ", H, W], got " + x.shape());
        }
        if (in.size(1) != w[1] * groups) {
            throw new IllegalArgumentException(who + ": expected input [N, " + w[1] * groups + ", H, W] (" + w[1] * groups
                    + " channels), got " + x.shape());
        }
        if (w[0] % groups != 0) throw new IllegalArgumentException(who + ": out_channels must be divisible by groups");
        checkFloat("conv2d", in, weight);
        long effH = in.size(2) + padding[0] + padding[2], effW = in.size(3) + padding[1] + padding[3];
        long kh = dilation[0] * (w[2] - 1) + 1, kw = dilation[1] * (w[3] - 1) + 1;
        if (effH < kh || effW < kw) {
            throw new IllegalArgumentException(who + ": input of " + in.size(2) + "x" + in.size(3) + " (padded " + effH + "x" + effW
                    + ") is smaller than the (dilated) kernel " + kh + "x" + kw);
        }
        Conv2dFunction f = new Conv2dFunction(stride[0], stride[1], padding[0], padding[1], padding[2], padding[3], dilation[0], dilation[1], groups);
        Tensor y = bias == null ? Function.apply(f, in, weight) : Function.apply(f, in, weight, bias);
        return unbatched ? y.squeeze(0) : y;
    }

    /** conv2d with stride 1, no padding, dilation 1, one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return conv2d(x, weight, bias, new int[] {1, 1}, new int[] {0, 0, 0, 0}, new int[] {1, 1}, 1);
    }

    /** 1-d cross-correlation of x [N, C, L] with weight [Co, C/groups, k]; {@code padding} is {left, right}. */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, int stride, int[] padding, int dilation, int groups) {
        boolean unbatched = x.dim() == 2;
        Tensor in = unbatched ? x.unsqueeze(0) : x;
        if (in.dim() != 3) {
            throw new IllegalArgumentException("conv1d(weight " + weight.shape() + "): expected input [N, C, L], got "
                    + x.shape());
        }
        Tensor y = conv2d(in.unsqueeze(2), weight.unsqueeze(2), bias, new int[] {1, stride}, new int[] {0, padding[0], 0, padding[1]},
                new int[] {1, dilation}, groups).squeeze(2);
        return unbatched ? y.squeeze(0) : y;
    }

    /** Transposed 2-d convolution of x [N, Cin, H, W] with weight [Cin, Cout/groups, kh, kw]. */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] outputPadding,
                                         int[] dilation, int groups) {
        boolean unbatched = x.dim() == 3;
        Tensor in = unbatched ? x.unsqueeze(0) : x;
        long[] w = weight.shape().toArray();
        if (in.dim() != 4 || in.size(1) != w[0]) {
            throw new IllegalArgumentException("conv_transpose2d(weight " + Arrays.toString(w) + "): expected input [N, " + w[0]
                    + ", H, W], got " + x.shape());
        }
        for (int i = 0; i < 2; i++) {
            if (outputPadding[i] >= Math.max(stride[i], dilation[i])) {
                throw new IllegalArgumentException("conv_transpose2d: output padding must be smaller than either stride or dilation, got "
                        + "output_padding=" + outputPadding[i] + ", stride=" + stride[i] + ", dilation=" + dilation[i]);
            }
        }
        checkFloat("conv_transpose2d", in, weight);
        ConvTranspose2dFunction f = new ConvTranspose2dFunction(stride[0], stride[1], padding[0], padding[1], outputPadding[0],
                outputPadding[1], dilation[0], dilation[1], groups);
        Tensor y = bias == null ? Function.apply(f, in, weight) : Function.apply(f, in, weight, bias);
        return unbatched ? y.squeeze(0) : y;
    }

    /** Max over windows of x [N, C, H, W] (or [C, H, W]); kernel, stride, padding, dilation as {h, w}. */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        Tensor in = pool4d("max_pool2d", x);
        for (int i = 0; i < 2; i++) {
            if (padding[i] > kernel[i] / 2) {
                throw new IllegalArgumentException("max_pool2d: pad should be at most half of effective kernel size, but got pad="
                        + padding[i] + ", kernel_size=" + kernel[i]);
            }
        }
        checkPoolOutput("max_pool2d", in, kernel, stride, padding, dilation, ceilMode);
        Tensor y = Function.apply(new MaxPool2dFunction(kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1], dilation[0],
                dilation[1], ceilMode), in);
        return x.dim() == 3 ? y.squeeze(0) : y;
    }

    /** Max over windows of x [N, C, L]. */
    public static Tensor maxPool1d(Tensor x, int kernel, int stride, int padding, int dilation, boolean ceilMode) {
        if (x.dim() != 2 && x.dim() != 3) {
            throw new IllegalArgumentException("max_pool1d: expected input [N, C, L] or [C, L], got " + x.shape());
        }
        return maxPool2d(x.unsqueeze(-2), new int[] {1, kernel}, new int[] {1, stride}, new int[] {0, padding}, new int[] {1, dilation},
                ceilMode).squeeze(-2);
    }

    /** Mean over windows of x [N, C, H, W], PyTorch's divisor rules ({@code divisorOverride} ≤ 0 for none). */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad,
                                   int divisorOverride) {
        Tensor in = pool4d("avg_pool2d", x);
        for (int i = 0; i < 2; i++) {
            if (padding[i] > kernel[i] / 2) {
                throw new IllegalArgumentException("avg_pool2d: pad should be at most half of kernel size, but got pad=" + padding[i]
                        + ", kernel_size=" + kernel[i]);
            }
        }
        checkPoolOutput("avg_pool2d", in, kernel, stride, padding, new int[] {1, 1}, ceilMode);
        Tensor y = Function.apply(AvgPool2dFunction.fixed((int) in.size(0), (int) in.size(1), kernel[0], kernel[1], stride[0], stride[1],
                padding[0], padding[1], ceilMode, countIncludePad, divisorOverride), in);
        return x.dim() == 3 ? y.squeeze(0) : y;
    }

    /** Mean over adaptive windows to an [oh, ow] output. */
    public static Tensor adaptiveAvgPool2d(Tensor x, int oh, int ow) {
        Tensor in = pool4d("adaptive_avg_pool2d", x);
        if (oh <= 0 || ow <= 0) throw new IllegalArgumentException("adaptive_avg_pool2d: output size must be positive, got " + oh + "x" + ow);
        Tensor y = Function.apply(AvgPool2dFunction.adaptive((int) in.size(0), (int) in.size(1), oh, ow), in);
        return x.dim() == 3 ? y.squeeze(0) : y;
    }

    private static Tensor pool4d(String op, Tensor x) {
        if (x.dim() != 3 && x.dim() != 4) {
            throw new IllegalArgumentException(op + ": expected input [N, C, H, W] or [C, H, W], got " + x.shape());
        }
        if (!x.dtype().isFloatingPoint() || x.dtype() == DType.FLOAT16) {
            throw new IllegalArgumentException(op + ": expected a float32 or float64 input, got " + x.dtype());
        }
        return x.dim() == 3 ? x.unsqueeze(0) : x;
    }

    private static void checkPoolOutput(String op, Tensor in, int[] k, int[] s, int[] p, int[] d, boolean ceil) {
        for (int i = 0; i < 2; i++) {
            if (k[i] <= 0 || s[i] <= 0 || d[i] <= 0 || p[i] < 0) {
                throw new IllegalArgumentException(op + ": kernel, stride and dilation must be positive and padding non-negative, got kernel="
                        + Arrays.toString(k) + ", stride=" + Arrays.toString(s) + ", padding=" + Arrays.toString(p) + ", dilation=" + Arrays.toString(d));
            }
            int out = PoolGeometry.outSize((int) in.size(2 + i), k[i], p[i], s[i], d[i], ceil);
            if (out <= 0) {
                throw new IllegalArgumentException(op + ": input " + in.shape() + " is too small for kernel "
                        + Arrays.toString(k) + " with padding " + Arrays.toString(p) + " (output size " + out + ")");
            }
        }
    }

    private static void checkFloat(String op, Tensor x, Tensor w) {
        if ((x.dtype() != DType.FLOAT32 && x.dtype() != DType.FLOAT64) || x.dtype() != w.dtype()) {
            throw new IllegalArgumentException(op + ": expected float32 or float64 input and weight of one dtype, got input " + x.dtype()
                    + " and weight " + w.dtype());
        }
    }

    // ---------------------------------------------------------------- activations

    public static Tensor relu(Tensor x) { return x.relu(); }

    public static Tensor tanh(Tensor x) { return x.tanh(); }

    public static Tensor sigmoid(Tensor x) { return x.sigmoid(); }

    /** x where x > 0, slope·x elsewhere. */
    public static Tensor leakyRelu(Tensor x, double slope) {
        return Tensor.where(x.gt(0), x, x.mul(slope));
    }

    /** x where x > 0, α·(exp(x) − 1) elsewhere. */
    public static Tensor elu(Tensor x, double alpha) {
        Tensor neg = x.clamp(Double.NEGATIVE_INFINITY, 0).exp().sub(1).mul(alpha);
        return Tensor.where(x.gt(0), x, neg);
    }

    /** The exact GELU, x·Φ(x) = x/2 · (1 + erf(x/√2)), PyTorch's default. */
    public static Tensor gelu(Tensor x) { return gelu(x, "none"); }

    /**
     * GELU as {@code F.gelu(x, approximate=…)}: "none" the exact x/2 · (1 + erf(x/√2)), "tanh" the approximation
     * x/2 · (1 + tanh(√(2/π) · (x + 0.044715·x³))).
     */
    public static Tensor gelu(Tensor x, String approximate) {
        boolean tanh = "tanh".equals(approximate);
        if (!tanh && !"none".equals(approximate)) {
            throw new IllegalArgumentException("gelu: approximate must be 'none' or 'tanh', got '" + approximate + "'");
        }
        if (GeluFunction.applies(x.nd())) return Function.apply(new GeluFunction(tanh), x);
        if (!x.dtype().isFloatingPoint()) throw new IllegalArgumentException("gelu: expected a floating-point input, got " + x.dtype());
        return gelu(x.to(DType.FLOAT32), approximate).to(x.dtype());   // float16: computed in float32, as PyTorch
    }

    /** (1/β)·log1p(exp(β·x)), and x itself where β·x > threshold (PyTorch's defaults: β = 1, threshold = 20). */
    public static Tensor softplus(Tensor x, double beta, double threshold) {
        if (!x.dtype().isFloatingPoint()) throw new IllegalArgumentException("Softplus: expected a floating-point input, got " + x.dtype());
        return Function.apply(new SoftplusFunction(beta, threshold), x);
    }

    public static Tensor softplus(Tensor x) { return softplus(x, 1, 20); }

    /** exp(x) / Σ exp(x) along dim, with the maximum subtracted first (no overflow), as one op with a fused backward. */
    public static Tensor softmax(Tensor x, int dim) { return softmax("softmax", x, dim, false); }

    /** log softmax along dim, by the log-sum-exp trick, as one op with a fused backward. */
    public static Tensor logSoftmax(Tensor x, int dim) { return softmax("logSoftmax", x, dim, true); }

    private static Tensor softmax(String who, Tensor x, int dim, boolean log) {
        if (x.dim() == 0) throw new IllegalArgumentException(who + ": expected a tensor with at least one dimension, got a 0-d tensor");
        if (!x.dtype().isFloatingPoint()) throw new IllegalArgumentException(who + ": expected a floating-point input, got " + x.dtype());
        int d = dim < 0 ? dim + x.dim() : dim;
        if (d < 0 || d >= x.dim()) {
            throw new IndexOutOfBoundsException(who + ": dimension out of range (expected to be in range of [" + (-x.dim()) + ", "
                    + (x.dim() - 1) + "], but got " + dim + ")");
        }
        if (x.numel() == 0) return x.clone();
        if (x.dtype() == DType.FLOAT16) return softmax(who, x.to(DType.FLOAT32), d, log).to(DType.FLOAT16);   // computed in float32, as PyTorch
        if (!SoftmaxFunction.applies(x.nd())) {
            throw new IllegalArgumentException(who + ": expected fewer than 2^31 elements, got " + x.shape());
        }
        return Function.apply(new SoftmaxFunction(d, log), x);
    }

    // ---------------------------------------------------------------- attention

    /**
     * softmax(q·kᵀ/√d + mask)·v for q [..., L, d], k and v [..., S, d], as {@code F.scaled_dot_product_attention};
     * a bool mask (broadcast to [..., L, S]) is true where attending is not allowed, a float mask is added to the
     * scores; dropout p on the weights when training.
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor mask, double dropoutP, boolean training) {
        return attentionWeights(q, k, mask, dropoutP, training).matmul(v);
    }

    /** The weights of {@link #scaledDotProductAttention}: dropout(softmax(q·kᵀ/√d + mask)), [..., L, S]. */
    public static Tensor attentionWeights(Tensor q, Tensor k, Tensor mask, double dropoutP, boolean training) {
        if (q.dim() < 2 || k.dim() != q.dim() || k.size(-1) != q.size(-1)) {
            throw new IllegalArgumentException("scaledDotProductAttention: expected q [..., L, d] and k [..., S, d] of the same rank and d, got "
                    + q.shape() + " and " + k.shape());
        }
        Tensor scores = q.matmul(k.transpose(-2, -1), 1 / Math.sqrt(q.size(-1)));   // the scale as the product's alpha
        if (mask != null) scores = mask.dtype() == DType.BOOL ? scores.maskedFill(mask, Double.NEGATIVE_INFINITY) : scores.add(mask);
        return dropout(softmax(scores, -1), dropoutP, training);
    }

    // ---------------------------------------------------------------- normalisation and embedding

    /**
     * Batch normalisation over dim 1 of [N, C, …], as {@code F.batch_norm}: with {@code training} (or
     * without running statistics) it normalises by the batch's mean and biased variance and, given
     * running statistics, updates them in place with {@code momentum} (the variance unbiased);
     * otherwise it normalises by the running statistics. Weight and bias [C] may be null.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        if (x.dim() < 2) throw new IllegalArgumentException("batchNorm: expected input [N, C, …], got " + x.shape());
        long c = x.size(1);
        long[] perChannel = new long[x.dim()];
        Arrays.fill(perChannel, 1);
        perChannel[1] = c;
        if (BatchNormFunction.applies(x.nd(), weight == null ? null : weight.nd(), bias == null ? null : bias.nd())) {
            return batchNormKernel(x, runningMean, runningVar, weight, bias, training, momentum, eps);
        }
        Tensor mean, var;   // other dtypes, or mixed ones: composed from generic ops
        if (training || runningMean == null) {
            int[] dims = new int[x.dim() - 1];
            for (int i = 0, k = 0; i < x.dim(); i++) if (i != 1) dims[k++] = i;
            long n = x.numel() / Math.max(c, 1);
            if (training && n <= 1) {
                throw new IllegalArgumentException("batchNorm: expected more than 1 value per channel when training, got input "
                        + x.shape() + "; use a batch of at least 2, or eval() mode");
            }
            mean = x.mean(dims, true);
            var = x.var(dims, false, true);
            if (training && runningMean != null) {
                try (var g = Grad.disabled()) {
                    Tensor m = mean.detach().view(c).to(runningMean.dtype());
                    Tensor v = var.detach().view(c).mul((double) n / (n - 1)).to(runningVar.dtype());
                    runningMean.mul_(1 - momentum).add_(m.mul(momentum));
                    runningVar.mul_(1 - momentum).add_(v.mul(momentum));
                }
            }
        } else {
            mean = runningMean.view(perChannel);
            var = runningVar.view(perChannel);
        }
        Tensor y = x.sub(mean).div(var.add(eps).sqrt());
        if (weight != null) y = y.mul(weight.view(perChannel));
        if (bias != null) y = y.add(bias.view(perChannel));
        return y;
    }

    /** batchNorm on the fused kernel (BatchNormFunction), with the running statistics updated here, as PyTorch. */
    private static Tensor batchNormKernel(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                          boolean training, double momentum, double eps) {
        long n = x.numel() / Math.max(x.size(1), 1);
        if (training && n <= 1) {
            throw new IllegalArgumentException("batchNorm: expected more than 1 value per channel when training, got input "
                    + x.shape() + "; use a batch of at least 2, or eval() mode");
        }
        boolean batch = training || runningMean == null;
        BatchNormFunction f = new BatchNormFunction(batch, batch ? null : runningMean.nd(), batch ? null : runningVar.nd(), eps,
                weight != null, bias != null);
        Tensor[] in = weight != null && bias != null ? new Tensor[] {x, weight, bias}
                : weight != null ? new Tensor[] {x, weight} : bias != null ? new Tensor[] {x, bias} : new Tensor[] {x};
        Tensor y = Function.apply(f, in);
        if (training && runningMean != null) {
            updateRunning(runningMean, f.batchMean(), momentum, 1);
            updateRunning(runningVar, f.batchVar(), momentum, (double) n / (n - 1));   // the unbiased variance
        }
        return y;
    }

    /**
     * r ← momentum·(b·scale) + (1 − momentum)·r per channel, in double with one rounding into r's dtype, as ATen's CPU
     * update computes it in its accumulate type. Written into r's array directly (a few hundred values): through
     * generic Tensor ops the two updates cost about 0.45 ms a call (six small ops, each a libnd4j call), which
     * ResNet-20 pays 19 times a step. Bumps r's version as an in-place op does.
     */
    private static void updateRunning(Tensor r, double[] b, double momentum, double scale) {
        org.nd4j.linalg.api.ndarray.INDArray a = r.nd();
        if (a.length() != b.length) {
            throw new IllegalArgumentException("batchNorm: expected running statistics of " + b.length + " channels, got " + r.shape());
        }
        for (int i = 0; i < b.length; i++) a.putScalar(i, momentum * (b[i] * scale) + (1 - momentum) * a.getDouble(i));
        r.markModified();
    }

    /**
     * Layer normalisation over the last {@code normalizedShape.length} dimensions, as
     * {@code F.layer_norm}: mean and biased variance per sample; weight and bias (or null) of shape
     * {@code normalizedShape}.
     */
    public static Tensor layerNorm(Tensor x, long[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        int k = normalizedShape.length;
        int d = x.dim();
        boolean ok = d >= k;
        for (int i = 0; ok && i < k; i++) ok = x.size(d - k + i) == normalizedShape[i];
        if (!ok) {
            throw new IllegalArgumentException("LayerNorm(" + Format.tuple(normalizedShape) + "): expected input [*, "
                    + Arrays.toString(normalizedShape).replaceAll("[\\[\\]]", "") + "], got " + x.shape()
                    + "; normalized_shape must equal the input's last dimensions");
        }
        if (LayerNormFunction.applies(x.nd(), weight == null ? null : weight.nd(), bias == null ? null : bias.nd())) {
            long size = 1;
            for (long s : normalizedShape) size *= s;
            LayerNormFunction f = new LayerNormFunction(size, eps, weight != null, bias != null);
            return weight != null && bias != null ? Function.apply(f, x, weight, bias) : weight != null ? Function.apply(f, x, weight)
                    : bias != null ? Function.apply(f, x, bias) : Function.apply(f, x);
        }
        int[] dims = new int[k];   // other dtypes, or mixed ones: composed from generic ops
        for (int i = 0; i < k; i++) dims[i] = d - k + i;
        Tensor mean = x.mean(dims, true);
        Tensor var = x.var(dims, false, true);
        Tensor y = x.sub(mean).div(var.add(eps).sqrt());
        if (weight != null) y = y.mul(weight);
        if (bias != null) y = y.add(bias);
        return y;
    }

    /**
     * Rows of {@code weight} [num, dim] picked by the integer {@code indices} of any shape, giving
     * [..., dim], as {@code F.embedding}; the gradient accumulates into the rows used, except the row
     * {@code paddingIdx} (or −1 for none).
     */
    public static Tensor embedding(Tensor indices, Tensor weight, long paddingIdx) {
        if (weight.dim() != 2) throw new IllegalArgumentException("embedding: expected a weight [num, dim], got " + weight.shape());
        String who = "Embedding(" + weight.size(0) + ", " + weight.size(1) + (paddingIdx >= 0 ? ", padding_idx=" + paddingIdx : "") + ")";
        return Function.apply(new EmbeddingLookup(indices, weight.size(0), paddingIdx, who), weight);
    }

    // ---------------------------------------------------------------- dropout

    /** Zeroes each element with probability p and scales the rest by 1/(1 − p) when training. */
    public static Tensor dropout(Tensor x, double p, boolean training) {
        checkP("dropout", p);
        if (!training || p == 0) return x;
        if (p == 1) return x.mul(0);
        if (x.numel() > 0 && DropoutFunction.applies(x.nd())) {   // one pass, the mask as bits; its seed from Nabla's generator
            return Function.apply(new DropoutFunction(p, Nabla.javaRandom().nextLong()), x);
        }
        Tensor keep = Tensor.empty(x.dtype(), x.shape()).bernoulli_(1 - p);
        return x.mul(keep).div(1 - p);
    }

    /** Zeroes whole channels (dim 1 of [N, C, …]) with probability p when training. */
    public static Tensor dropout2d(Tensor x, double p, boolean training) {
        checkP("dropout2d", p);
        if (x.dim() != 3 && x.dim() != 4) {
            throw new IllegalArgumentException("Dropout2d: expected input [N, C, H, W] or [C, H, W], got " + x.shape());
        }
        if (!training || p == 0) return x;
        long[] s = x.shape().toArray();
        for (int i = x.dim() == 4 ? 2 : 1; i < s.length; i++) s[i] = 1;
        Tensor keep = Tensor.empty(x.dtype(), s).bernoulli_(1 - p);
        return x.mul(keep).div(p == 1 ? 1 : 1 - p);
    }

    private static void checkP(String op, double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(op + ": probability has to be between 0 and 1, but got " + p);
    }

    // ---------------------------------------------------------------- losses

    public static Tensor mseLoss(Tensor input, Tensor target) { return mseLoss(input, target, Reduction.MEAN); }

    public static Tensor mseLoss(Tensor input, Tensor target, Reduction r) {
        sameShape("MSELoss", input, target);
        return r.apply(input.sub(target).pow(2));
    }

    public static Tensor l1Loss(Tensor input, Tensor target, Reduction r) {
        sameShape("L1Loss", input, target);
        return r.apply(input.sub(target).abs());
    }

    /** 0.5·d²/β where |d| < β, |d| − 0.5·β elsewhere. */
    public static Tensor smoothL1Loss(Tensor input, Tensor target, Reduction r, double beta) {
        sameShape("SmoothL1Loss", input, target);
        if (beta < 0) throw new IllegalArgumentException("SmoothL1Loss: beta must be non-negative, got " + beta);
        Tensor d = input.sub(target).abs();
        if (beta == 0) return r.apply(d);
        return r.apply(Tensor.where(d.lt(beta), d.pow(2).mul(0.5 / beta), d.sub(0.5 * beta)));
    }

    public static Tensor crossEntropy(Tensor logits, Tensor target) { return crossEntropy(logits, target, null, -100, 0, Reduction.MEAN); }

    /**
     * Cross-entropy of class scores [N, C] (or [N, C, d…]) against class indices [N] (or [N, d…]), or against class
     * probabilities (a float target of the scores' shape, as PyTorch ≥ 1.10), as {@code F.cross_entropy}: optional
     * class weights, an ignored index (class indices only), label smoothing. With probabilities the loss of a sample is
     * −Σ_c w_c·t_c·log softmax(x)_c, t smoothed to t·(1 − s) + s/C, and the mean divides by N·d… (not by the weights).
     *
     * <pre>{@code
     * Tensor soft = F.crossEntropy(logits, F.softmax(teacherLogits, 1), null, -100, 0.1, Reduction.MEAN);
     * }</pre>
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target, Tensor weight, long ignoreIndex, double labelSmoothing, Reduction r) {
        if (labelSmoothing < 0 || labelSmoothing > 1) {
            throw new IllegalArgumentException("CrossEntropyLoss: label_smoothing must be between 0.0 and 1.0, got " + labelSmoothing);
        }
        if (target.dtype().isFloatingPoint() && target.shape().equals(logits.shape())) {
            return crossEntropyProbabilities(logits, target, weight, ignoreIndex, labelSmoothing, r);
        }
        if (weight == null && labelSmoothing == 0 && r == Reduction.MEAN && CrossEntropyFunction.applies(logits.nd(), target.nd())
                && CrossEntropyFunction.validTargets(target.nd(), logits.size(1), ignoreIndex)) {
            return Function.apply(new CrossEntropyFunction(ignoreIndex), logits, target);
        }
        Tensor logp = logSoftmax(logits, logits.dim() == 1 ? 0 : 1);
        Tensor nll = nllLoss(logp, target, weight, ignoreIndex, r, "CrossEntropyLoss");
        if (labelSmoothing == 0) return nll;
        int classDim = logits.dim() == 1 ? 0 : 1;
        long c = logits.size(classDim);
        Tensor keep = target.ne(Tensor.scalar(DType.INT64, ignoreIndex));
        Tensor w = weight == null ? null : classShaped(weight, logits.dim(), classDim);
        Tensor smooth = (w == null ? logp : logp.mul(w)).sum(classDim).neg().maskedFill(keep.logicalNot(), 0);
        Tensor smoothR = switch (r) {
            case NONE -> smooth;
            case SUM -> smooth.sum();
            case MEAN -> weight == null ? smooth.sum().div(keep.sum().item())
                                        : smooth.sum().div(weightOfTargets(weight, target, keep).sum());
        };
        return nll.mul(1 - labelSmoothing).add(smoothR.mul(labelSmoothing / c));
    }

    /** Cross-entropy against class probabilities {@code target} of the scores' shape (see {@link #crossEntropy}). */
    private static Tensor crossEntropyProbabilities(Tensor logits, Tensor target, Tensor weight, long ignoreIndex, double smoothing,
                                                    Reduction r) {
        if (ignoreIndex != -100) {
            throw new IllegalArgumentException("CrossEntropyLoss: ignore_index (" + ignoreIndex + ") is not supported for class-probability "
                    + "targets (a float target of the input's shape " + logits.shape() + "); leave it at -100, or pass class indices");
        }
        int classDim = logits.dim() == 1 ? 0 : 1;
        long c = logits.size(classDim);
        if (weight != null && (weight.dim() != 1 || weight.size(0) != c)) {
            throw new IllegalArgumentException("CrossEntropyLoss: expected a weight of shape [" + c + "] (one per class), got " + weight.shape());
        }
        Tensor t = smoothing > 0 ? target.mul(1 - smoothing).add(smoothing / c) : target;
        Tensor terms = logSoftmax(logits, classDim).mul(t);
        if (weight != null) terms = terms.mul(classShaped(weight, logits.dim(), classDim));
        return switch (r) {
            case NONE -> terms.sum(classDim).neg();
            case SUM -> terms.sum().neg();
            case MEAN -> logits.numel() == 0 ? Tensor.scalar(terms.dtype(), Double.NaN) : terms.sum().neg().div(logits.numel() / c);
        };
    }

    public static Tensor nllLoss(Tensor logProbs, Tensor target) { return nllLoss(logProbs, target, null, -100, Reduction.MEAN); }

    /** −w[t]·logp[t] per sample; the mean divides by the total weight of the non-ignored targets. */
    public static Tensor nllLoss(Tensor logProbs, Tensor target, Tensor weight, long ignoreIndex, Reduction r) {
        return nllLoss(logProbs, target, weight, ignoreIndex, r, "NLLLoss");
    }

    private static Tensor nllLoss(Tensor logp, Tensor target, Tensor weight, long ignoreIndex, Reduction r, String who) {
        int classDim = logp.dim() == 1 ? 0 : 1;
        long c = logp.size(classDim);
        checkTarget(who, logp, target, classDim, c, ignoreIndex);
        if (weight != null && (weight.dim() != 1 || weight.size(0) != c)) {
            throw new IllegalArgumentException(who + ": expected a weight of shape [" + c + "] (one per class), got " + weight.shape());
        }
        Tensor keep = target.ne(Tensor.scalar(DType.INT64, ignoreIndex));
        Tensor safeTarget = target.to(DType.INT64).maskedFill(keep.logicalNot(), 0);
        Tensor picked = logp.gather(classDim, safeTarget.unsqueeze(classDim)).squeeze(classDim);   // [N, d…]
        Tensor w = keep.to(logp.dtype());
        if (weight != null) w = w.mul(weightOfTargets(weight, target, keep).to(logp.dtype()));
        Tensor losses = picked.mul(w).neg();
        return switch (r) {
            case NONE -> losses;
            case SUM -> losses.sum();
            case MEAN -> losses.sum().div(w.sum());
        };
    }

    /** Whether every value is 0 or 1 and each slice along the class dimension holds exactly one 1. */
    private static boolean looksOneHot(Tensor target, int classDim) {
        if (target.numel() == 0) return false;
        for (double v : target.toDoubleArray()) if (v != 0 && v != 1) return false;
        return target.detach().to(DType.FLOAT64).sum(classDim).eq(1).all().item() != 0;
    }

    /** weight[target] where kept, 0 elsewhere. */
    private static Tensor weightOfTargets(Tensor weight, Tensor target, Tensor keep) {
        Tensor safe = target.to(DType.INT64).maskedFill(keep.logicalNot(), 0);
        return weight.detach().indexSelect(0, safe.flatten()).view(target.shape()).mul(keep.to(weight.dtype()));
    }

    private static Tensor classShaped(Tensor weight, int dims, int classDim) {
        long[] s = new long[dims];
        Arrays.fill(s, 1);
        s[classDim] = weight.numel();
        return weight.view(s);
    }

    private static void checkTarget(String who, Tensor input, Tensor target, int classDim, long c, long ignoreIndex) {
        long[] expected = new long[input.dim() - 1];
        for (int i = 0, k = 0; i < input.dim(); i++) if (i != classDim) expected[k++] = input.size(i);
        boolean ce = who.equals("CrossEntropyLoss");
        String indices = "class indices of shape " + Arrays.toString(expected);
        if (target.shape().equals(input.shape())) {   // one value per class: one-hot, or probabilities where indices belong
            String hint = looksOneHot(target, classDim) ? "target looks one-hot; pass target.argmax(" + classDim + ") for " + indices
                    + (ce && !target.dtype().isFloatingPoint() ? ", or a float target (target.to(DType.FLOAT32)) as class probabilities" : "")
                    : ce ? "a target of the input's shape holds class probabilities and must be floating point (PyTorch: Expected "
                    + "floating point type for target with class probabilities); pass target.to(DType.FLOAT32), or " + indices
                    : "NLLLoss takes " + indices + "; for class probabilities use CrossEntropyLoss on the scores";
            throw new IllegalArgumentException(who + ": got a " + target.dtype() + " target of the input's shape " + input.shape() + "; " + hint);
        }
        if (target.dtype().isFloatingPoint() || target.dtype() == DType.BOOL) {
            boolean whole = target.dtype() != DType.BOOL && target.numel() > 0;
            for (double v : target.toDoubleArray()) whole &= v == Math.rint(v);
            throw new IllegalArgumentException(who + ": expected class-index targets of an integer dtype (int64), got " + target.dtype()
                    + " of shape " + target.shape() + (whole ? ", all whole numbers" : "") + "; use target.to(DType.INT64)"
                    + (ce ? " for class indices, or give class probabilities as a float target of the input's shape " + input.shape() : ""));
        }
        if (!Arrays.equals(expected, target.shape().toArray())) {
            throw new IllegalArgumentException(who + ": expected target of shape " + Arrays.toString(expected) + " for input "
                    + input.shape() + ", got " + target.shape());
        }
        for (long t : target.toLongArray()) {
            if (t != ignoreIndex && (t < 0 || t >= c)) {
                throw new IllegalArgumentException(who + ": target " + t + " is out of bounds for " + c + " classes (expected 0.."
                        + (c - 1) + (ignoreIndex < 0 || ignoreIndex >= c ? " or the ignore index " + ignoreIndex : "") + ")");
            }
        }
    }

    /**
     * −w·(y·log p + (1 − y)·log(1 − p)), with the logs clamped at −100 and the gradient's p·(1 − p) at 1e−12 as PyTorch
     * (finite where p is 0 or 1).
     */
    public static Tensor bce(Tensor p, Tensor y, Tensor weight, Reduction r) {
        sameShape("BCELoss", p, y);
        double min = p.numel() == 0 ? 0 : p.detach().min().item(), max = p.numel() == 0 ? 1 : p.detach().max().item();
        if (min < 0 || max > 1) {
            throw new IllegalArgumentException("BCELoss: all elements of input should be between 0 and 1, got values in [" + min + ", " + max
                    + "]; apply a sigmoid first, or use BCEWithLogitsLoss");
        }
        if (!p.dtype().isFloatingPoint()) throw new IllegalArgumentException("BCELoss: expected a floating-point input, got " + p.dtype());
        Tensor l = Function.apply(new BinaryCrossEntropyFunction(), p, y);
        return r.apply(weight == null ? l : l.mul(weight));
    }

    /** Sigmoid + BCE in one stable expression; {@code posWeight} (or null) weighs the positive term per class. */
    public static Tensor bceWithLogits(Tensor x, Tensor y, Tensor weight, Tensor posWeight, Reduction r) {
        sameShape("BCEWithLogitsLoss", x, y);
        // log(1 + exp(−|x|)) + max(−x, 0) = −log σ(x), computed without overflow
        Tensor logSigNeg = x.abs().neg().exp().add(1).log().add(x.neg().clamp(0, Double.POSITIVE_INFINITY));
        Tensor l = posWeight == null
                ? y.rsub(1).mul(x).add(logSigNeg)
                : y.rsub(1).mul(x).add(posWeight.sub(1).mul(y).add(1).mul(logSigNeg));
        return r.apply(weight == null ? l : l.mul(weight));
    }

    /** The course's SVM hinge loss max(0, 1 − y·f(x)) for labels y in {−1, 1}. */
    public static Tensor hingeLoss(Tensor scores, Tensor y, Reduction r) {
        sameShape("HingeLoss", scores, y);
        for (double v : y.toDoubleArray()) {
            if (v != 1 && v != -1) throw new IllegalArgumentException("HingeLoss: labels must be -1 or 1, got " + v);
        }
        return r.apply(y.mul(scores).rsub(1).relu());
    }

    private static void sameShape(String who, Tensor input, Tensor target) {
        if (!input.shape().equals(target.shape())) {
            throw new IllegalArgumentException(who + ": expected target of the input's shape " + input.shape()
                    + ", got " + target.shape());
        }
    }
}
