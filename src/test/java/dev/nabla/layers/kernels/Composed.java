package dev.nabla.layers.kernels;

import dev.nabla.api.Function;
import dev.nabla.api.Grad;
import dev.nabla.api.Tensor;

/**
 * The composed versions the fused kernels replaced, from generic tensor ops (as F had them before): the reference the
 * kernels are tested equal to (ComposedEquivalenceTest) and timed against (dev.nabla.bench.NormKernelBench).
 */
public final class Composed {
    private Composed() {}

    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        long c = x.size(1);
        long[] perChannel = new long[x.dim()];
        java.util.Arrays.fill(perChannel, 1);
        perChannel[1] = c;
        Tensor mean, var;
        if (training || runningMean == null) {
            int[] dims = new int[x.dim() - 1];
            for (int i = 0, k = 0; i < x.dim(); i++) if (i != 1) dims[k++] = i;
            long n = x.numel() / c;
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

    public static Tensor layerNorm(Tensor x, long[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        int k = normalizedShape.length, d = x.dim();
        int[] dims = new int[k];
        for (int i = 0; i < k; i++) dims[i] = d - k + i;
        Tensor mean = x.mean(dims, true);
        Tensor var = x.var(dims, false, true);
        Tensor y = x.sub(mean).div(var.add(eps).sqrt());
        if (weight != null) y = y.mul(weight);
        if (bias != null) y = y.add(bias);
        return y;
    }

    /** log-softmax as x − max − log Σ exp(x − max), from generic ops. */
    public static Tensor logSoftmax(Tensor x, int dim) {
        Tensor s = x.sub(x.detach().max(dim, true).values());
        return s.sub(s.exp().sum(new int[] {dim}, true).log());
    }

    public static Tensor softmax(Tensor x, int dim) {
        Tensor e = x.sub(x.detach().max(dim, true).values()).exp();
        return e.div(e.sum(new int[] {dim}, true));
    }

    public static Tensor gelu(Tensor x, String approximate) {
        if ("tanh".equals(approximate)) return x.mul(x.mul(x).mul(x).mul(0.044715).add(x).mul(Math.sqrt(2 / Math.PI)).tanh().add(1)).mul(0.5);
        return x.mul(Function.apply(new Erf(), x.mul(1 / Math.sqrt(2))).add(1)).mul(0.5);
    }
}
