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
 * Adagrad: PyTorch 1.13's update (lr 0.01, lr decay 0, eps 1e-10 by default).
 *
 * <pre>{@code
 * Optimizer opt = new Adagrad(model.parameters(), 0.01);
 * }</pre>
 */
public final class Adagrad extends Optimizer {
    public Adagrad(List<Parameter> params, double lr) { this(params, lr, 0, 0, 0, 1e-10); }

    public Adagrad(List<Parameter> params, double lr, double lrDecay, double weightDecay, double initialAccumulatorValue, double eps) {
        this(single(params), defaults(lr, lrDecay, weightDecay, initialAccumulatorValue, eps));
    }

    /** Parameter groups (each may override options with {@code ParamGroup.with}) over these defaults. */
    public static Adagrad withGroups(List<ParamGroup> groups, double lr, double lrDecay, double weightDecay, double initialAccumulatorValue, double eps) {
        return new Adagrad(groups, defaults(lr, lrDecay, weightDecay, initialAccumulatorValue, eps));
    }

    private Adagrad(List<ParamGroup> groups, Map<String, Object> defaults) { super(groups, defaults); }

    private static Map<String, Object> defaults(double lr, double lrDecay, double weightDecay, double init, double eps) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("lr", lr);
        d.put("lr_decay", lrDecay);
        d.put("weight_decay", weightDecay);
        d.put("initial_accumulator_value", init);
        d.put("eps", eps);
        d.put("maximize", false);
        return d;
    }

    @Override protected void validate(ParamGroup g) {
        if (!(g.number("lr") >= 0)) throw new IllegalArgumentException("Invalid learning rate: " + g.number("lr"));
        if (!(g.number("lr_decay") >= 0)) throw new IllegalArgumentException("Invalid lr_decay value: " + g.number("lr_decay"));
        if (!(g.number("weight_decay") >= 0)) throw new IllegalArgumentException("Invalid weight_decay value: " + g.number("weight_decay"));
        if (!(g.number("initial_accumulator_value") >= 0)) {
            throw new IllegalArgumentException("Invalid initial_accumulator_value value: " + g.number("initial_accumulator_value"));
        }
        if (!(g.number("eps") >= 0)) throw new IllegalArgumentException("Invalid epsilon value: " + g.number("eps"));
    }

    @Override public void step() {
        for (ParamGroup g : paramGroups()) {
            double lr = g.lr(), decay = g.number("lr_decay"), wd = g.number("weight_decay"), eps = g.number("eps");
            double init = g.number("initial_accumulator_value");
            boolean maximize = g.flag("maximize");
            for (Parameter p : g.params()) {
                if (p.grad() == null) continue;
                INDArray param = p.nd();
                INDArray grad = maximize ? p.grad().nd().neg() : p.grad().nd();
                Map<String, Object> s = state(p);
                INDArray sum = buffer(p, "sum", () -> Nd4j.valueArrayOf(param.shape(), init, param.dataType()));
                double step = ((Number) s.getOrDefault("step", 0.0)).doubleValue() + 1;
                s.put("step", step);
                if (wd != 0) grad = grad.add(param.mul(wd));
                double clr = lr / (1 + (step - 1) * decay);
                sum.addi(grad.mul(grad));
                INDArray std = Transforms.sqrt(sum, true).addi(eps);
                param.subi(grad.div(std).muli(clr));
                p.markModified();
            }
        }
    }
}
