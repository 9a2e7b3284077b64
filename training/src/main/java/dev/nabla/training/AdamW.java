package dev.nabla.training;

import dev.nabla.api.Parameter;
import java.util.List;

/**
 * Adam with decoupled weight decay (the parameter shrinks by lr·wd each step): PyTorch 1.13's AdamW
 * (weight decay 0.01 by default).
 *
 * <pre>{@code
 * Optimizer opt = new AdamW(model.parameters(), 1e-3);
 * }</pre>
 */
public final class AdamW extends Adam {
    public AdamW(List<Parameter> params, double lr) { this(params, lr, 0.9, 0.999, 1e-8, 1e-2, false); }

    public AdamW(List<Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        super(single(params), defaults(lr, beta1, beta2, eps, weightDecay, amsgrad), true);
    }

    private AdamW(List<ParamGroup> groups, java.util.Map<String, Object> defaults) { super(groups, defaults, true); }

    /** Parameter groups (each may override options with {@code ParamGroup.with}) over these defaults. */
    public static AdamW withGroups(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay,
                                   boolean amsgrad) {
        return new AdamW(groups, defaults(lr, beta1, beta2, eps, weightDecay, amsgrad));
    }
}
