package dev.nabla.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nabla.api.DType;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Optimizer.ParamGroup;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.factory.Nd4j;

/** Every optimizer and option combination follows PyTorch 1.13's trajectory (tools/golden/make_optim_golden.py). */
class OptimizerGoldenTest {
    private static JsonNode cases() throws Exception {
        try (InputStream in = OptimizerGoldenTest.class.getResourceAsStream("/golden/optim.json")) {
            if (in == null) throw new IllegalStateException("missing /golden/optim.json; run tools/golden/make_optim_golden.py");
            return new ObjectMapper().readTree(in).get("cases");
        }
    }

    static Tensor tensor(JsonNode t) {
        long[] shape = new long[t.get("shape").size()];
        for (int i = 0; i < shape.length; i++) shape[i] = t.get("shape").get(i).asLong();
        double[] d = new double[t.get("data").size()];
        for (int i = 0; i < d.length; i++) d[i] = t.get("data").get(i).asDouble();
        return Tensor.from(Nd4j.createFromArray(d).reshape('c', shape));
    }

    private static double num(JsonNode o, String k, double dflt) { return o.has(k) ? o.get(k).asDouble() : dflt; }

    private static boolean flag(JsonNode o, String k) { return o.has(k) && o.get(k).asBoolean(); }

    static Optimizer build(String name, JsonNode o, List<Parameter> ps, JsonNode group1) {
        List<ParamGroup> groups = new ArrayList<>();
        if (group1 != null && !group1.isNull()) {
            groups.add(ParamGroup.of(List.of(ps.get(0))));
            ParamGroup g = ParamGroup.of(List.of(ps.get(1)));
            group1.fields().forEachRemaining(e -> g.with(e.getKey(), e.getValue().isBoolean() ? e.getValue().asBoolean() : e.getValue().asDouble()));
            groups.add(g);
        } else {
            groups.add(ParamGroup.of(ps));
        }
        double lr = num(o, "lr", 0);
        return switch (name) {
            case "SGD" -> SGD.withGroups(groups, lr, num(o, "momentum", 0), num(o, "dampening", 0), num(o, "weight_decay", 0), flag(o, "nesterov"));
            case "Adam" -> Adam.withGroups(groups, lr, o.has("betas") ? o.get("betas").get(0).asDouble() : 0.9,
                    o.has("betas") ? o.get("betas").get(1).asDouble() : 0.999, num(o, "eps", 1e-8), num(o, "weight_decay", 0), flag(o, "amsgrad"));
            case "AdamW" -> AdamW.withGroups(groups, lr, 0.9, 0.999, num(o, "eps", 1e-8), num(o, "weight_decay", 1e-2), flag(o, "amsgrad"));
            case "RMSprop" -> RMSprop.withGroups(groups, lr, num(o, "alpha", 0.99), num(o, "eps", 1e-8), num(o, "weight_decay", 0),
                    num(o, "momentum", 0), flag(o, "centered"));
            case "Adagrad" -> Adagrad.withGroups(groups, lr, num(o, "lr_decay", 0), num(o, "weight_decay", 0),
                    num(o, "initial_accumulator_value", 0), num(o, "eps", 1e-10));
            default -> throw new IllegalArgumentException(name);
        };
    }

    @TestFactory Stream<DynamicTest> trajectoriesMatchPyTorch() throws Exception {
        return StreamSupport.stream(cases().spliterator(), false).map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
            List<Parameter> ps = List.of(new Parameter(tensor(c.get("init").get(0))), new Parameter(tensor(c.get("init").get(1))));
            Optimizer opt = build(c.get("optimizer").asText(), c.get("options"), ps, c.get("group1"));
            for (int s = 0; s < c.get("grads").size(); s++) {
                for (int i = 0; i < 2; i++) ps.get(i).setGrad(tensor(c.get("grads").get(s).get(i)));
                opt.step();
                for (int i = 0; i < 2; i++) {
                    double[] a = ps.get(i).toDoubleArray(), e = tensor(c.get("params").get(s).get(i)).toDoubleArray();
                    for (int k = 0; k < a.length; k++) {
                        assertThat(Math.abs(a[k] - e[k])).as("step %d param %d element %d: %s vs %s", s, i, k, a[k], e[k])
                                .isLessThanOrEqualTo(1e-12 * Math.max(1, Math.abs(e[k])));
                    }
                }
            }
        }));
    }

    @Test void stateDictRoundTripContinuesTheSameTrajectory() {
        Parameter a = new Parameter(Tensor.of(DType.FLOAT64, 1, 2, 3)), b = new Parameter(Tensor.of(DType.FLOAT64, 1, 2, 3));
        Optimizer oa = new Adam(List.of(a), 0.1), ob = new Adam(List.of(b), 0.1);
        Tensor g = Tensor.of(DType.FLOAT64, 0.5, -1, 2);
        for (int i = 0; i < 3; i++) { a.setGrad(g); oa.step(); }
        Map<String, Object> sd = oa.stateDict();
        try (var x = dev.nabla.api.Grad.disabled()) { b.copy_(a); }
        ob.loadStateDict(sd);
        a.setGrad(g); oa.step();
        b.setGrad(g); ob.step();
        assertThat(b.toDoubleArray()).containsExactly(a.toDoubleArray());
        assertThat(((Map<?, ?>) sd.get("state"))).hasSize(1);
    }

    @Test void invalidOptionsAreRejectedUpFront() {
        List<Parameter> ps = List.of(new Parameter(Tensor.zeros(2)));
        assertThatThrownBy(() -> new SGD(ps, -0.1)).hasMessage("Invalid learning rate: -0.1");
        assertThatThrownBy(() -> new SGD(ps, 0.1, -1)).hasMessage("Invalid momentum value: -1.0");
        assertThatThrownBy(() -> new SGD(ps, 0.1, 0, 0.5, 0, true)).hasMessage("Nesterov momentum requires a momentum and zero dampening");
        assertThatThrownBy(() -> new Adam(ps, 0.1, 1.0, 0.999, 1e-8, 0, false)).hasMessage("Invalid beta parameter at index 0: 1.0");
        assertThatThrownBy(() -> new RMSprop(ps, 0.1, -0.5, 1e-8, 0, 0, false)).hasMessage("Invalid alpha value: -0.5");
        assertThatThrownBy(() -> new Adagrad(ps, 0.1, -1, 0, 0, 1e-10)).hasMessage("Invalid lr_decay value: -1.0");
        assertThatThrownBy(() -> new SGD(List.of(), 0.1)).hasMessageContaining("empty parameter list");
        assertThatThrownBy(() -> SGD.withGroups(List.of(ParamGroup.of(ps).with("lrr", 0.1)), 0.1, 0, 0, 0, false))
                .hasMessageContaining("unknown option 'lrr'");
    }

    @Test void zeroGradAndClipping() {
        Parameter p = new Parameter(Tensor.zeros(DType.FLOAT64, 2)), q = new Parameter(Tensor.zeros(DType.FLOAT64, 1));
        p.setGrad(Tensor.of(DType.FLOAT64, 3, 4));
        q.setGrad(Tensor.of(DType.FLOAT64, 12));
        double norm = ClipGrad.clipGradNorm_(List.of(p, q), 6.5);
        assertThat(norm).isEqualTo(13);
        assertThat(p.grad().toDoubleArray()[0]).isCloseTo(1.5, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(q.grad().toDoubleArray()[0]).isCloseTo(6, org.assertj.core.data.Offset.offset(1e-6));
        ClipGrad.clipGradValue_(List.of(p, q), 2);
        assertThat(q.grad().toDoubleArray()).containsExactly(2);
        assertThat(ClipGrad.clipGradNorm_(List.of(p, q), 100, Double.POSITIVE_INFINITY)).isEqualTo(2);
        new SGD(List.of(p, q), 0.1).zeroGrad();
        assertThat(p.grad().toDoubleArray()).containsExactly(0, 0);
    }
}
