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
    /**
     * The result of a check, as {@code torch.autograd.gradcheck(..., raise_exception=False)} but with the numbers:
     * whether every element was within {@code atol + rtol·|numeric|}, the largest absolute and relative differences
     * seen, how many elements were checked, and the element furthest outside (or nearest to) its tolerance: which input,
     * which element of it (flat, row-major), and the two gradients there.
     */
    public record Report(boolean passed, double maxAbsError, double maxRelError, int checked, int worstInput, long worstIndex,
                         double analytic, double numeric) {
        /** One line on the worst element, as the error of {@link #check} says it. */
        public String describe(double atol, double rtol) {
            if (worstInput < 0) return "GradCheck: no element checked";
            return "gradient of input " + worstInput + " at flat index " + worstIndex + ": autograd " + analytic
                    + ", finite difference " + numeric + " (|diff| " + Math.abs(numeric - analytic) + (passed ? " <= " : " > ")
                    + "atol " + atol + " + rtol " + rtol + "·|numeric|)";
        }
    }

    private GradCheck() {}

    /** Checks with step 1e-6, absolute tolerance 1e-5 and relative tolerance 1e-3 (PyTorch's defaults); throws on a mismatch. */
    public static Report check(java.util.function.Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        return check(f, 1e-6, 1e-5, 1e-3, inputs);
    }

    /** As {@link #check(java.util.function.Function, Tensor...)} with the given step and tolerances. */
    public static Report check(java.util.function.Function<List<Tensor>, Tensor> f, double eps, double atol, double rtol,
                               Tensor... inputs) {
        Report r = measure(f, eps, atol, rtol, inputs);
        if (!r.passed()) {
            throw new AssertionError("GradCheck: " + r.describe(atol, rtol) + "; input " + r.worstInput() + " has shape "
                    + inputs[r.worstInput()].shape());
        }
        return r;
    }

    /**
     * Compares every element and returns the result instead of throwing on a mismatch (PyTorch's
     * {@code raise_exception=False}), with PyTorch's default step and tolerances.
     *
     * <pre>{@code
     * GradCheck.Report r = GradCheck.measure(in -> new MyExp().apply(in.get(0)), x);
     * if (!r.passed()) System.out.println(r.describe(1e-5, 1e-3));
     * }</pre>
     */
    public static Report measure(java.util.function.Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        return measure(f, 1e-6, 1e-5, 1e-3, inputs);
    }

    /** As {@link #measure(java.util.function.Function, Tensor...)} with the given step and tolerances. */
    public static Report measure(java.util.function.Function<List<Tensor>, Tensor> f, double eps, double atol, double rtol,
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

        double maxAbs = 0, maxRel = 0, worstRatio = -1, worstAnalytic = 0, worstNumeric = 0;
        int checked = 0, worstInput = -1;
        long worstIndex = -1;
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
                    double tol = atol + rtol * Math.abs(numeric);
                    double ratio = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err == 0 ? 0 : err / tol;
                    if (ratio > worstRatio) {
                        worstRatio = ratio;
                        worstInput = k;
                        worstIndex = i;
                        worstAnalytic = analytic[i];
                        worstNumeric = numeric;
                    }
                }
            }
        }
        return new Report(worstRatio <= 1, maxAbs, maxRel, checked, worstInput, worstIndex, worstAnalytic, worstNumeric);
    }
}
