package dev.nabla.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Optimizer.ParamGroup;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every schedule and option set follows PyTorch 1.13's learning rates (tools/golden/make_sched_golden.py). */
class SchedulerGoldenTest {
    private static JsonNode cases() throws Exception {
        try (InputStream in = SchedulerGoldenTest.class.getResourceAsStream("/golden/sched.json")) {
            if (in == null) throw new IllegalStateException("missing /golden/sched.json; run tools/golden/make_sched_golden.py");
            return new ObjectMapper().readTree(in).get("cases");
        }
    }

    /** SGD with two groups, lrs 0.1 and 0.02, as the golden script's. */
    static Optimizer optimizer() {
        return SGD.withGroups(List.of(ParamGroup.of(List.of(new Parameter(Tensor.zeros(2)))),
                ParamGroup.of(List.of(new Parameter(Tensor.zeros(3)))).with("lr", 0.02)), 0.1, 0, 0, 0, false);
    }

    private static double num(JsonNode o, String k, double dflt) { return o.has(k) ? o.get(k).asDouble() : dflt; }

    private static List<Integer> ints(JsonNode a) {
        List<Integer> l = new ArrayList<>();
        a.forEach(x -> l.add(x.asInt()));
        return l;
    }

    static LRScheduler build(Optimizer opt, String kind, JsonNode o) {
        return switch (kind) {
            case "StepLR" -> new StepLR(opt, o.get("step_size").asInt(), num(o, "gamma", 0.1));
            case "MultiStepLR" -> new MultiStepLR(opt, ints(o.get("milestones")), num(o, "gamma", 0.1));
            case "ExponentialLR" -> new ExponentialLR(opt, o.get("gamma").asDouble());
            case "CosineAnnealingLR" -> new CosineAnnealingLR(opt, o.get("T_max").asInt(), num(o, "eta_min", 0));
            case "LinearWarmup" -> o.has("after")
                    ? new LinearWarmup(opt, o.get("start_factor").asDouble(), o.get("warmup_steps").asInt(),
                            build(opt, o.get("after").get("kind").asText(), o.get("after").get("options")))
                    : new LinearWarmup(opt, o.get("start_factor").asDouble(), o.get("warmup_steps").asInt());
            default -> throw new IllegalArgumentException(kind);
        };
    }

    static ReduceLROnPlateau plateau(Optimizer opt, JsonNode o) {
        ReduceLROnPlateau.Options x = ReduceLROnPlateau.Options.DEFAULT.withMode(o.get("mode").asText())
                .withFactor(num(o, "factor", 0.1)).withPatience((int) num(o, "patience", 10)).withThreshold(num(o, "threshold", 1e-4))
                .withCooldown((int) num(o, "cooldown", 0)).withEps(num(o, "eps", 1e-8));
        if (o.has("threshold_mode")) x = x.withThresholdMode(o.get("threshold_mode").asText());
        if (o.has("min_lr")) {
            JsonNode m = o.get("min_lr");
            x = m.isArray() ? x.withMinLr(m.get(0).asDouble(), m.get(1).asDouble()) : x.withMinLr(m.asDouble());
        }
        return new ReduceLROnPlateau(opt, x);
    }

    private static void assertLrs(Optimizer opt, JsonNode expected, int step) {
        for (int g = 0; g < 2; g++) {
            double a = opt.paramGroups().get(g).lr(), e = expected.get(g).asDouble();
            assertThat(Math.abs(a - e)).as("step %d group %d: %s vs %s", step, g, a, e).isLessThanOrEqualTo(1e-12 * Math.abs(e));
        }
    }

    @TestFactory Stream<DynamicTest> sequencesMatchPyTorch() throws Exception {
        return StreamSupport.stream(cases().spliterator(), false).map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
            Optimizer opt = optimizer();
            JsonNode lrs = c.get("lrs");
            if (c.get("kind").asText().equals("ReduceLROnPlateau")) {
                ReduceLROnPlateau s = plateau(opt, c.get("options"));
                assertLrs(opt, lrs.get(0), 0);
                for (int i = 0; i < c.get("metrics").size(); i++) {
                    s.step(c.get("metrics").get(i).asDouble());
                    assertLrs(opt, lrs.get(i + 1), i + 1);
                }
            } else {
                LRScheduler s = build(opt, c.get("kind").asText(), c.get("options"));
                assertLrs(opt, lrs.get(0), 0);
                for (int i = 1; i < lrs.size(); i++) {
                    s.step();
                    assertLrs(opt, lrs.get(i), i);
                    assertThat(s.getLastLr()).containsExactly(opt.paramGroups().get(0).lr(), opt.paramGroups().get(1).lr());
                    assertThat(s.lastEpoch()).isEqualTo(i);
                }
            }
        }));
    }

    /** Steps {@code a} k times, saves optimizer and schedule, loads both into fresh ones, then both go on identically. */
    private static void resumes(Function<Optimizer, LRScheduler> make, int k) {
        Optimizer oa = optimizer(), ob = optimizer();
        LRScheduler a = make.apply(oa);
        for (int i = 0; i < k; i++) a.step();
        Map<String, Object> so = oa.stateDict(), ss = a.stateDict();
        LRScheduler b = make.apply(ob);
        ob.loadStateDict(so);
        b.loadStateDict(ss);
        assertThat(b.lastEpoch()).isEqualTo(k);
        for (int i = 0; i < 25; i++) {
            a.step();
            b.step();
            assertThat(b.getLastLr()).as("step %d after resuming at %d", i, k).isEqualTo(a.getLastLr());
        }
    }

    @Test void stateDictMidSequenceContinuesIdentically() {
        resumes(o -> new StepLR(o, 4, 0.5), 6);
        resumes(o -> new MultiStepLR(o, List.of(3, 9, 9), 0.3), 5);
        resumes(o -> new ExponentialLR(o, 0.9), 7);
        resumes(o -> new CosineAnnealingLR(o, 10, 1e-3), 13);
        resumes(o -> new LinearWarmup(o, 0.1, 5), 2);
        resumes(o -> new LinearWarmup(o, 0.1, 5, new CosineAnnealingLR(o, 10)), 3);
        resumes(o -> new LinearWarmup(o, 0.1, 5, new CosineAnnealingLR(o, 10)), 8);
    }

    @Test void plateauStateDictContinuesIdentically() {
        double[] metric = {1, 0.9, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7};
        var options = ReduceLROnPlateau.Options.DEFAULT.withPatience(2).withCooldown(1);
        Optimizer oa = optimizer(), ob = optimizer();
        ReduceLROnPlateau a = new ReduceLROnPlateau(oa, options), b = new ReduceLROnPlateau(ob, options);
        for (int i = 0; i < 7; i++) a.step(metric[i]);
        ob.loadStateDict(oa.stateDict());
        b.loadStateDict(a.stateDict());
        for (int i = 7; i < metric.length; i++) {
            a.step(metric[i]);
            b.step(metric[i]);
            assertThat(b.getLastLr()).isEqualTo(a.getLastLr());
        }
        assertThat(a.getLastLr().get(0)).isLessThan(0.01);
        assertThatThrownBy(() -> new ReduceLROnPlateau(optimizer(), options.withPatience(3)).loadStateDict(a.stateDict()))
                .hasMessageContaining("patience=2 (this scheduler has 3)");
    }

    @Test void mismatchedStateDictsAreRejected() {
        LRScheduler a = new StepLR(optimizer(), 4);
        assertThatThrownBy(() -> new StepLR(optimizer(), 5, 0.5).loadStateDict(a.stateDict()))
                .hasMessageContaining("StepLR.loadStateDict").hasMessageContaining("step_size=4 (this schedule has 5)")
                .hasMessageContaining("gamma=0.1 (this schedule has 0.5)");
        Optimizer o = optimizer();
        LRScheduler alone = new LinearWarmup(o, 0.5, 3);
        Optimizer o2 = optimizer();
        assertThatThrownBy(() -> new LinearWarmup(o2, 0.5, 3, new StepLR(o2, 2)).loadStateDict(alone.stateDict()))
                .hasMessageContaining("saved without a schedule after the warmup");
    }

    @Test void invalidOptionsAreRejectedUpFront() {
        Optimizer o = optimizer();
        assertThatThrownBy(() -> new ReduceLROnPlateau(o, ReduceLROnPlateau.Options.DEFAULT.withFactor(1.0))).hasMessage("Factor should be < 1.0.");
        assertThatThrownBy(() -> ReduceLROnPlateau.Options.DEFAULT.withMode("lowest")).hasMessage("mode lowest is unknown!");
        assertThatThrownBy(() -> ReduceLROnPlateau.Options.DEFAULT.withThresholdMode("pct")).hasMessage("threshold mode pct is unknown!");
        assertThatThrownBy(() -> new ReduceLROnPlateau(o, ReduceLROnPlateau.Options.DEFAULT.withMinLr(0, 0, 0)))
                .hasMessage("expected 2 min_lrs, got 3");
        assertThatThrownBy(() -> new LinearWarmup(o, 1.5, 3)).hasMessage("Starting multiplicative factor expected to be between 0 and 1.");
        assertThatThrownBy(() -> new LinearWarmup(o, 0.5, 0)).hasMessageContaining("warmupSteps must be at least 1, got 0");
        assertThatThrownBy(() -> new StepLR(o, 0)).hasMessageContaining("StepLR: stepSize must be at least 1, got 0");
        assertThatThrownBy(() -> new MultiStepLR(o, List.of(10, 5))).hasMessageContaining("increasing integers, got [10, 5]");
        assertThatThrownBy(() -> new CosineAnnealingLR(o, 0)).hasMessageContaining("tMax must be at least 1");
        assertThatThrownBy(() -> new LinearWarmup(o, 0.5, 3, new StepLR(optimizer(), 2))).hasMessageContaining("same optimizer");
        LRScheduler used = new StepLR(o, 2);
        used.step();
        assertThatThrownBy(() -> new LinearWarmup(o, 0.5, 3, used)).hasMessageContaining("must be new (lastEpoch 0), got lastEpoch 1");
    }

    @Test void initialLrIsSetOnceAndKeptByLaterSchedules() {
        Optimizer o = optimizer();
        new ExponentialLR(o, 0.5).step();
        assertThat(o.paramGroups().get(0).lr()).isEqualTo(0.05);
        LRScheduler second = new StepLR(o, 3);
        assertThat(second.baseLrs()).containsExactly(0.1, 0.02);
        assertThat(o.stateDict().toString()).contains("initial_lr=0.1");
    }
}
