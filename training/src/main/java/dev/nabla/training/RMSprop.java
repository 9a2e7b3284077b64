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
 * RMSprop with optional momentum and centering: PyTorch 1.13's update (lr 0.01, α 0.99, eps 1e-8 by default).
 *
 * <pre>{@code
 * Optimizer opt = new RMSprop(model.parameters(), 0.01);
 * }</pre>
 */
public final class RMSprop extends Optimizer {
    public RMSprop(List<Parameter> params, double lr) { this(params, lr, 0.99, 1e-8, 0, 0, false); }

    public RMSprop(List<Parameter> params, double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
        this(single(params), defaults(lr, alpha, eps, weightDecay, momentum, centered));
    }

    /** Parameter groups (each may override options with {@code ParamGroup.with}) over these defaults. */
    public static RMSprop withGroups(List<ParamGroup> groups, double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
        return new RMSprop(groups, defaults(lr, alpha, eps, weightDecay, momentum, centered));
    }

    private RMSprop(List<ParamGroup> groups, Map<String, Object> defaults) { super(groups, defaults); }

    private static Map<String, Object> defaults(double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("lr", lr);
        d.put("alpha", alpha);
        d.put("eps", eps);
        d.put("weight_decay", weightDecay);
        d.put("momentum", momentum);
        d.put("centered", centered);
        d.put("maximize", false);
        return d;
    }

    @Override protected void validate(ParamGroup g) {
        if (!(g.number("lr") >= 0)) throw new IllegalArgumentException("Invalid learning rate: " + g.number("lr"));
        if (!(g.number("eps") >= 0)) throw new IllegalArgumentException("Invalid epsilon value: " + g.number("eps"));
        if (!(g.number("momentum") >= 0)) throw new IllegalArgumentException("Invalid momentum value: " + g.number("momentum"));
        if (!(g.number("weight_decay") >= 0)) throw new IllegalArgumentException("Invalid weight_decay value: " + g.number("weight_decay"));
        if (!(g.number("alpha") >= 0)) throw new IllegalArgumentException("Invalid alpha value: " + g.number("alpha"));
    }

    @Override public void step() {
        for (ParamGroup g : paramGroups()) {
            double lr = g.lr(), alpha = g.number("alpha"), eps = g.number("eps"), wd = g.number("weight_decay"), mom = g.number("momentum");
            boolean centered = g.flag("centered"), maximize = g.flag("maximize");
            for (Parameter p : g.params()) {
                if (p.grad() == null) continue;
                INDArray param = p.nd();
                INDArray grad = maximize ? p.grad().nd().neg() : p.grad().nd();
                Map<String, Object> s = state(p);
                s.put("step", ((Number) s.getOrDefault("step", 0.0)).doubleValue() + 1);
                if (wd != 0) grad = grad.add(param.mul(wd));
                INDArray sq = buffer(p, "square_avg", () -> Nd4j.zerosLike(param));
                sq.muli(alpha).addi(grad.mul(grad).muli(1 - alpha));
                INDArray avg;
                if (centered) {
                    INDArray ga = buffer(p, "grad_avg", () -> Nd4j.zerosLike(param));
                    ga.muli(alpha).addi(grad.mul(1 - alpha));
                    avg = Transforms.sqrt(sq.sub(ga.mul(ga)), false);
                } else {
                    avg = Transforms.sqrt(sq, true);
                }
                avg.addi(eps);
                if (mom > 0) {
                    INDArray buf = buffer(p, "momentum_buffer", () -> Nd4j.zerosLike(param));
                    buf.muli(mom).addi(grad.div(avg));
                    param.subi(buf.mul(lr));
                } else {
                    param.subi(grad.div(avg).muli(lr));
                }
                p.markModified();
            }
        }
    }
}
