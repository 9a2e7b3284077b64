package dev.nabla.training;

import dev.nabla.api.Parameter;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Gradient clipping in place, as {@code torch.nn.utils.clip_grad_norm_} / {@code clip_grad_value_} (1.13).
 *
 * <pre>{@code
 * loss.backward();
 * ClipGrad.clipGradNorm_(model.parameters(), 1.0);
 * optimizer.step();
 * }</pre>
 */
public final class ClipGrad {
    private ClipGrad() {}

    /** Scales all gradients so that their joint 2-norm is at most {@code maxNorm}; returns the norm before clipping. */
    public static double clipGradNorm_(List<Parameter> params, double maxNorm) { return clipGradNorm_(params, maxNorm, 2); }

    /** As above for the p-norm ({@code Double.POSITIVE_INFINITY} for the max norm). */
    public static double clipGradNorm_(List<Parameter> params, double maxNorm, double normType) {
        if (!(normType > 0)) throw new IllegalArgumentException("clipGradNorm_: norm type must be positive (or infinity), got " + normType);
        double total = 0;
        int count = 0;
        for (Parameter p : params) {
            if (p.grad() == null) continue;
            INDArray g = p.grad().nd();
            count++;
            if (normType == Double.POSITIVE_INFINITY) total = Math.max(total, Transforms.abs(g, true).maxNumber().doubleValue());
            else total += Math.pow(pNorm(g, normType), normType);
        }
        if (count == 0) return 0;
        if (normType != Double.POSITIVE_INFINITY) total = Math.pow(total, 1 / normType);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1) {
            for (Parameter p : params) {
                if (p.grad() == null) continue;
                p.grad().nd().muli(coef);
                p.grad().markModified();
            }
        }
        return total;
    }

    /** The p-norm of one gradient (each parameter's norm first, then the norm of those, as PyTorch). */
    private static double pNorm(INDArray g, double p) {
        if (p == 2) return g.norm2Number().doubleValue();
        if (p == 1) return g.norm1Number().doubleValue();
        return Math.pow(Transforms.pow(Transforms.abs(g, true), p, false).sumNumber().doubleValue(), 1 / p);
    }

    /** Clamps every gradient element to [−clip, clip]. */
    public static void clipGradValue_(List<Parameter> params, double clip) {
        if (!(clip >= 0)) throw new IllegalArgumentException("clipGradValue_: clip value must be non-negative, got " + clip);
        for (Parameter p : params) {
            if (p.grad() == null) continue;
            INDArray g = p.grad().nd();
            g.assign(Transforms.min(Transforms.max(g, -clip, true), clip, false));
            p.grad().markModified();
        }
    }
}
