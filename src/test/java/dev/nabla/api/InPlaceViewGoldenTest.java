package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * In-place ops on views under autograd (CopySlices, regenerated view histories) against PyTorch: the programs and
 * refusals of tools/golden/make_inplace_views_golden.py, written here with Nabla under the same names.
 */
class InPlaceViewGoldenTest {
    private static final Map<String, Function<Map<String, Tensor>, List<Tensor>>> PROGRAMS = new HashMap<>();

    private static void put(String name, Function<Map<String, Tensor>, List<Tensor>> program) { PROGRAMS.put(name, program); }

    private static Tensor zeros(long... shape) { return Tensor.zeros(DType.FLOAT64, shape); }

    static {
        put("narrow_mul_scalar", in -> {
            Tensor y = in.get("x").mul(2.0);
            y.narrow(1, 0, 2).mul_(3);
            return List.of(y);
        });
        put("narrow_mul_tensor", in -> {
            Tensor y = in.get("x").mul(1.0);
            y.narrow(1, 1, 2).mul_(in.get("a"));
            return List.of(y);
        });
        put("select_add_on_sin", in -> {
            Tensor y = in.get("x").sin().add(1);
            y.select(0, 1).add_(in.get("b"));
            return List.of(y);
        });
        put("narrow_of_transpose", in -> {
            Tensor y = in.get("x").mul(1.0);
            y.t().narrow(0, 1, 2).mul_(in.get("a"));
            return List.of(y);
        });
        put("select_of_narrow", in -> {
            Tensor y = in.get("x").mul(1.0);
            y.narrow(0, 1, 2).select(1, 2).sub_(in.get("c"));
            return List.of(y);
        });
        put("slice_pow", in -> {
            Tensor y = in.get("x").mul(1.0);
            y.index(":, 1:3").pow_(2);
            return List.of(y);
        });
        put("step_slice_tanh", in -> {
            Tensor y = in.get("x").mul(1.0);
            y.index("::2, 1").tanh_();
            return List.of(y);
        });
        put("overlapping_writes", in -> {
            Tensor y = in.get("x").mul(1.0);
            y.narrow(0, 0, 3).mul_(2);
            y.narrow(0, 1, 3).add_(in.get("a"));
            y.narrow(0, 2, 2).sigmoid_();
            return List.of(y);
        });
        put("base_read_after_write", in -> {
            Tensor y = in.get("x").mul(1.0);
            Tensor v = y.select(0, 1);
            v.mul_(3);
            return List.of(y.sum(0).mul(1.0), y);
        });
        put("older_view_after_write", in -> {
            Tensor y = in.get("x").mul(1.0);
            Tensor v1 = y.narrow(0, 0, 2), v2 = y.narrow(0, 1, 2);
            v2.mul_(in.get("a"));
            return List.of(v1, v1.mul(1.0), y);
        });
        put("older_view_after_base_inplace", in -> {
            Tensor y = in.get("x").mul(1.0);
            Tensor v = y.select(0, 0);
            y.mul_(2);
            return List.of(v.exp(), v);
        });
        put("copy_into_buffer", in -> {
            Tensor buf = zeros(4, 3);
            buf.narrow(0, 0, 2).copy_(in.get("x"));
            return List.of(buf);
        });
        put("copy_rows_into_buffer", in -> {
            Tensor buf = zeros(3, 4);
            Tensor v1 = buf.select(0, 1);
            buf.select(0, 0).copy_(in.get("a"));
            buf.select(0, 2).copy_(in.get("b").mul(2.0));
            return List.of(buf.sum(1), v1.mul(1.0), buf);
        });
        put("buffer_mul_by_value", in -> {
            Tensor buf = Tensor.ones(DType.FLOAT64, 2, 3).mul(1.5);
            buf.select(0, 0).mul_(in.get("x"));
            return List.of(buf);
        });
        put("fill_and_zero_views", in -> {
            Tensor y = in.get("x").mul(1.0);
            y.narrow(1, 0, 1).zero_();
            y.select(0, 2).fill_(5);
            return List.of(y);
        });
        put("unary_chain_on_view", in -> {
            Tensor y = in.get("x").mul(1.0);
            Tensor v = y.narrow(1, 1, 3);
            v.clamp_(-0.5, 1.0).mul_(3).abs_().relu_();
            return List.of(y, v);
        });
        put("reshape_view_div", in -> {
            Tensor y = in.get("x").mul(1.0);
            y.view(3, 4).narrow(0, 1, 1).div_(in.get("a").exp());
            return List.of(y);
        });
        put("permute_select_mul", in -> {
            Tensor y = in.get("x").mul(1.0);
            y.permute(2, 0, 1).select(0, 1).mul_(in.get("b"));
            return List.of(y);
        });
        put("masked_fill_on_view", in -> {
            Tensor y = in.get("x").mul(1.0);
            y.index("1:3").maskedFill_(in.get("mask"), 0.5);
            return List.of(y);
        });
        put("pow_tensor_and_neg", in -> {
            Tensor x = in.get("x");
            Tensor y = x.mul(x).add(0.5);
            y.index(":, 1").neg_();
            y.index(":, 0").pow_(in.get("e"));
            return List.of(y);
        });
        put("use_before_write_keeps_gradient", in -> {
            Tensor y = in.get("x").mul(1.0);
            Tensor s = y.mul(2.0);
            y.select(0, 0).mul_(in.get("a"));
            return List.of(s, y);
        });
        put("sigmoid_on_select", in -> {
            Tensor y = in.get("x").mul(1.0);
            Tensor v = y.select(0, 1);
            v.sigmoid_();
            return List.of(y, v.mul(1.0));
        });
        put("select_of_select_div", in -> {
            Tensor y = in.get("x").mul(1.0);
            y.select(0, 1).select(0, 2).div_(4);
            y.index("0, :, 1").mul_(y.index("2, :, 3").detach().clone());
            return List.of(y);
        });
        put("buffer_column_and_block", in -> {
            Tensor buf = zeros(3, 3);
            buf.t().select(0, 0).copy_(in.get("x"));
            buf.index("1:, 1:").add_(in.get("a"));
            return List.of(buf);
        });
        put("write_base_then_view_then_base", in -> {
            Tensor z = in.get("x").mul(1.0), y = in.get("y");
            z.add_(y);
            z.select(0, 0).mul_(y.select(0, 1));
            z.mul_(2);
            return List.of(z);
        });
        put("unary_ops_on_rows", in -> {
            Tensor y = in.get("x").mul(1.0).add(2);
            y.select(0, 0).log_();
            y.select(0, 1).sin_();
            y.select(0, 2).cos_();
            y.select(0, 3).sign_();
            y.index(":, 4").add_(1.5).sub_(0.25);
            y.index("1:3, 1:3").exp_();
            return List.of(y);
        });
        put("sqrt_on_column", in -> {
            Tensor x = in.get("x");
            Tensor y = x.mul(x).add(1);
            y.index(":, 1").sqrt_();
            return List.of(y);
        });
        put("transpose_in_place_of_view", in -> {
            Tensor y = in.get("x").mul(1.0);
            Tensor v = y.narrow(0, 1, 2);
            v.t_();
            v.mul_(in.get("a"));
            return List.of(y, v.mul(1.0));
        });
        put("base_transposed_in_place_then_old_view", in -> {
            Tensor y = in.get("x").mul(1.0);
            Tensor v = y.index(":, 1");
            y.t_();
            y.select(0, 0).mul_(3);
            return List.of(v.mul(1.0), y);
        });
        put("unsqueeze_expand_source", in -> {
            Tensor y = in.get("x").mul(1.0), a = in.get("a");
            y.select(2, 1).copy_(a.unsqueeze(0).expand(2, 3));
            y.select(0, 1).add_(a.unsqueeze(1));
            return List.of(y);
        });
        put("empty_view_write", in -> {
            Tensor y = in.get("x").mul(2.0);
            y.narrow(1, 2, 0).mul_(in.get("a"));
            y.index(":, 4:").fill_(1);
            return List.of(y);
        });
        put("custom_function_dirty_view", in -> {
            Tensor x = in.get("x");
            Tensor y = x.mul(x);
            Tensor v = y.narrow(1, 1, 2);
            assertThat(new AutogradFunctionTest.ScaleInPlace(3).apply(v)).isSameAs(v);
            return List.of(y, v.mul(1.0));
        });
    }

    /** The golden inputs of a program, by name, each a fresh tensor. */
    private static Map<String, Tensor> inputs(JsonNode c) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        c.get("inputs").fields().forEachRemaining(e -> in.put(e.getKey(), Golden.tensor(e.getValue())));
        return in;
    }

    /** PyTorch's name of a function as Nabla spells it (no version digit). */
    private static String nablaName(String torchName) { return torchName.replaceAll("\\d+$", ""); }

    /** Every program: the outputs' values and histories, and the gradient of every input, as PyTorch's. */
    @TestFactory Stream<DynamicTest> programs() {
        List<JsonNode> cases = Golden.cases("inplace_views.json", "programs");
        assertThat(cases).hasSizeGreaterThanOrEqualTo(20);
        assertThat(PROGRAMS.keySet()).containsExactlyInAnyOrderElementsOf(cases.stream().map(c -> c.get("name").asText()).toList());
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
            String name = c.get("name").asText();
            Map<String, Tensor> in = inputs(c);
            List<Tensor> outs = PROGRAMS.get(name).apply(in);
            JsonNode expected = c.get("outputs"), gradFns = c.get("grad_fn"), ws = c.get("w");
            assertThat(outs).as(name).hasSize(expected.size());
            Tensor loss = null;
            for (int k = 0; k < outs.size(); k++) {
                Tensor o = outs.get(k);
                NumericsGoldenTest.assertSame(name + " output " + k, o, expected.get(k));
                String fn = gradFns.get(k).isNull() ? null : nablaName(gradFns.get(k).asText());
                if (fn == null || fn.equals("CopySlices") || fn.equals("AsStridedBackward")) {
                    assertThat(o.gradFn()).as("%s: history of output %d", name, k).isEqualTo(fn);
                } else {
                    assertThat(o.gradFn()).as("%s: history of output %d", name, k).isNotNull();
                }
                Tensor term = o.mul(Golden.tensor(ws.get(k))).sum();
                loss = loss == null ? term : loss.add(term);
            }
            loss.backward();
            c.get("grads").fields().forEachRemaining(e ->
                    NumericsGoldenTest.assertSame(name + " gradient of " + e.getKey(), in.get(e.getKey()).grad(), e.getValue(), false));
            for (Map.Entry<String, Tensor> e : in.entrySet()) {
                if (!c.get("grads").has(e.getKey())) assertThat(e.getValue().grad()).as("%s: gradient of %s", name, e.getKey()).isNull();
            }
        }));
    }

    /** A few programs against finite differences as well, from random float64 inputs. */
    @TestFactory Stream<DynamicTest> gradCheck() {
        return Golden.cases("inplace_views.json", "programs").stream()
                .filter(c -> List.of("narrow_mul_tensor", "narrow_of_transpose", "overlapping_writes", "copy_rows_into_buffer",
                        "permute_select_mul", "reshape_view_div", "older_view_after_write", "pow_tensor_and_neg").contains(c.get("name").asText()))
                .map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                    String name = c.get("name").asText();
                    Map<String, Tensor> golden = inputs(c);
                    List<String> names = new ArrayList<>(golden.keySet());
                    Tensor[] xs = names.stream().map(golden::get).toArray(Tensor[]::new);
                    GradCheck.Report r = GradCheck.check(in -> {
                        Map<String, Tensor> m = new HashMap<>();
                        for (int i = 0; i < names.size(); i++) m.put(names.get(i), in.get(i));
                        List<Tensor> outs = PROGRAMS.get(name).apply(m);
                        return Tensor.cat(outs.stream().map(Tensor::flatten).toList(), 0);
                    }, xs);
                    assertThat(r.checked()).as(name).isPositive();
                }));
    }

    private static final Map<String, Runnable> REFUSALS = new HashMap<>();

    private static Tensor leaf(long... shape) { return Tensor.randn(DType.FLOAT64, shape).requiresGrad_(); }

    static {
        REFUSALS.put("saved_then_write_through_view", () -> {
            Tensor y = leaf(3, 4).mul(1.0);
            Tensor z = y.sin();
            y.select(0, 0).mul_(2);
            z.sum().backward();
        });
        REFUSALS.put("saved_view_then_write_base", () -> {
            Tensor y = leaf(3, 4).mul(1.0);
            Tensor z = y.select(0, 0).sin();
            y.mul_(2);
            z.sum().backward();
        });
        REFUSALS.put("saved_view_then_write_it", () -> {
            Tensor y = leaf(3, 4).mul(1.0);
            Tensor v = y.select(0, 0);
            Tensor z = v.mul(v);
            v.add_(1);
            z.sum().backward();
        });
        REFUSALS.put("saved_then_write_through_detached_view", () -> {
            Tensor y = leaf(3, 4).mul(1.0);
            Tensor z = y.sin();
            y.detach().select(0, 0).mul_(2);
            z.sum().backward();
        });
        REFUSALS.put("saved_output_then_write_through_view", () -> {
            Tensor y = leaf(3, 4).exp();
            y.select(0, 1).add_(1);
            y.sum().backward();
        });
        REFUSALS.put("saved_inplace_result_then_write", () -> {
            Tensor y = leaf(3, 4).mul(1.0);
            y.select(0, 0).exp_();
            y.mul_(2);
            y.sum().backward();
        });
        REFUSALS.put("saved_inplace_result_then_write_plain", () -> {
            Tensor y = leaf(3, 4).mul(1.0);
            y.sigmoid_();
            y.add_(1);
            y.sum().backward();
        });
        REFUSALS.put("unsaved_then_write_through_view", () -> {
            Tensor y = leaf(3, 4).mul(1.0);
            Tensor z = y.mul(3.0);
            y.select(0, 0).mul_(2);
            z.sum().backward();
        });
        REFUSALS.put("leaf", () -> leaf(3, 4).mul_(2));
        REFUSALS.put("view_of_leaf", () -> leaf(3, 4).select(0, 0).mul_(2));
        REFUSALS.put("view_of_leaf_no_grad", () -> {
            Tensor x = leaf(3, 4);
            try (Grad g = Grad.disabled()) {
                x.select(0, 0).mul_(2);
            }
            x.sum().backward();
        });
        REFUSALS.put("view_of_leaf_fill", () -> leaf(3, 4).narrow(1, 0, 2).fill_(0));
        REFUSALS.put("split_output", () -> leaf(4, 3).mul(1.0).split(2, 0).get(0).mul_(2));
        REFUSALS.put("chunk_output", () -> leaf(4, 3).mul(1.0).chunk(2, 0).get(1).add_(1));
        REFUSALS.put("split_sizes_output", () -> leaf(4, 3).mul(1.0).split(new long[] {1, 3}, 0).get(1).exp_());
        REFUSALS.put("narrow_of_split_output", () -> leaf(4, 3).mul(1.0).chunk(2, 0).get(0).narrow(0, 0, 1).mul_(2));
        REFUSALS.put("split_of_buffer_scalar", () -> zeros(4, 3).split(2, 0).get(0).add_(2));
        REFUSALS.put("split_of_buffer_value", () -> zeros(4, 3).split(2, 0).get(0).add_(leaf(2, 3)));
        REFUSALS.put("split_output_no_grad", () -> {
            Tensor y = leaf(4, 3).mul(1.0);
            try (Grad g = Grad.disabled()) {
                y.split(2, 0).get(0).mul_(2);
            }
        });
        REFUSALS.put("no_grad_view_grad_write", () -> {
            Tensor y = leaf(4, 3).mul(1.0);
            Tensor v;
            try (Grad g = Grad.disabled()) {
                v = y.select(0, 0);
            }
            v.mul_(2);
        });
        REFUSALS.put("no_grad_view_no_grad_write", () -> {
            Tensor y = leaf(4, 3).mul(1.0);
            try (Grad g = Grad.disabled()) {
                y.select(0, 0).mul_(2);
            }
            y.sum().backward();
        });
        REFUSALS.put("no_grad_view_of_buffer_grad_write_value", () -> {
            Tensor buf = zeros(4, 3);
            Tensor v;
            try (Grad g = Grad.disabled()) {
                v = buf.select(0, 0);
            }
            v.copy_(leaf(3));
        });
        REFUSALS.put("no_grad_view_of_buffer_grad_write_scalar", () -> {
            Tensor buf = zeros(4, 3);
            Tensor v;
            try (Grad g = Grad.disabled()) {
                v = buf.select(0, 0);
            }
            v.add_(1);
        });
        REFUSALS.put("no_grad_view_used_after_base_write", () -> {
            Tensor y = leaf(4, 3).mul(1.0);
            Tensor v;
            try (Grad g = Grad.disabled()) {
                v = y.select(0, 0);
            }
            y.mul_(2);
            v.mul(1.0);
        });
        REFUSALS.put("expanded_write", () -> zeros(3, 1).expand(3, 4).add_(1));
        REFUSALS.put("expanded_view_of_non_leaf_write", () -> leaf(3, 1).mul(1.0).expand(3, 4).mul_(2));
        REFUSALS.put("partial_overlap_mul", () -> {
            Tensor y = leaf(6).mul(1.0);
            y.index("0:2").mul_(y.index("1:3"));
        });
        REFUSALS.put("partial_overlap_copy", () -> {
            Tensor y = Tensor.randn(DType.FLOAT64, 6);
            y.index("0:2").copy_(y.index("1:3"));
        });
        REFUSALS.put("partial_overlap_rows", () -> {
            Tensor z = Tensor.randn(DType.FLOAT64, 4, 4);
            z.index("0:2").add_(z.index("1:3"));
        });
        REFUSALS.put("partial_overlap_pow", () -> {
            Tensor y = Tensor.rand(DType.FLOAT64, 6);
            y.index("0:2").pow_(y.index("1:3"));
        });
        REFUSALS.put("full_overlap_saved_operand", () -> {
            Tensor y = leaf(6).mul(1.0);
            y.add_(y);
            y.view(2, 3).mul_(y.view(2, 3));
            y.sum().backward();
        });
        REFUSALS.put("full_overlap_transposed", () -> {
            Tensor z = Tensor.randn(DType.FLOAT64, 4, 4);
            z.add_(z.t());
        });
        REFUSALS.put("overlap_of_strided_views_not_checked", () -> {
            Tensor z = Tensor.randn(DType.FLOAT64, 4, 4);
            z.index(":, 0:2").add_(z.index(":, 1:3"));
        });
        REFUSALS.put("disjoint_views_of_one_base", () -> {
            Tensor y = leaf(6).mul(1.0);
            y.index("0:2").add_(y.index("2:4"));
            y.sum().backward();
        });
        REFUSALS.put("detached_view_write", () -> {
            Tensor y = leaf(3, 4).mul(1.0);
            y.detach().select(0, 0).mul_(2);
            y.sum().backward();
        });
    }

    /** Nabla raises where PyTorch raises (with a message sharing PyTorch's words), and only there. */
    @TestFactory Stream<DynamicTest> refusals() {
        List<JsonNode> cases = Golden.cases("inplace_views.json", "refusals");
        assertThat(REFUSALS.keySet()).containsExactlyInAnyOrderElementsOf(cases.stream().map(c -> c.get("name").asText()).toList());
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
            Runnable r = REFUSALS.get(c.get("name").asText());
            if (c.get("raises").asBoolean()) {
                assertThatThrownBy(r::run).as(c.get("name").asText()).isInstanceOf(IllegalStateException.class)
                        .message().containsIgnoringCase(c.get("phrase").asText());
            } else {
                r.run();
            }
        }));
    }

    @Test void refusalsNameTheOpAndWhatCame() {
        assertThatThrownBy(() -> leaf(3, 4).select(0, 0).mul_(2)).hasMessageStartingWith("mul_: a view of a leaf")
                .hasMessageContaining("[3, 4]");
        assertThatThrownBy(() -> zeros(3, 1).expand(3, 4).fill_(1)).hasMessageStartingWith("fill_:").hasMessageContaining("[3, 4]");
        assertThatThrownBy(() -> leaf(4, 3).mul(1.0).split(2, 0).get(1).mul_(2))
                .hasMessageStartingWith("Output 1 of SplitBackward is a view").hasMessageContaining("[2, 3]");
    }

    /** Random fills through a view: the region's gradient is zero, the rest of the base's passes through. */
    @Test void randomFillsThroughAViewCutTheRegionsGradient() {
        for (java.util.function.UnaryOperator<Tensor> fill : List.<java.util.function.UnaryOperator<Tensor>>of(
                v -> v.normal_(0, 1), v -> v.uniform_(-1, 1), v -> v.bernoulli_(0.5), v -> v.random_(3))) {
            Tensor x = leaf(3, 4);
            Tensor y = x.mul(2.0);
            fill.apply(y.narrow(1, 1, 2));
            assertThat(y.gradFn()).isEqualTo("CopySlices");
            Tensor w = Tensor.randn(DType.FLOAT64, 3, 4);
            y.mul(w).sum().backward();
            double[] g = x.grad().toDoubleArray(), ww = w.toDoubleArray();
            for (int i = 0; i < g.length; i++) {
                int col = i % 4;
                assertThat(g[i]).as("element %d", i).isEqualTo(col == 1 || col == 2 ? 0 : 2 * ww[i]);
            }
        }
    }

    /** A view kept across a replacement of its base's storage (Module.to) keeps its history instead of failing. */
    @Test void aViewOfABaseWhoseStorageWasReplacedKeepsItsHistory() {
        Tensor p = leaf(3, 4);
        Tensor v = p.narrow(0, 0, 2);
        p.setData(p.nd().dup());
        assertThat(v.gradFn()).isEqualTo("SliceBackward");
        v.sum().backward();
        assertThat(p.grad().toDoubleArray()).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
    }

    @Test void aWriteThatFailsLeavesTheBaseAsItWas() {
        Tensor y = leaf(4, 3).mul(1.0);
        double[] before = y.toDoubleArray();
        assertThatThrownBy(() -> y.split(2, 0).get(0).mul_(2)).isInstanceOf(IllegalStateException.class);
        assertThat(y.toDoubleArray()).containsExactly(before);
        assertThat(y.gradFn()).isEqualTo("MulScalarBackward");
    }
}
