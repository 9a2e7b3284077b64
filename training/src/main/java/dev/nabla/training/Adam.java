package dev.nabla.training;

import dev.nabla.api.Optimizer;
import dev.nabla.api.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam (and AMSGrad), with L2 weight decay added to the gradient: PyTorch 1.13's update.
 *
 * <pre>{@code
 * Optimizer opt = new Adam(model.parameters(), 1e-3);
 * }</pre>
 */
public class Adam extends Optimizer {
    private final boolean decoupled;

    public Adam(List<Parameter> params, double lr) { this(params, lr, 0.9, 0.999, 1e-8, 0, false); }

    public Adam(List<Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        this(single(params), defaults(lr, beta1, beta2, eps, weightDecay, amsgrad), false);
    }

    /** Parameter groups (each may override options with {@code ParamGroup.with}) over these defaults. */
    public static Adam withGroups(List<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        return new Adam(groups, defaults(lr, beta1, beta2, eps, weightDecay, amsgrad), false);
    }

    Adam(List<ParamGroup> groups, Map<String, Object> defaults, boolean decoupled) {
        super(groups, defaults);
        this.decoupled = decoupled;
    }

    static Map<String, Object> defaults(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("lr", lr);
        d.put("beta1", beta1);
        d.put("beta2", beta2);
        d.put("eps", eps);
        d.put("weight_decay", weightDecay);
        d.put("amsgrad", amsgrad);
        d.put("maximize", false);
        return d;
    }

    @Override protected void validate(ParamGroup g) {
        if (!(g.number("lr") >= 0)) throw new IllegalArgumentException("Invalid learning rate: " + g.number("lr"));
        if (!(g.number("eps") >= 0)) throw new IllegalArgumentException("Invalid epsilon value: " + g.number("eps"));
        if (!(g.number("beta1") >= 0 && g.number("beta1") < 1)) throw new IllegalArgumentException("Invalid beta parameter at index 0: " + g.number("beta1"));
        if (!(g.number("beta2") >= 0 && g.number("beta2") < 1)) throw new IllegalArgumentException("Invalid beta parameter at index 1: " + g.number("beta2"));
        if (!(g.number("weight_decay") >= 0)) throw new IllegalArgumentException("Invalid weight_decay value: " + g.number("weight_decay"));
    }

    @Override public void step() {
        for (ParamGroup g : paramGroups()) {
            double lr = g.lr(), b1 = g.number("beta1"), b2 = g.number("beta2"), eps = g.number("eps"), wd = g.number("weight_decay");
            boolean amsgrad = g.flag("amsgrad"), maximize = g.flag("maximize");
            for (Parameter p : g.params()) {
                if (p.grad() == null) continue;
                INDArray param = p.nd();
                Map<String, Object> s = state(p);
                double step = ((Number) s.getOrDefault("step", 0.0)).doubleValue() + 1;
                s.put("step", step);
                INDArray m = buffer(p, "exp_avg", () -> Nd4j.zerosLike(param));
                INDArray v = buffer(p, "exp_avg_sq", () -> Nd4j.zerosLike(param));
                INDArray maxV = amsgrad ? buffer(p, "max_exp_avg_sq", () -> Nd4j.zerosLike(param)) : null;
                if (AdamUpdate.applies(param, p.grad().nd(), m, v, maxV)) {   // one pass, no temporaries
                    AdamUpdate.apply(param, p.grad().nd(), m, v, maxV, new AdamUpdate.Options(lr, b1, b2, eps, wd, decoupled,
                            maximize ? -1 : 1, 1 - Math.pow(b1, step), Math.sqrt(1 - Math.pow(b2, step))));
                    p.markModified();
                    continue;
                }
                INDArray grad = maximize ? p.grad().nd().neg() : p.grad().nd();
                if (decoupled) param.muli(1 - lr * wd);
                else if (wd != 0) grad = grad.add(param.mul(wd));
                m.muli(b1).addi(grad.mul(1 - b1));
                v.muli(b2).addi(grad.mul(grad).muli(1 - b2));
                double bc1 = 1 - Math.pow(b1, step), bc2Sqrt = Math.sqrt(1 - Math.pow(b2, step));
                INDArray second = v;
                if (amsgrad) {
                    Transforms.max(maxV, v, false);
                    second = maxV;
                }
                INDArray denom = Transforms.sqrt(second, true).divi(bc2Sqrt).addi(eps);
                param.subi(m.div(denom).muli(lr / bc1));
                p.markModified();
            }
        }
    }
}
