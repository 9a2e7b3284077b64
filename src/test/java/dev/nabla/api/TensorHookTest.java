package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nabla.layers.F;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link Tensor#registerHook} and {@link Tensor#registerPostAccumulateGradHook} against PyTorch (hooks.json, from
 * tools/golden/make_hooks_golden.py): which leaves' post-accumulate hooks fire in which order and with which .grad, what
 * tensor hooks receive, and the gradients they leave; then removal and refusals.
 */
class TensorHookTest {
    private record Firing(String name, double[] grad) {}

    private static JsonNode program(String name) {
        return Golden.cases("hooks.json", "programs").stream().filter(p -> p.get("name").asText().equals(name)).findFirst().orElseThrow();
    }

    /** The program's inputs as Nabla leaves (requiring grad as in PyTorch), by name. */
    private static Map<String, Tensor> inputs(JsonNode p) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        p.get("inputs").fields().forEachRemaining(e -> m.put(e.getKey(), Golden.tensor(e.getValue())));
        p.get("requires_grad").forEach(n -> m.get(n.asText()).requiresGrad_());
        return m;
    }

    private static Tensor mlp(Map<String, Tensor> p, UnaryOperator<Tensor> onHidden) {
        Tensor h = F.linear(p.get("x"), p.get("fc1.weight"), p.get("fc1.bias")).tanh();
        onHidden.apply(h);
        return F.linear(h, p.get("fc2.weight"), p.get("fc2.bias")).mul(p.get("w")).sum();
    }

    private static Tensor forward(String name, Map<String, Tensor> p, UnaryOperator<Tensor> onHidden) {
        switch (name) {
            case "convnet": {
                Tensor h = F.conv2d(p.get("x"), p.get("conv.weight"), p.get("conv.bias")).relu().reshape(2, 18);
                return F.linear(h, p.get("fc.weight"), p.get("fc.bias")).mul(p.get("w")).sum();
            }
            case "shared": {
                Tensor h = F.linear(p.get("x"), p.get("l.weight"), p.get("l.bias")).tanh();
                return F.linear(h, p.get("l.weight"), null).mul(p.get("w")).sum();
            }
            default:
                return mlp(p, onHidden);
        }
    }

    /** Runs a golden program with post-accumulate hooks on every leaf that requires grad (and the tensor hooks given). */
    private static List<Firing> run(JsonNode prog, Map<String, Tensor> p, Map<String, Tensor.GradHook> hooks, List<Firing> hooked,
                                    Tensor.GradHook hidden) {
        List<Firing> post = new ArrayList<>();
        for (JsonNode n : prog.get("requires_grad")) {
            String k = n.asText();
            p.get(k).registerPostAccumulateGradHook(leaf -> {
                assertThat(leaf).isSameAs(p.get(k));
                post.add(new Firing(k, leaf.grad().toDoubleArray()));
            });
        }
        hooks.forEach((k, fn) -> p.get(k).registerHook(g -> {
            hooked.add(new Firing(k, g.toDoubleArray()));
            return fn.apply(g);
        }));
        Tensor loss = forward(prog.get("name").asText(), p, h -> {
            if (hidden != null) h.registerHook(g -> {
                hooked.add(new Firing("hidden", g.toDoubleArray()));
                return hidden.apply(g);
            });
            return h;
        });
        int backwards = prog.get("backwards").asInt();
        for (int i = 0; i < backwards; i++) loss.backward(null, i + 1 < backwards);
        return post;
    }

    private static String layer(String name) { return name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name; }

    /**
     * The same firings as PyTorch's: the same sequence of layers, within a run of one layer the same names (in any
     * order: one op's leaves), each with the same gradient.
     */
    private static void assertFirings(String what, List<Firing> actual, JsonNode expected) {
        assertThat(actual).as("%s: number of firings, got %s", what, actual.stream().map(Firing::name).toList()).hasSize(expected.size());
        List<String> expectedNames = new ArrayList<>();
        expected.forEach(e -> expectedNames.add(e.get("name").asText()));
        int i = 0;
        while (i < expectedNames.size()) {
            int j = i;
            while (j < expectedNames.size() && layer(expectedNames.get(j)).equals(layer(expectedNames.get(i)))) j++;
            List<String> got = actual.subList(i, j).stream().map(Firing::name).toList();
            assertThat(got).as("%s: firings %d..%d (PyTorch: %s, Nabla: %s)", what, i, j - 1, expectedNames,
                    actual.stream().map(Firing::name).toList()).containsExactlyInAnyOrderElementsOf(expectedNames.subList(i, j));
            for (int k = i; k < j; k++) {
                Firing f = actual.get(k);
                JsonNode e = null;
                for (int m = i; m < j; m++) if (expectedNames.get(m).equals(f.name())) e = expected.get(m);
                assertClose(what + " firing " + k + " (" + f.name() + ")", f.grad(), e.get("grad"));
            }
            i = j;
        }
    }

    private static void assertClose(String what, double[] a, JsonNode expected) {
        double[] e = Golden.doubles(expected.get("data"));
        assertThat(a).as("%s: length", what).hasSize(e.length);
        for (int i = 0; i < e.length; i++) {
            assertThat(Math.abs(a[i] - e[i])).as("%s: element %d is %s, PyTorch gives %s", what, i, a[i], e[i]).isLessThanOrEqualTo(1e-12 * (1 + Math.abs(e[i])));
        }
    }

    private static void assertGrads(String what, Map<String, Tensor> p, JsonNode prog) {
        for (JsonNode n : prog.get("requires_grad")) {
            String k = n.asText();
            JsonNode g = prog.get("grads").get(k);
            if (g == null) assertThat(p.get(k).grad()).as("%s: %s has no gradient in PyTorch", what, k).isNull();
            else assertClose(what + " .grad of " + k, p.get(k).grad().toDoubleArray(), g);
        }
    }

    private void check(String name, Map<String, Tensor.GradHook> hooks, Tensor.GradHook hidden) {
        JsonNode prog = program(name);
        Map<String, Tensor> p = inputs(prog);
        List<Firing> hooked = new ArrayList<>();
        List<Firing> post = run(prog, p, hooks, hooked, hidden);
        assertFirings(name + " post-accumulate hooks", post, prog.get("post"));
        assertFirings(name + " tensor hooks", hooked, prog.get("hooked"));
        assertGrads(name, p, prog);
    }

    @Test void mlpFiresEachLeafOnceLastLayerFirst() { check("mlp", Map.of(), null); }

    @Test void convnetFiresEachLeafOnceLastLayerFirst() { check("convnet", Map.of(), null); }

    @Test void aWeightUsedTwiceFiresOnceAfterItsLastUseAndItsHookSeesTheSum() {
        check("shared", Map.of("l.weight", g -> g.mul(2)), null);
    }

    @Test void tensorHooksOnLeavesAndNonLeavesReplaceTheGradient() {
        check("hooks", new LinkedHashMap<>(Map.of("fc2.bias", g -> g.add(1.0), "fc1.weight", g -> null)), g -> g.mul(0.5));
    }

    @Test void retainGraphAndASecondBackwardFireAgainOnTheAccumulatedGrad() {
        check("twice", Map.of("fc1.bias", g -> null), null);
    }

    @Test void anUnusedParameterNeverFires() { check("unused", Map.of(), null); }

    @Test void removedHooksAreNotCalled() {
        Tensor w = Tensor.of(1.0, 2.0, 3.0).requiresGrad_();
        List<String> calls = new ArrayList<>();
        RemovableHandle a = w.registerHook(g -> { calls.add("a"); return g.mul(10); });
        RemovableHandle b = w.registerPostAccumulateGradHook(t -> calls.add("b"));
        w.registerPostAccumulateGradHook(t -> calls.add("c"));
        w.mul(w).sum().backward();
        assertThat(calls).containsExactly("a", "b", "c");
        assertThat(w.grad().toDoubleArray()).containsExactly(20, 40, 60);
        a.remove();
        b.remove();
        b.remove();   // idempotent
        calls.clear();
        w.setGrad(null);
        w.mul(w).sum().backward();
        assertThat(calls).containsExactly("c");
        assertThat(w.grad().toDoubleArray()).containsExactly(2, 4, 6);
    }

    @Test void aLeafRootRunsItsHooksOnTheSeed() {
        Tensor w = Tensor.of(5.0).requiresGrad_();
        List<Double> seen = new ArrayList<>();
        w.registerHook(g -> { seen.add(g.item()); return g.mul(3); });
        w.registerPostAccumulateGradHook(t -> seen.add(t.grad().item()));
        w.backward();
        assertThat(seen).containsExactly(1.0, 3.0);
    }

    @Test void hooksOnTensorsThatDoNotRequireGradAreRefusedAsPyTorchDoes() {
        JsonNode refusal = Golden.cases("hooks.json", "refusals").get(0);
        String phrase = refusal.get("phrase").asText();
        assertThatThrownBy(() -> Tensor.zeros(DType.FLOAT64, 3).registerHook(g -> g))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("registerHook").hasMessageContaining(phrase);
        assertThatThrownBy(() -> Tensor.zeros(DType.FLOAT64, 3).registerPostAccumulateGradHook(t -> {}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(phrase);
        Tensor w = Tensor.of(1.0, 2.0).requiresGrad_();
        assertThatThrownBy(() -> w.mul(2).registerPostAccumulateGradHook(t -> {}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot be registered on non-leaf tensors").hasMessageContaining("MulScalarBackward");
        w.registerHook(g -> Tensor.of(1.0, 2.0, 3.0));
        assertThatThrownBy(() -> w.mul(w).sum().backward())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("changed the size of the gradient").hasMessageContaining("[2]");
    }

    @Test void float32HooksSeeTheSameGradientAsNoHooks() {
        Nabla.manualSeed(3);
        Tensor x = Tensor.randn(7, 5);
        Tensor w1 = Tensor.randn(3, 5).requiresGrad_(), w2 = Tensor.randn(3, 5).requiresGrad_();
        w2.nd().assign(w1.nd());
        F.linear(x, w1, null).tanh().sum().backward();
        List<double[]> seen = new ArrayList<>();
        w2.registerHook(g -> { seen.add(g.toDoubleArray()); return null; });
        w2.registerPostAccumulateGradHook(t -> seen.add(t.grad().toDoubleArray()));
        F.linear(x, w2, null).tanh().sum().backward();
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).containsExactly(w1.grad().toDoubleArray());
        assertThat(seen.get(1)).containsExactly(w1.grad().toDoubleArray());
        assertThat(w2.grad().toDoubleArray()).containsExactly(w1.grad().toDoubleArray());
    }
}
