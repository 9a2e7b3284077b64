package dev.nabla.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nabla.api.DType;
import dev.nabla.api.Nabla;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Adam's one-pass update ({@link AdamUpdate}) in float32: every Adam and AdamW case of golden/optim.json (PyTorch
 * 1.13's float64 trajectories, tools/golden/make_optim_golden.py) followed within float32 rounding; and on a parameter
 * large enough to be split over threads, the same values on one thread and on two, and the same as the ND4J form
 * that a non-contiguous gradient takes.
 */
class AdamUpdateTest {
    @TestFactory Stream<DynamicTest> float32FollowsPyTorchsTrajectories() throws Exception {
        JsonNode cases;
        try (InputStream in = AdamUpdateTest.class.getResourceAsStream("/golden/optim.json")) {
            cases = new ObjectMapper().readTree(in).get("cases");
        }
        return StreamSupport.stream(cases.spliterator(), false).filter(c -> c.get("optimizer").asText().startsWith("Adam"))
                .map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                    List<Parameter> ps = List.of(new Parameter(f32(c.get("init").get(0))), new Parameter(f32(c.get("init").get(1))));
                    Optimizer opt = OptimizerGoldenTest.build(c.get("optimizer").asText(), c.get("options"), ps, c.get("group1"));
                    for (int s = 0; s < c.get("grads").size(); s++) {
                        for (int i = 0; i < 2; i++) ps.get(i).setGrad(f32(c.get("grads").get(s).get(i)));
                        opt.step();
                        for (int i = 0; i < 2; i++) {
                            double[] a = ps.get(i).toDoubleArray(), e = OptimizerGoldenTest.tensor(c.get("params").get(s).get(i)).toDoubleArray();
                            for (int k = 0; k < a.length; k++) {
                                assertThat(Math.abs(a[k] - e[k])).as("step %d param %d element %d: %s vs %s", s, i, k, a[k], e[k])
                                        .isLessThanOrEqualTo(1e-5 * Math.max(1, Math.abs(e[k])));
                            }
                        }
                    }
                }));
    }

    private static Tensor f32(JsonNode t) { return OptimizerGoldenTest.tensor(t).to(DType.FLOAT32); }

    @Test void largeParameterSameOnOneAndTwoThreadsAndAsTheNd4jForm() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (boolean amsgrad : new boolean[] {false, true}) {
                Nabla.manualSeed(3);
                Tensor init = Tensor.randn(dt, 301, 509);
                Tensor[] grads = {Tensor.randn(dt, 509, 301), Tensor.randn(dt, 509, 301)};
                int threads = Nabla.numThreads();
                double[][] r = new double[3][];
                try {
                    for (int run = 0; run < 3; run++) {
                        Nabla.setNumThreads(run == 1 ? 2 : 1);
                        Parameter p = new Parameter(init.clone().detach());
                        Optimizer opt = new AdamW(List.of(p), 1e-2, 0.9, 0.999, 1e-8, 0.05, amsgrad);
                        for (Tensor g : grads) {
                            // run 2: a transposed (non-contiguous) gradient, which the fused pass leaves to the ND4J form
                            p.setGrad(run == 2 ? g.t() : g.t().contiguous());
                            assertThat(p.grad().isContiguous()).isEqualTo(run != 2);
                            opt.step();
                        }
                        r[run] = p.toDoubleArray();
                    }
                } finally {
                    Nabla.setNumThreads(threads);
                }
                assertThat(r[1]).as(dt + " amsgrad=" + amsgrad + ": two threads").isEqualTo(r[0]);
                double tol = dt == DType.FLOAT32 ? 1e-6 : 1e-14;
                for (int k = 0; k < r[0].length; k++) {
                    assertThat(Math.abs(r[2][k] - r[0][k])).as(dt + " amsgrad=" + amsgrad + " element " + k + ": ND4J form")
                            .isLessThanOrEqualTo(tol * Math.max(1, Math.abs(r[0][k])));
                }
                assertThat(r[0]).as("the update moved the parameter").isNotEqualTo(init.toDoubleArray());
            }
        }
    }
}
