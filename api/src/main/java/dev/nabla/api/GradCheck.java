package dev.nabla.api;

import java.util.Arrays;
import java.util.List;

/**
 * Checks autograd against central finite differences in float64, as {@code torch.autograd.gradcheck}.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(DType.FLOAT64, 3, 4).requiresGrad_();
 * GradCheck.check(in -> in.get(0).tanh().sum(), x);   // throws with the worst entry on a mismatch
 * }</pre>
 *
 * The function may return any shape: the checked scalar is {@code sum(f(x) · w)} for a fixed random
 * {@code w}, so that every output element contributes.
 */
public final class GradCheck {
    /** The result of a check: the largest absolute and relative differences seen. */
    public record Report(double maxAbsError, double maxRelError, int checked) {}

    private GradCheck() {}

    /** Checks with step 1e-6, absolute tolerance 1e-5 and relative tolerance 1e-3 (PyTorch's defaults). */
    public static Report check(java.util.function.Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        return check(f, 1e-6, 1e-5, 1e-3, inputs);
    }

    public static Report check(java.util.function.Function<List<Tensor>, Tensor> f, double eps, double atol, double rtol,
                               Tensor... inputs) {
        for (Tensor t : inputs) {
            if (t.dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("GradCheck: inputs must be float64 for finite differences, got " + t.dtype());
            }
        }
        List<Tensor> in = Arrays.asList(inputs);
        Tensor out0;
        try (var g = Grad.disabled()) {
            out0 = f.apply(in);
        }
        java.util.Random r = new java.util.Random(1234);
        double[] wv = new double[(int) out0.numel()];
        for (int i = 0; i < wv.length; i++) wv[i] = r.nextDouble() * 2 - 1;
        Tensor w = Tensor.of(DType.FLOAT64, wv).reshape(out0.shape());

        for (Tensor t : inputs) if (t.requiresGrad()) t.setGrad(null);
        Tensor loss = f.apply(in).to(DType.FLOAT64).mul(w).sum();
        if (!loss.requiresGrad()) throw new IllegalArgumentException("GradCheck: the output does not depend on any input that requires grad");
        loss.backward();

        double maxAbs = 0, maxRel = 0;
        int checked = 0;
        try (var g = Grad.disabled()) {
            for (int k = 0; k < inputs.length; k++) {
                Tensor t = inputs[k];
                if (!t.requiresGrad()) continue;
                double[] analytic = t.grad() == null ? new double[(int) t.numel()] : t.grad().toDoubleArray();
                Tensor flat = t.detach().contiguous().view(-1);
                if (!Tensor.sharesStorage(flat.nd(), t.nd())) {
                    throw new IllegalArgumentException("GradCheck: input " + k + " must be contiguous");
                }
                for (int i = 0; i < t.numel(); i++) {
                    double orig = flat.nd().getDouble(i);
                    flat.nd().putScalar(i, orig + eps);
                    double plus = f.apply(in).to(DType.FLOAT64).mul(w).sum().item();
                    flat.nd().putScalar(i, orig - eps);
                    double minus = f.apply(in).to(DType.FLOAT64).mul(w).sum().item();
                    flat.nd().putScalar(i, orig);
                    double numeric = (plus - minus) / (2 * eps);
                    double err = Math.abs(numeric - analytic[i]);
                    maxAbs = Math.max(maxAbs, err);
                    maxRel = Math.max(maxRel, err / Math.max(Math.abs(numeric), 1e-12));
                    checked++;
                    if (err > atol + rtol * Math.abs(numeric)) {
                        throw new AssertionError("GradCheck: gradient of input " + k + " " + t.shape()
                                + " at flat index " + i + ": autograd " + analytic[i] + ", finite difference " + numeric
                                + " (|diff| " + err + " > atol " + atol + " + rtol " + rtol + "·|numeric|)");
                    }
                }
            }
        }
        return new Report(maxAbs, maxRel, checked);
    }
}
