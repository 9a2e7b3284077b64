package dev.nabla.layers.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nabla.api.DType;
import dev.nabla.api.Function;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The fused cross-entropy against PyTorch (golden/cross_entropy_kernel.json, tools/golden/make_cross_entropy_kernel_golden.py): the
 * loss and the logits' gradient, float32 and float64, contiguous logits and logits that are a transposed view of
 * their storage, on one thread and on two (the same loss to the last bit).
 */
class CrossEntropyKernelTest {
    @TestFactory Stream<DynamicTest> goldens() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases()) {
            for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                for (boolean transposed : new boolean[] {false, true}) {
                    String name = c.get("name").asText() + " " + dt + (transposed ? " transposed storage" : "");
                    tests.add(DynamicTest.dynamicTest(name, () -> check(c, dt, transposed, name)));
                }
            }
        }
        return tests.stream();
    }

    private static void check(JsonNode c, DType dt, boolean transposed, String name) {
        long[] shape = longs(c.get("logits").get("shape"));
        double[] data = doubles(c.get("logits").get("data"));
        Tensor stored = Tensor.of(DType.FLOAT64, data).to(dt).view(shape);
        Tensor logits = (transposed ? stored.t().contiguous().t() : stored).detach().requiresGrad_();
        assertThat(logits.isContiguous()).isEqualTo(!transposed || shape[0] == 1 || shape[1] == 1);
        long[] tv = new long[c.get("target").size()];
        for (int i = 0; i < tv.length; i++) tv[i] = c.get("target").get(i).asLong();
        Tensor target = Tensor.of(tv);
        long ignore = c.get("ignore_index").asLong();
        double tol = dt == DType.FLOAT32 ? 2e-5 : 1e-11;
        int threads = Nabla.numThreads();
        double[] losses = new double[2];
        try {
            for (int k = 0; k < 2; k++) {
                Nabla.setNumThreads(k + 1);
                Tensor loss = Function.apply(new CrossEntropyFunction(ignore), logits, target);
                losses[k] = loss.item();
                assertThat(loss.dtype()).as(name).isEqualTo(dt);
                assertThat(loss.item()).as(name + " loss").isCloseTo(c.get("loss").asDouble(), Offset.offset(tol * (1 + Math.abs(c.get("loss").asDouble()))));
                logits.setGrad(null);
                loss.mul(c.get("w").asDouble()).backward();
                double[] g = logits.grad().toDoubleArray(), e = doubles(c.get("grad").get("data"));
                for (int i = 0; i < e.length; i++) {
                    assertThat(g[i]).as(name + " grad " + i).isCloseTo(e[i], Offset.offset(tol * (1 + Math.abs(e[i]))));
                }
            }
        } finally {
            Nabla.setNumThreads(threads);
        }
        assertThat(losses[1]).as(name + ": the same loss on one thread and on two").isEqualTo(losses[0]);
    }

    private static JsonNode cases() throws Exception {
        try (InputStream in = CrossEntropyKernelTest.class.getResourceAsStream("/golden/cross_entropy_kernel.json")) {
            if (in == null) throw new IllegalStateException("missing /golden/cross_entropy_kernel.json; run tools/golden/make_cross_entropy_kernel_golden.py");
            return new ObjectMapper().readTree(in).get("cases");
        }
    }

    private static long[] longs(JsonNode a) {
        long[] r = new long[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asLong();
        return r;
    }

    private static double[] doubles(JsonNode a) {
        double[] r = new double[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asDouble();
        return r;
    }
}
