package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every Tensor op against PyTorch (src/test/resources/golden/ops.json, written by
 * tools/golden/make_golden.py): output shapes, dtypes and values, and the gradients of
 * {@code sum(out * w)} with respect to each input that requires grad.
 */
class GoldenOpsTest {
    /** A Nabla call: the golden inputs and the case's args in, the outputs out. */
    interface Op {
        List<Tensor> apply(List<Tensor> in, JsonNode args);
    }

    private static final Map<String, Op> OPS = new HashMap<>();

    @TestFactory Stream<DynamicTest> ops() {
        return Golden.cases("ops.json").stream().map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
            try {
                check(c);
            } catch (RuntimeException e) { // name the case: surefire reports dynamic tests by number
                throw new AssertionError(c.get("name").asText() + ": " + e, e);
            }
        }));
    }

    static void check(JsonNode c) {
        String name = c.get("name").asText();
        Op op = OPS.get(c.get("op").asText());
        assertThat(op).as("%s: no Nabla call for op id '%s' in GoldenOpsTest", name, c.get("op").asText()).isNotNull();
        List<Tensor> in = new ArrayList<>();
        c.get("inputs").forEach(t -> in.add(Golden.tensor(t)));
        List<Tensor> leaves = List.copyOf(in);
        JsonNode args = c.get("args");
        if (args.has("pre")) { // the op sees a non-contiguous view of the first input
            String pre = args.get("pre").asText();
            in.set(0, pre.equals("t") ? in.get(0).t() : in.get(0).index(pre));
        }
        if (c.get("error").asBoolean()) {
            assertThatThrownBy(() -> op.apply(in, args)).as("%s: PyTorch raises an error", name).isInstanceOf(RuntimeException.class);
            return;
        }
        List<Tensor> out = op.apply(in, args);
        JsonNode expected = c.get("outputs");
        assertThat(out).as("%s: number of outputs", name).hasSize(expected.size());
        for (int i = 0; i < out.size(); i++) {
            assertMatches(name + ": output " + i, out.get(i), expected.get(i));
            assertThat(out.get(i).requiresGrad()).as("%s: output %d requires_grad", name, i)
                    .isEqualTo(expected.get(i).get("requires_grad").asBoolean());
        }
        if (!c.has("grads")) return;
        Tensor loss = null;
        JsonNode weights = c.get("weights");
        for (int i = 0; i < out.size(); i++) {
            if (weights.get(i).isNull()) continue;
            Tensor term = out.get(i).mul(Golden.tensor(weights.get(i))).sum();
            loss = loss == null ? term : loss.add(term);
        }
        assertThat(loss).as("%s: no output requires grad", name).isNotNull();
        loss.backward();
        JsonNode grads = c.get("grads");
        for (int i = 0; i < in.size(); i++) {
            if (grads.get(i).isNull()) continue;
            Tensor g = leaves.get(i).grad();
            JsonNode e = grads.get(i);
            if (g == null) g = Tensor.zeros(Golden.dtype(e.get("dtype").asText()), Golden.longs(e.get("shape"))); // none reached it: PyTorch says zeros
            assertMatches(name + ": grad of input " + i, g, e);
        }
    }

    /** Shape, dtype and values; floats within 1e-10 (float64) or 1e-5 (float32) relative, others exactly. */
    static void assertMatches(String what, Tensor actual, JsonNode expected) {
        assertThat(actual.shape()).as("%s: shape", what).isEqualTo(Shape.of(Golden.longs(expected.get("shape"))));
        DType dtype = Golden.dtype(expected.get("dtype").asText());
        assertThat(actual.dtype()).as("%s: dtype", what).isEqualTo(dtype);
        double[] want = Golden.doubles(expected.get("data"));
        double[] got = actual.toDoubleArray();
        assertThat(got).as("%s: number of elements", what).hasSize(want.length);
        double rtol = dtype == DType.FLOAT64 ? 1e-10 : dtype.isFloatingPoint() ? 1e-5 : 0;
        double atol = dtype == DType.FLOAT64 ? 1e-12 : dtype.isFloatingPoint() ? 1e-6 : 0;
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < want.length; i++) {
            boolean same = Double.isNaN(want[i]) ? Double.isNaN(got[i])
                    : want[i] == got[i] || Math.abs(got[i] - want[i]) <= atol + rtol * Math.abs(want[i]);
            if (!same && wrong.size() < 5) wrong.add("[" + i + "] expected " + want[i] + " but was " + got[i]);
        }
        assertThat(wrong).as("%s: values differ from PyTorch (expected %s, got %s)", what, Arrays.toString(want),
                Arrays.toString(got)).isEmpty();
    }

    // ---------------------------------------------------------------- op ids of make_golden.py

    private static void put(String id, Op op) {
        if (OPS.put(id, op) != null) throw new IllegalStateException("duplicate op id " + id);
    }

    private static void one(String id, UnaryOperator<Tensor> f) { put(id, (x, a) -> List.of(f.apply(x.get(0)))); }

    private static void two(String id, BinaryOperator<Tensor> f) { put(id, (x, a) -> List.of(f.apply(x.get(0), x.get(1)))); }

    private static void scalar(String id, BiFunction<Tensor, Double, Tensor> f) {
        put(id, (x, a) -> List.of(f.apply(x.get(0), a.get("c").asDouble())));
    }

    /** An in-place op: its output is the changed first input. */
    private static void inPlace(String id, Op f) {
        put(id, (x, a) -> {
            f.apply(x, a);
            return List.of(x.get(0));
        });
    }

    private static int[] dims(JsonNode a) { return a.has("dims") ? Golden.ints(a.get("dims")) : null; }

    private static boolean keepDim(JsonNode a) { return a.path("keepdim").asBoolean(false); }

    private static long[] shape(JsonNode a) { return Golden.longs(a.get("shape")); }

    private static Tensor reduce(Tensor x, JsonNode a, String op) {
        int[] d = dims(a);
        boolean k = keepDim(a);
        return switch (op) {
            case "sum" -> d == null ? x.sum() : d.length == 1 ? x.sum(d[0], k) : x.sum(d, k);
            case "mean" -> d == null ? x.mean() : d.length == 1 ? x.mean(d[0], k) : x.mean(d, k);
            case "var" -> a.has("unbiased") ? x.var(d, a.get("unbiased").asBoolean(), k)
                    : d == null ? x.var() : d.length == 1 ? x.var(d[0], k) : x.var(d, true, k);
            case "std" -> a.has("unbiased") ? x.std(d, a.get("unbiased").asBoolean(), k)
                    : d == null ? x.std() : d.length == 1 ? x.std(d[0], k) : x.std(d, true, k);
            default -> throw new IllegalArgumentException(op);
        };
    }

    static {
        two("add", Tensor::add);
        two("sub", Tensor::sub);
        two("mul", Tensor::mul);
        two("div", Tensor::div);
        two("pow", Tensor::pow);
        scalar("add_scalar", Tensor::add);
        scalar("sub_scalar", Tensor::sub);
        scalar("mul_scalar", Tensor::mul);
        scalar("div_scalar", Tensor::div);
        scalar("rsub", Tensor::rsub);
        scalar("rdiv", Tensor::rdiv);
        scalar("pow_scalar", Tensor::pow);

        one("neg", Tensor::neg);
        one("exp", Tensor::exp);
        one("log", Tensor::log);
        one("sqrt", Tensor::sqrt);
        one("abs", Tensor::abs);
        one("sign", Tensor::sign);
        one("sin", Tensor::sin);
        one("cos", Tensor::cos);
        one("tanh", Tensor::tanh);
        one("sigmoid", Tensor::sigmoid);
        one("relu", Tensor::relu);
        put("clamp", (x, a) -> List.of(x.get(0).clamp(a.get("min").asDouble(), a.get("max").asDouble())));

        two("eq", Tensor::eq);
        two("ne", Tensor::ne);
        two("gt", Tensor::gt);
        two("ge", Tensor::ge);
        two("lt", Tensor::lt);
        two("le", Tensor::le);
        scalar("eq_scalar", Tensor::eq);
        scalar("ne_scalar", Tensor::ne);
        scalar("gt_scalar", Tensor::gt);
        scalar("ge_scalar", Tensor::ge);
        scalar("lt_scalar", Tensor::lt);
        scalar("le_scalar", Tensor::le);

        for (String r : List.of("sum", "mean", "var", "std")) put(r, (x, a) -> List.of(reduce(x.get(0), a, r)));
        one("max", Tensor::max);
        one("min", Tensor::min);
        put("max_dim", (x, a) -> {
            ValuesIndices vi = x.get(0).max(a.get("dim").asInt(), keepDim(a));
            return List.of(vi.values(), vi.indices());
        });
        put("min_dim", (x, a) -> {
            ValuesIndices vi = a.has("keepdim") && keepDim(a) ? x.get(0).min(a.get("dim").asInt(), true) : x.get(0).min(a.get("dim").asInt());
            return List.of(vi.values(), vi.indices());
        });
        put("argmax", (x, a) -> List.of(a.has("dim") ? x.get(0).argmax(a.get("dim").asInt(), keepDim(a)) : x.get(0).argmax()));
        put("argmin", (x, a) -> List.of(!a.has("dim") ? x.get(0).argmin()
                : keepDim(a) ? x.get(0).argmin(a.get("dim").asInt(), true) : x.get(0).argmin(a.get("dim").asInt())));
        put("norm", (x, a) -> List.of(!a.has("p") ? x.get(0).norm() : !a.has("dim") ? x.get(0).norm(a.get("p").asDouble())
                : x.get(0).norm(a.get("p").asDouble(), a.get("dim").asInt(), keepDim(a))));
        put("dist", (x, a) -> List.of(a.get("p").asDouble() == 2 ? x.get(0).dist(x.get(1)) : x.get(0).dist(x.get(1), a.get("p").asDouble())));

        two("mm", Tensor::mm);
        two("mv", Tensor::mv);
        two("bmm", Tensor::bmm);
        two("dot", Tensor::dot);
        two("matmul", Tensor::matmul);

        put("view", (x, a) -> List.of(x.get(0).view(shape(a))));
        put("reshape", (x, a) -> List.of(x.get(0).reshape(shape(a))));
        put("t_reshape", (x, a) -> List.of(x.get(0).t().reshape(shape(a))));
        one("t", Tensor::t);
        put("transpose", (x, a) -> List.of(x.get(0).transpose(a.get("dim0").asInt(), a.get("dim1").asInt())));
        put("permute", (x, a) -> List.of(x.get(0).permute(Golden.ints(a.get("dims")))));
        put("narrow", (x, a) -> List.of(x.get(0).narrow(a.get("dim").asInt(), a.get("start").asLong(), a.get("length").asLong())));
        put("select", (x, a) -> List.of(x.get(0).select(a.get("dim").asInt(), a.get("index").asLong())));
        put("expand", (x, a) -> List.of(x.get(0).expand(shape(a))));
        put("squeeze", (x, a) -> List.of(a.has("dim") ? x.get(0).squeeze(a.get("dim").asInt()) : x.get(0).squeeze()));
        put("unsqueeze", (x, a) -> List.of(x.get(0).unsqueeze(a.get("dim").asInt())));
        put("flatten", (x, a) -> List.of(a.has("start") ? x.get(0).flatten(a.get("start").asInt(), a.get("end").asInt()) : x.get(0).flatten()));
        one("t_flatten", t -> t.t().flatten());
        put("index", (x, a) -> List.of(x.get(0).index(a.get("spec").asText())));

        put("cat", (x, a) -> List.of(Tensor.cat(x, a.get("dim").asInt())));
        put("stack", (x, a) -> List.of(Tensor.stack(x, a.get("dim").asInt())));
        put("chunk", (x, a) -> x.get(0).chunk(a.get("chunks").asInt(), a.get("dim").asInt()));
        put("split", (x, a) -> x.get(0).split(a.get("size").asLong(), a.get("dim").asInt()));
        put("split_sizes", (x, a) -> x.get(0).split(Golden.longs(a.get("sizes")), a.get("dim").asInt()));
        put("index_select", (x, a) -> List.of(x.get(0).indexSelect(a.get("dim").asInt(), x.get(1))));
        put("gather", (x, a) -> List.of(x.get(0).gather(a.get("dim").asInt(), x.get(1))));
        put("where", (x, a) -> List.of(Tensor.where(x.get(0), x.get(1), x.get(2))));
        two("masked_select", Tensor::maskedSelect);
        two("index_mask", Tensor::index);
        put("masked_fill", (x, a) -> List.of(x.get(0).maskedFill(x.get(1), a.get("value").asDouble())));
        one("clone", Tensor::clone);
        one("contiguous", Tensor::contiguous);
        one("t_contiguous", t -> t.t().contiguous());

        put("inplace_chain", (x, a) -> List.of(x.get(0).mul(1.0).add_(x.get(1)).mul_(x.get(2))));
        put("inplace_chain_scalar", (x, a) -> List.of(x.get(0).mul(1.0).sub_(0.5).div_(4.0).clamp_(-0.1, 0.1)));
        inPlace("add_", (x, a) -> List.of(x.get(0).add_(x.get(1))));
        inPlace("add__scalar", (x, a) -> List.of(x.get(0).add_(a.get("c").asDouble())));
        inPlace("sub_", (x, a) -> List.of(x.get(0).sub_(x.get(1))));
        inPlace("sub__scalar", (x, a) -> List.of(x.get(0).sub_(a.get("c").asDouble())));
        inPlace("mul_", (x, a) -> List.of(x.get(0).mul_(x.get(1))));
        inPlace("mul__scalar", (x, a) -> List.of(x.get(0).mul_(a.get("c").asDouble())));
        inPlace("div_", (x, a) -> List.of(x.get(0).div_(x.get(1))));
        inPlace("div__scalar", (x, a) -> List.of(x.get(0).div_(a.get("c").asDouble())));
        inPlace("clamp_", (x, a) -> List.of(x.get(0).clamp_(a.get("min").asDouble(), a.get("max").asDouble())));
        inPlace("fill_", (x, a) -> List.of(x.get(0).fill_(a.get("value").asDouble())));
        inPlace("zero_", (x, a) -> List.of(x.get(0).zero_()));
        inPlace("copy_", (x, a) -> List.of(x.get(0).copy_(x.get(1))));
        inPlace("masked_fill_", (x, a) -> List.of(x.get(0).maskedFill_(x.get(1), a.get("value").asDouble())));
        inPlace("index_fill_", (x, a) -> List.of(x.get(0).index(a.get("spec").asText()).fill_(a.get("value").asDouble())));
        inPlace("index_copy_", (x, a) -> List.of(x.get(0).index(a.get("spec").asText()).copy_(x.get(1))));
        inPlace("index_add_", (x, a) -> List.of(x.get(0).index(a.get("spec").asText()).add_(x.get(1))));
        inPlace("index_mul__scalar", (x, a) -> List.of(x.get(0).index(a.get("spec").asText()).mul_(a.get("c").asDouble())));
        inPlace("index_clamp_", (x, a) -> List.of(x.get(0).index(a.get("spec").asText())
                .clamp_(a.get("min").asDouble(), a.get("max").asDouble())));
        inPlace("narrow_mul__scalar", (x, a) -> List.of(x.get(0).narrow(a.get("dim").asInt(), a.get("start").asLong(),
                a.get("length").asLong()).mul_(a.get("c").asDouble())));
        inPlace("select_zero_", (x, a) -> List.of(x.get(0).select(a.get("dim").asInt(), a.get("index").asLong()).zero_()));
        inPlace("t_add_", (x, a) -> List.of(x.get(0).t().add_(x.get(1))));
        inPlace("view_fill_", (x, a) -> List.of(x.get(0).view(-1).index(a.get("spec").asText()).fill_(a.get("value").asDouble())));
    }
}
