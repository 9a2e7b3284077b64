package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.factory.Nd4j;

/**
 * equal, allclose, isclose, all, any, cumsum, cumprod and the std/var refusal of integers against PyTorch
 * (src/test/resources/golden/predicates.json, written by tools/golden/make_predicates_golden.py): shapes, dtypes,
 * values, the gradients of {@code sum(out * w)}, and for the errors a message that names the op. The cumulative cases
 * run twice: with the kernel's defaults, and with blocks of 3 elements split over two threads at any size.
 */
class PredicatesGoldenTest {
    private interface Op {
        Tensor apply(List<Tensor> in, JsonNode args);
    }

    private static final Map<String, Op> OPS = new HashMap<>();

    static {
        OPS.put("equal", (x, a) -> bool(x.get(0).equal(x.get(1))));
        OPS.put("allclose", (x, a) -> bool(x.get(0).allclose(x.get(1), rtol(a), atol(a), a.path("equal_nan").asBoolean(false))));
        OPS.put("isclose", (x, a) -> x.get(0).isclose(x.get(1), rtol(a), atol(a), a.path("equal_nan").asBoolean(false)));
        OPS.put("all", (x, a) -> a.has("dim") ? x.get(0).all(a.get("dim").asInt(), keepDim(a)) : x.get(0).all());
        OPS.put("any", (x, a) -> a.has("dim") ? x.get(0).any(a.get("dim").asInt(), keepDim(a)) : x.get(0).any());
        OPS.put("cumsum", (x, a) -> x.get(0).cumsum(a.get("dim").asInt()));
        OPS.put("cumprod", (x, a) -> x.get(0).cumprod(a.get("dim").asInt()));
        OPS.put("std", (x, a) -> a.has("dim") ? x.get(0).std(a.get("dim").asInt()) : x.get(0).std());
        OPS.put("var", (x, a) -> a.has("dim") ? x.get(0).var(a.get("dim").asInt()) : x.get(0).var());
    }

    private static Tensor bool(boolean b) { return Tensor.from(Nd4j.scalar(b)); }

    private static double rtol(JsonNode a) { return a.path("rtol").asDouble(1e-5); }

    private static double atol(JsonNode a) { return a.path("atol").asDouble(1e-8); }

    private static boolean keepDim(JsonNode a) { return a.path("keepdim").asBoolean(false); }

    @TestFactory Stream<DynamicTest> goldens() {
        return Golden.cases("predicates.json").stream().map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
    }

    @TestFactory Stream<DynamicTest> cumulativeWithSmallBlocksOnTwoThreads() {
        return Golden.cases("predicates.json").stream()
                .filter(c -> c.get("op").asText().startsWith("cum"))
                .map(c -> DynamicTest.dynamicTest(c.get("name").asText() + " (block 3, 2 threads)", () -> {
                    int threads = Nabla.numThreads();
                    Scan.tuneForTests(3, 1);
                    Nabla.setNumThreads(2);
                    try {
                        check(c);
                    } finally {
                        Scan.tuneForTests(Scan.BLOCK, Scan.MIN_PER_PART);
                        Nabla.setNumThreads(threads);
                    }
                }));
    }

    private static void check(JsonNode c) {
        String name = c.get("name").asText(), id = c.get("op").asText();
        Op op = OPS.get(id);
        assertThat(op).as("%s: no Nabla call for op id '%s'", name, id).isNotNull();
        List<Tensor> in = new ArrayList<>();
        c.get("inputs").forEach(t -> in.add(Golden.tensor(t)));
        List<Tensor> leaves = List.copyOf(in);
        JsonNode args = c.get("args");
        if (args.has("pre")) {
            String pre = args.get("pre").asText();
            in.set(0, pre.equals("t") ? in.get(0).t() : in.get(0).index(pre));
        }
        if (c.get("error").asBoolean()) {
            assertThatThrownBy(() -> op.apply(in, args)).as("%s: PyTorch raises '%s'", name, c.get("message").asText())
                    .isInstanceOf(RuntimeException.class).hasMessageContaining(id);
            return;
        }
        Tensor out = op.apply(in, args);
        GoldenOpsTest.assertMatches(name + ": output", out, c.get("outputs").get(0));
        if (!c.has("grads")) {
            assertThat(out.requiresGrad()).as("%s: requires grad", name).isFalse();
            return;
        }
        out.mul(Golden.tensor(c.get("weights").get(0))).sum().backward();
        JsonNode grads = c.get("grads");
        for (int i = 0; i < in.size(); i++) {
            if (grads.get(i).isNull()) continue;
            GoldenOpsTest.assertMatches(name + ": grad of input " + i, leaves.get(i).grad(), grads.get(i));
        }
    }
}
