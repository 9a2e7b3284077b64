package dev.nabla.layers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nabla.api.DType;
import dev.nabla.api.Tensor;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Losses and activations in their numerical tails against PyTorch (golden/numerics.json): BCELoss at p exactly 0 and 1
 * and through a float32 sigmoid that rounds to 1; Softplus in both tails.
 */
class LossNumericsTest {
    @TestFactory Stream<DynamicTest> bce() {
        return NumericsGolden.cases("bce").stream().map(c -> {
            String name = "BCELoss " + c.get("input").get("dtype").asText() + " " + c.get("reduction").asText()
                    + (c.get("weight").isNull() ? "" : " weighted") + (c.get("logits").asBoolean() ? " of sigmoid(logits)" : "");
            return DynamicTest.dynamicTest(name, () -> bceCase(name, c));
        });
    }

    private static void bceCase(String name, JsonNode c) {
        Tensor x = NumericsGolden.tensor(c.get("input")).requiresGrad_();
        Tensor y = NumericsGolden.tensor(c.get("target")).requiresGrad_();
        Tensor w = c.get("weight").isNull() ? null : NumericsGolden.tensor(c.get("weight"));
        Reduction r = Reduction.valueOf(c.get("reduction").asText().toUpperCase(Locale.ROOT));
        Tensor p = c.get("logits").asBoolean() ? x.sigmoid() : x;
        Tensor out = new BCELoss(r, w).forward(p, y);
        double tol = x.dtype() == DType.FLOAT64 ? 1e-12 : 1e-5;
        NumericsGolden.assertClose(name, out, c.get("out"), tol);
        out.sum().backward();
        NumericsGolden.assertClose(name + ": input gradient", x.grad(), c.get("grad_input"), tol);
        NumericsGolden.assertClose(name + ": target gradient", y.grad(), c.get("grad_target"), tol);
    }

    /** nn.Softplus over both tails (−1000 … 1000) and around the threshold, float32 and float64, values and gradients. */
    @TestFactory Stream<DynamicTest> softplus() {
        return NumericsGolden.cases("softplus").stream().map(c -> {
            double beta = c.get("beta").asDouble(), threshold = c.get("threshold").asDouble();
            String name = "Softplus(" + beta + ", " + threshold + ") " + c.get("input").get("dtype").asText();
            return DynamicTest.dynamicTest(name, () -> {
                Tensor x = NumericsGolden.tensor(c.get("input")).requiresGrad_();
                Tensor out = new Softplus(beta, threshold).forward(x);
                double tol = x.dtype() == DType.FLOAT64 ? 1e-13 : 2.5e-7;   // relative (about 2 ulps of float32), so tails count
                NumericsGolden.assertClose(name, out, c.get("out"), tol);
                out.mul(NumericsGolden.tensor(c.get("w"))).sum().backward();
                NumericsGolden.assertClose(name + ": gradient", x.grad(), c.get("grad"), tol);
            });
        });
    }
}
