package dev.nabla.layers.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nabla.api.DType;
import dev.nabla.api.Tensor;
import dev.nabla.layers.F;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * GELU, softmax and log-softmax against PyTorch computing in the same dtype (src/test/resources/golden/activations.json,
 * written by tools/golden/make_activations_golden.py): float32 through FastMath's exp and erf, float64 through the
 * double paths, over ±0, NaN, ±inf, subnormals, large |x|, tails, a fine grid and lengths that are not multiples of a
 * vector width; softmax over every dim of a 4-d tensor, with masked (−inf) entries and large logits, and along rows
 * longer than a chunk; each on a contiguous input and on a non-contiguous view of the same values, on the fallback
 * loops and, when the JVM has jdk.incubator.vector, on the Vector API path ({@link Vec}).
 *
 * <p>An element passes when NaN and ±inf match exactly and otherwise |actual − torch| is within {@code ulps} units in
 * the last place of torch's value or within {@code abs}·scale: where 1 + erf(x/√2), x − max − log Σ or g − Σ g·y
 * cancel, both sides only have absolute precision. The scale is max(1, |x|) for GELU's output, max(1, |x|, |y|) for
 * log-softmax's, 1 for softmax's, max(1, |g|) for a gradient, and for softmax's gradients also √S (S the size of the
 * softmax dim: PyTorch sums in float). The worst errors are printed.
 */
class ActivationGoldenTest {
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private static JsonNode golden() throws IOException {
        try (InputStream in = ActivationGoldenTest.class.getResourceAsStream("/golden/activations.json")) {
            if (in == null) throw new IllegalStateException("missing /golden/activations.json; run tools/golden/make_activations_golden.py");
            return JSON.readTree(in);
        }
    }

    private static double[] doubles(JsonNode a) { return StreamSupport.stream(a.spliterator(), false).mapToDouble(JsonNode::asDouble).toArray(); }

    private static long[] longs(JsonNode a) { return StreamSupport.stream(a.spliterator(), false).mapToLong(JsonNode::asLong).toArray(); }

    /** Tolerances per op, dtype and quantity: {ulps, abs}. */
    private static double[] tolerance(String op, DType dtype, boolean grad) {
        if (dtype == DType.FLOAT64) return new double[] {64, 1e-14};
        return switch (op) {
            case "gelu" -> grad ? new double[] {4, 4e-7} : new double[] {4, 2.5e-7};
            case "softmax" -> grad ? new double[] {4, 2e-7} : new double[] {4, 2e-7};
            default -> grad ? new double[] {4, 2e-7} : new double[] {4, 2e-7};
        };
    }

    @TestFactory Stream<DynamicTest> matchesPyTorchInEachDtype() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        int index = 0;
        for (JsonNode c : golden().get("cases")) {
            String label = "#" + index++ + " " + c.get("op").asText() + " " + c.get("dtype").asText() + " " + c.get("args") + " x"
                    + c.get("x").get("shape");
            for (boolean strided : new boolean[] {false, true}) {
                for (boolean vector : Vec.modes()) {
                    String name = label + (strided ? " strided" : "") + (vector ? " vector-api" : "");
                    tests.add(DynamicTest.dynamicTest(name, () -> {
                        boolean previous = Vec.useForTests(vector);
                        try {
                            check(c, strided, name);
                        } finally {
                            Vec.useForTests(previous);
                        }
                    }));
                }
            }
        }
        return tests.stream();
    }

    private static void check(JsonNode c, boolean strided, String name) {
        DType dtype = c.get("dtype").asText().equals("float32") ? DType.FLOAT32 : DType.FLOAT64;
        String op = c.get("op").asText();
        long[] shape = longs(c.get("x").get("shape"));
        double[] xs = doubles(c.get("x").get("data")), gs = doubles(c.get("g"));
        long[] runShape = shape.length >= 2 ? shape : matrix(xs.length);   // a 1-d input runs as a matrix, to be viewed transposed
        Tensor x = Tensor.of(DType.FLOAT64, xs).to(dtype).reshape(runShape);
        Tensor leaf, input;
        if (strided) {
            leaf = x.transpose(-1, -2).contiguous().requiresGrad_();
            input = leaf.transpose(-1, -2);
            if (runShape[runShape.length - 1] > 1 && runShape[runShape.length - 2] > 1) {
                assertThat(input.isContiguous()).as(name + ": input is a strided view").isFalse();
            }
        } else {
            leaf = x.requiresGrad_();
            input = leaf;
        }
        Tensor y = switch (op) {
            case "gelu" -> F.gelu(input, c.get("args").get("approximate").asText());
            case "softmax" -> F.softmax(input, c.get("args").get("dim").asInt());
            case "log_softmax" -> F.logSoftmax(input, c.get("args").get("dim").asInt());
            default -> throw new IllegalArgumentException("unknown op " + op);
        };
        assertThat(y.dtype()).as(name + " output dtype").isEqualTo(dtype);
        y.backward(Tensor.of(DType.FLOAT64, gs).to(dtype).reshape(runShape));
        Tensor dx = strided ? leaf.grad().transpose(-1, -2) : leaf.grad();
        assertThat(dx.dtype()).as(name + " gradient dtype").isEqualTo(dtype);
        double[] ys = doubles(c.get("y"));
        double softmaxDim = op.equals("gelu") ? 1 : Math.sqrt(shape[Math.floorMod(c.get("args").get("dim").asInt(), shape.length)]);
        double[] outScale = new double[xs.length], gradScale = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            outScale[i] = switch (op) {
                case "gelu" -> Math.max(1, Math.abs(xs[i]));
                case "log_softmax" -> Math.max(1, Math.max(Math.abs(xs[i]), Math.abs(ys[i])));
                default -> 1;
            };
            gradScale[i] = Math.max(1, Math.abs(gs[i])) * softmaxDim;
        }
        compare(name + " output", dtype, tolerance(op, dtype, false), y.contiguous().toDoubleArray(), ys, outScale);
        compare(name + " gradient", dtype, tolerance(op, dtype, true), dx.contiguous().toDoubleArray(), doubles(c.get("dx")), gradScale);
    }

    /** [f, n/f] with f the smallest factor of n above 1 (n prime: [1, n], still strided once transposed). */
    private static long[] matrix(int n) {
        for (int f = 2; (long) f * f <= n; f++) if (n % f == 0) return new long[] {f, n / f};
        return new long[] {1, n};
    }

    private static void compare(String what, DType dtype, double[] tol, double[] a, double[] e, double[] scale) {
        assertThat(a.length).as(what + " length").isEqualTo(e.length);
        double worstUlp = 0, worstAbs = 0;
        int bad = -1;
        for (int i = 0; i < a.length; i++) {
            if (Double.isNaN(e[i]) || Double.isInfinite(e[i])) {
                if (!(Double.isNaN(e[i]) ? Double.isNaN(a[i]) : a[i] == e[i]) && bad < 0) bad = i;
                continue;
            }
            double err = Math.abs(a[i] - e[i]);
            double ulps = err / (dtype == DType.FLOAT32 ? Math.ulp((float) e[i]) : Math.ulp(e[i])), abs = err / scale[i];
            if (Math.abs(e[i]) >= (dtype == DType.FLOAT32 ? 1e-30 : 1e-300)) worstUlp = Math.max(worstUlp, Math.min(ulps, 1e9));
            worstAbs = Math.max(worstAbs, abs);
            if (!(ulps <= tol[0] || abs <= tol[1]) && bad < 0) bad = i;
        }
        System.out.printf("%s: worst %.2f ulp (where |torch| >= 1e-30), worst absolute error / scale %.3g%n", what, worstUlp, worstAbs);
        assertThat(bad).as(what + ": first element beyond " + tol[0] + " ulp and " + tol[1] + " absolute times its scale: "
                + (bad >= 0 ? "index " + bad + ", " + a[bad] + " vs torch " + e[bad] + " (scale " + scale[bad] + ")" : "")).isEqualTo(-1);
    }
}
