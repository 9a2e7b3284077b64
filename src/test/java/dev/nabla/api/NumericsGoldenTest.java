package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Nabla's numerics against PyTorch (src/test/resources/golden/numerics.json, written by
 * tools/golden/make_numerics_golden.py): every scalar overload of Tensor over NaN, ±inf, −0.0, subnormals and
 * float32 overflow, values (NaN for NaN, the sign of zeros) and gradients.
 */
class NumericsGoldenTest {
    private static final Map<String, BiFunction<Tensor, Double, Tensor>> SCALAR_OPS = Map.ofEntries(
            Map.entry("add", Tensor::add), Map.entry("sub", Tensor::sub), Map.entry("rsub", Tensor::rsub),
            Map.entry("mul", Tensor::mul), Map.entry("div", Tensor::div), Map.entry("rdiv", Tensor::rdiv),
            Map.entry("pow", Tensor::pow), Map.entry("eq", Tensor::eq), Map.entry("ne", Tensor::ne), Map.entry("gt", Tensor::gt),
            Map.entry("ge", Tensor::ge), Map.entry("lt", Tensor::lt), Map.entry("le", Tensor::le),
            Map.entry("clampMin", (x, c) -> x.clamp(c, Double.POSITIVE_INFINITY)),
            Map.entry("clampMax", (x, c) -> x.clamp(Double.NEGATIVE_INFINITY, c)),
            Map.entry("maskedFill", (x, c) -> x.maskedFill(Tensor.of(true, false, true, false), c)),
            Map.entry("addAlpha", (x, c) -> x.add(x.dtype().isFloatingPoint() ? Tensor.of(x.dtype(), 1, -1, 2, 0) : Tensor.of(1, -1, 2, 0), c)));

    /** The in-place form of an op, where Nabla has one; tried on float tensors (PyTorch refuses int64 → float in place). */
    private static final Map<String, BiFunction<Tensor, Double, Tensor>> IN_PLACE = Map.of(
            "add", Tensor::add_, "sub", Tensor::sub_, "mul", Tensor::mul_, "div", Tensor::div_,
            "clampMin", (x, c) -> x.clamp_(c, Double.POSITIVE_INFINITY), "clampMax", (x, c) -> x.clamp_(Double.NEGATIVE_INFINITY, c),
            "maskedFill", (x, c) -> x.maskedFill_(Tensor.of(true, false, true, false), c));

    @TestFactory Stream<DynamicTest> scalars() {
        return Golden.cases("numerics.json", "scalars").stream()
                .filter(c -> !c.has("error") || c.get("op").asText().equals("pow"))   // see the note below
                .map(c -> {
                    String name = c.get("op").asText() + "(" + c.get("scalar").asDouble() + ") on " + c.get("input").get("dtype").asText();
                    return DynamicTest.dynamicTest(name, () -> scalarCase(name, c));
                });
    }
    // PyTorch's other refusals (a float alpha for an int64 tensor, a maskedFill or clamp value that overflows the dtype)
    // are not checked: Nabla converts there instead.

    private static void scalarCase(String name, JsonNode c) {
        String op = c.get("op").asText();
        double s = c.get("scalar").asDouble();
        if (c.has("error")) {
            assertThatThrownBy(() -> SCALAR_OPS.get(op).apply(Golden.tensor(c.get("input")), s)).as(name)
                    .isInstanceOf(IllegalArgumentException.class);
            return;
        }
        Tensor x = Golden.tensor(c.get("input"));
        if (c.has("grad")) x.requiresGrad_();
        Tensor out = SCALAR_OPS.get(op).apply(x, s);
        assertSame(name, out, c.get("out"));
        if (c.has("grad")) {
            out.sum().backward();
            assertSame(name + " gradient", x.grad(), c.get("grad"));
        }
        if (IN_PLACE.containsKey(op) && x.dtype().isFloatingPoint()) {
            Tensor y = Golden.tensor(c.get("input"));
            assertThat(IN_PLACE.get(op).apply(y, s)).isSameAs(y);
            assertSame(name + " in place", y, c.get("out"));
        }
    }

    private static final Map<String, java.util.function.UnaryOperator<Tensor>> IN_PLACE_FORMS = Map.ofEntries(
            Map.entry("neg_", Tensor::neg_), Map.entry("exp_", Tensor::exp_), Map.entry("log_", b -> b.abs_().log_()),
            Map.entry("sqrt_", b -> b.abs_().sqrt_()), Map.entry("abs_", Tensor::abs_), Map.entry("sign_", Tensor::sign_),
            Map.entry("sin_", Tensor::sin_), Map.entry("cos_", Tensor::cos_), Map.entry("tanh_", Tensor::tanh_),
            Map.entry("sigmoid_", Tensor::sigmoid_), Map.entry("relu_", Tensor::relu_), Map.entry("pow_", b -> b.pow_(3.0)),
            Map.entry("clamp_", b -> b.clamp_(-0.5, 0.7)), Map.entry("transpose_", b -> b.transpose_(0, 1)), Map.entry("t_", Tensor::t_),
            Map.entry("squeeze_", b -> b.unsqueeze_(0).squeeze_()), Map.entry("unsqueeze_", b -> b.unsqueeze_(1)),
            Map.entry("transpose_ then exp_", b -> b.transpose_(1, 0).exp_()));

    /** b = a · 1, then b's in-place op: b itself comes back with PyTorch's values, version and gradient for a. */
    @TestFactory Stream<DynamicTest> inPlaceForms() {
        return Golden.cases("numerics.json", "inplace").stream().map(c -> DynamicTest.dynamicTest(c.get("op").asText(), () -> {
            String name = c.get("op").asText();
            Tensor a = Golden.tensor(c.get("input")).requiresGrad_();
            Tensor b = a.mul(1.0);
            assertThat(IN_PLACE_FORMS.get(name).apply(b)).as(name).isSameAs(b);
            assertSame(name, b, c.get("out"));
            assertThat(b.version()).as("%s: version", name).isEqualTo(c.get("version").asInt());
            b.mul(Golden.tensor(c.get("w"))).sum().backward();
            assertSame(name + " gradient", a.grad(), c.get("grad"), false);   // ReLU's float64 backward gives −0.0 for g < 0
        }));
    }

    /**
     * Values as PyTorch's: NaN where it has NaN, infinities and the sign of zeros alike, others within a few ulps
     * of the dtype.
     */
    static void assertSame(String name, Tensor actual, JsonNode expected) {
        assertSame(name, actual, expected, true);
    }

    /** As {@link #assertSame(String, Tensor, JsonNode)}; {@code zeroSign} false lets −0.0 stand for 0.0 (gradients). */
    static void assertSame(String name, Tensor actual, JsonNode expected, boolean zeroSign) {
        assertThat(actual.dtype()).as("%s: dtype", name).isEqualTo(Golden.dtype(expected.get("dtype").asText()));
        assertThat(actual.shape().toArray()).as("%s: shape", name).containsExactly(Golden.longs(expected.get("shape")));
        double[] a = actual.toDoubleArray(), e = Golden.doubles(expected.get("data"));
        double tol = actual.dtype() == DType.FLOAT64 ? 1e-13 : 1e-6;
        for (int i = 0; i < e.length; i++) {
            boolean ok = Double.isNaN(e[i]) ? Double.isNaN(a[i])
                    : e[i] == 0 && !zeroSign ? a[i] == 0
                    : e[i] == 0 || Double.isInfinite(e[i]) ? Double.compare(a[i], e[i]) == 0
                    : Math.abs(a[i] - e[i]) <= tol * Math.abs(e[i]);
            assertThat(ok).as("%s: element %d is %s, PyTorch gives %s (all: %s)", name, i, a[i], e[i], java.util.Arrays.toString(a)).isTrue();
        }
    }
}
