package dev.nabla.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nabla.api.DType;
import dev.nabla.api.GradCheck;
import dev.nabla.api.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Cross-entropy with class-probability targets (a float target of the input's shape) against PyTorch 1.13
 * (src/test/resources/golden/cross_entropy.json, tools/golden/make_cross_entropy_golden.py): value and gradients of
 * logits and target, through F.crossEntropy and the CrossEntropyLoss module; finite differences; and the errors and
 * hints for a target of the wrong kind.
 */
class CrossEntropyProbTargetTest {
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private static List<JsonNode> cases() throws IOException {
        try (InputStream in = CrossEntropyProbTargetTest.class.getResourceAsStream("/golden/cross_entropy.json")) {
            assertThat(in).as("golden/cross_entropy.json; run /usr/bin/python3 tools/golden/make_cross_entropy_golden.py").isNotNull();
            List<JsonNode> r = new ArrayList<>();
            JSON.readTree(in).get("cases").forEach(r::add);
            return r;
        }
    }

    private static Tensor tensor(JsonNode t) {
        double[] data = new double[t.get("data").size()];
        for (int i = 0; i < data.length; i++) data[i] = t.get("data").get(i).asDouble();
        long[] shape = new long[t.get("shape").size()];
        for (int i = 0; i < shape.length; i++) shape[i] = t.get("shape").get(i).asLong();
        DType dtype = DType.valueOf(t.get("dtype").asText().toUpperCase(Locale.ROOT));
        return Tensor.of(DType.FLOAT64, data).to(dtype).reshape(shape).contiguous();
    }

    @TestFactory Stream<DynamicTest> goldens() throws IOException {
        return cases().stream().flatMap(c -> Stream.of(
                DynamicTest.dynamicTest(c.get("name").asText() + " (F.crossEntropy)", () -> check(c, false)),
                DynamicTest.dynamicTest(c.get("name").asText() + " (CrossEntropyLoss)", () -> check(c, true))));
    }

    private static void check(JsonNode c, boolean module) {
        String name = c.get("name").asText();
        JsonNode args = c.get("args");
        Reduction r = Reduction.valueOf(args.get("reduction").asText().toUpperCase(Locale.ROOT));
        double smoothing = args.get("label_smoothing").asDouble();
        Tensor weight = args.get("weight").isNull() ? null : tensor(args.get("weight"));
        Tensor logits = tensor(c.get("inputs").get("logits")).requiresGrad_();
        Tensor target = tensor(c.get("inputs").get("target")).requiresGrad_();
        Tensor out = module
                ? new CrossEntropyLoss(CrossEntropyLoss.Options.DEFAULT.withWeight(weight).withLabelSmoothing(smoothing).withReduction(r))
                        .forward(logits, target)
                : F.crossEntropy(logits, target, weight, -100, smoothing, r);
        double tol = out.dtype() == DType.FLOAT64 && logits.dtype() == DType.FLOAT64 && target.dtype() == DType.FLOAT64 ? 1e-10 : 1e-5;
        assertClose(name + ": loss", out, c.get("out"), tol);
        out.mul(tensor(c.get("w"))).sum().backward();
        assertClose(name + ": gradient of the logits", logits.grad(), c.get("grads").get("logits"), tol);
        assertClose(name + ": gradient of the target", target.grad(), c.get("grads").get("target"), tol);
    }

    private static void assertClose(String what, Tensor actual, JsonNode expected, double tol) {
        assertThat(actual).as("%s: missing", what).isNotNull();
        assertThat(actual.dtype().toString()).as("%s: dtype", what).isEqualTo("torch." + expected.get("dtype").asText());
        assertThat(actual.shape()).as("%s: shape", what).isEqualTo(tensor(expected).shape());
        double[] got = actual.toDoubleArray(), want = tensor(expected).to(DType.FLOAT64).toDoubleArray();
        for (int i = 0; i < want.length; i++) {
            assertThat(Math.abs(got[i] - want[i])).as("%s [%d]: %s vs PyTorch %s", what, i, got[i], want[i])
                    .isLessThanOrEqualTo(tol * (1 + Math.abs(want[i])));
        }
    }

    // ---------------------------------------------------------------- finite differences

    private static Tensor leaf(long... shape) { return Tensor.randn(DType.FLOAT64, shape).requiresGrad_(); }

    private static Tensor probabilities(long... shape) { return F.softmax(Tensor.randn(DType.FLOAT64, shape), 1).requiresGrad_(); }

    @Test void gradCheckMean() {
        GradCheck.check(in -> F.crossEntropy(in.get(0), in.get(1)), leaf(4, 3), probabilities(4, 3));
    }

    @Test void gradCheckWeightedSmoothedSpatialNone() {
        Tensor w = Tensor.of(DType.FLOAT64, 0.5, 2.0, 1.25);
        GradCheck.check(in -> F.crossEntropy(in.get(0), in.get(1), w, -100, 0.2, Reduction.NONE), leaf(2, 3, 2, 2), probabilities(2, 3, 2, 2));
    }

    @Test void gradCheckSumWithWeightGradient() {
        GradCheck.check(in -> F.crossEntropy(in.get(0), in.get(1), in.get(2), -100, 0.1, Reduction.SUM),
                leaf(3, 4), probabilities(3, 4), Tensor.rand(DType.FLOAT64, 4).add(0.5).requiresGrad_());
    }

    // ---------------------------------------------------------------- wrong kinds of target

    private static final Tensor LOGITS = Tensor.randn(3, 4);

    @Test void wholeNumberFloatIndicesAreRefusedWithTheCast() {
        assertThatThrownBy(() -> F.crossEntropy(LOGITS, Tensor.of(1.0, 2.0, 0.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CrossEntropyLoss")
                .hasMessageContaining("expected class-index targets of an integer dtype (int64), got torch.float32 of shape [3], all whole numbers")
                .hasMessageContaining("target.to(DType.INT64)")
                .hasMessageContaining("class probabilities as a float target of the input's shape [3, 4]");
    }

    @Test void fractionalFloatTargetOfShapeNIsRefused() {
        assertThatThrownBy(() -> F.crossEntropy(LOGITS, Tensor.of(0.5, 2.0, 0.0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got torch.float32 of shape [3];")
                .hasMessageNotContaining("whole numbers");
    }

    @Test void oneHotIntegerTargetGetsTheHint() {
        Tensor oneHot = Tensor.of(new long[] {0, 1, 0, 0}, new long[] {1, 0, 0, 0}, new long[] {0, 0, 0, 1});
        assertThatThrownBy(() -> F.crossEntropy(LOGITS, oneHot))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CrossEntropyLoss: got a torch.int64 target of the input's shape [3, 4]")
                .hasMessageContaining("target looks one-hot; pass target.argmax(1) for class indices of shape [3]")
                .hasMessageContaining("or a float target (target.to(DType.FLOAT32)) as class probabilities");
        assertThatThrownBy(() -> new CrossEntropyLoss().forward(LOGITS, oneHot)).hasMessageContaining("target looks one-hot");
    }

    @Test void integerTargetOfTheInputsShapeThatIsNotOneHotMustBeFloat() {
        Tensor counts = Tensor.of(new long[] {0, 2, 0, 0}, new long[] {1, 0, 0, 0}, new long[] {0, 0, 0, 1});
        assertThatThrownBy(() -> F.crossEntropy(LOGITS, counts))
                .hasMessageContaining("holds class probabilities and must be floating point")
                .hasMessageContaining("pass target.to(DType.FLOAT32), or class indices of shape [3]");
    }

    @Test void nllLossGivenOneHotOrProbabilitiesPointsToTheFix() {
        Tensor logp = F.logSoftmax(LOGITS, 1);
        Tensor oneHot = Tensor.of(new float[] {0, 1, 0, 0}, new float[] {1, 0, 0, 0}, new float[] {0, 0, 0, 1});
        assertThatThrownBy(() -> F.nllLoss(logp, oneHot))
                .hasMessageContaining("NLLLoss: got a torch.float32 target of the input's shape [3, 4]; target looks one-hot; pass target.argmax(1)");
        assertThatThrownBy(() -> F.nllLoss(logp, F.softmax(LOGITS, 1)))
                .hasMessageContaining("NLLLoss takes class indices of shape [3]; for class probabilities use CrossEntropyLoss");
    }

    @Test void ignoreIndexIsRefusedForProbabilities() {
        assertThatThrownBy(() -> F.crossEntropy(LOGITS, F.softmax(LOGITS, 1), null, 1, 0, Reduction.MEAN))
                .hasMessageContaining("CrossEntropyLoss: ignore_index (1) is not supported for class-probability targets");
    }

    @Test void weightOfTheWrongSizeIsRefusedForProbabilities() {
        assertThatThrownBy(() -> F.crossEntropy(LOGITS, F.softmax(LOGITS, 1), Tensor.ones(3), -100, 0, Reduction.MEAN))
                .hasMessageContaining("CrossEntropyLoss: expected a weight of shape [4] (one per class), got [3]");
    }

    @Test void floatTargetOfAnotherShapeIsRefused() {
        assertThatThrownBy(() -> F.crossEntropy(LOGITS, Tensor.rand(3, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CrossEntropyLoss")
                .hasMessageContaining("[3, 5]");
    }

    @Test void emptyBatchMeanIsNan() {
        assertThat(F.crossEntropy(Tensor.zeros(0, 4), Tensor.zeros(0, 4)).item()).isNaN();
    }
}
