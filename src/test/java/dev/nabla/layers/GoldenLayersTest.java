package dev.nabla.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nabla.api.DType;
import dev.nabla.api.Module;
import dev.nabla.api.Parameter;
import dev.nabla.api.Safetensors;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers and losses against PyTorch 1.13 (golden/layers.json, made by
 * {@code /usr/bin/python3 tools/golden/make_layers_golden.py}): outputs, input and parameter
 * gradients, running statistics, reprs, and a state dict PyTorch wrote as safetensors.
 */
class GoldenLayersTest {
    /** Relative tolerance (|a − e| ≤ TOL·max(1, |e|)) for float64 values and gradients. */
    private static final double TOL = 1e-10;
    /** For the float32 checkpoint: PyTorch's and ND4J's float32 sums differ in the last bits. */
    private static final double FLOAT32_TOL = 1e-5;

    private static final Map<String, Function<JsonNode, Module>> BUILD = new LinkedHashMap<>();

    static {
        BUILD.put("Linear", c -> new Linear(arg(c, "in").asInt(), arg(c, "out").asInt(), arg(c, "bias").asBoolean()));
        BUILD.put("ReLU", c -> new ReLU());
        BUILD.put("LeakyReLU", c -> new LeakyReLU(arg(c, "negative_slope").asDouble()));
        BUILD.put("ELU", c -> new ELU(arg(c, "alpha").asDouble()));
        BUILD.put("GELU", c -> new GELU());
        BUILD.put("Tanh", c -> new Tanh());
        BUILD.put("Sigmoid", c -> new Sigmoid());
        BUILD.put("Softplus", c -> new Softplus(arg(c, "beta").asDouble(), arg(c, "threshold").asDouble()));
        BUILD.put("Softmax", c -> new Softmax(arg(c, "dim").asInt()));
        BUILD.put("LogSoftmax", c -> new LogSoftmax(arg(c, "dim").asInt()));
        BUILD.put("Identity", c -> new Identity());
        BUILD.put("Dropout", c -> new Dropout(arg(c, "p").asDouble()));
        BUILD.put("Dropout2d", c -> new Dropout2d(arg(c, "p").asDouble()));
        BUILD.put("Flatten", c -> new Flatten(arg(c, "start_dim").asInt(), arg(c, "end_dim").asInt()));
        BUILD.put("Unflatten", c -> new Unflatten(arg(c, "dim").asInt(), longs(arg(c, "sizes"))));
        BUILD.put("BatchNorm1d", c -> new BatchNorm1d(arg(c, "num_features").asInt(), bnOptions(c)));
        BUILD.put("BatchNorm2d", c -> new BatchNorm2d(arg(c, "num_features").asInt(), bnOptions(c)));
        BUILD.put("LayerNorm", c -> new LayerNorm(longs(arg(c, "shape")), c.get("args").path("eps").asDouble(1e-5),
                c.get("args").path("elementwise_affine").asBoolean(true)));
        BUILD.put("Embedding", c -> new Embedding(arg(c, "num").asInt(), arg(c, "dim").asInt(),
                c.get("args").has("padding_idx") ? arg(c, "padding_idx").asInt() : null));
        BUILD.put("MSELoss", c -> new MSELoss(reduction(c)));
        BUILD.put("L1Loss", c -> new L1Loss(reduction(c)));
        BUILD.put("SmoothL1Loss", c -> new SmoothL1Loss(reduction(c), arg(c, "beta").asDouble()));
        BUILD.put("CrossEntropyLoss", c -> new CrossEntropyLoss(CrossEntropyLoss.Options.DEFAULT.withReduction(reduction(c))
                .withWeight(extra(c, "weight")).withIgnoreIndex(c.get("args").path("ignore_index").asLong(-100))
                .withLabelSmoothing(c.get("args").path("label_smoothing").asDouble(0))));
        BUILD.put("NLLLoss", c -> new NLLLoss(extra(c, "weight"), c.get("args").path("ignore_index").asLong(-100), reduction(c)));
        BUILD.put("BCELoss", c -> new BCELoss(reduction(c), extra(c, "weight")));
        BUILD.put("BCEWithLogitsLoss", c -> new BCEWithLogitsLoss(reduction(c), extra(c, "weight"), extra(c, "pos_weight")));
        BUILD.put("HingeLoss", c -> new HingeLoss(reduction(c)));
    }

    private static JsonNode arg(JsonNode c, String name) {
        JsonNode v = c.get("args").get(name);
        assertThat(v).as(c.get("name").asText() + ": argument " + name).isNotNull();
        return v;
    }

    private static Reduction reduction(JsonNode c) { return Reduction.valueOf(arg(c, "reduction").asText().toUpperCase(Locale.ROOT)); }

    private static Tensor extra(JsonNode c, String name) { return c.get("extras").has(name) ? tensor(c.get("extras").get(name)) : null; }

    private static BatchNormOptions bnOptions(JsonNode c) {
        JsonNode a = c.get("args");
        return BatchNormOptions.DEFAULT.withEps(a.path("eps").asDouble(1e-5)).withMomentum(a.has("momentum") && a.get("momentum").isNull() ? null : a.path("momentum").asDouble(0.1))
                .withAffine(a.path("affine").asBoolean(true)).withTrackRunningStats(a.path("track_running_stats").asBoolean(true));
    }

    private static long[] longs(JsonNode a) { return StreamSupport.stream(a.spliterator(), false).mapToLong(JsonNode::asLong).toArray(); }

    static JsonNode golden() throws IOException {
        try (InputStream in = GoldenLayersTest.class.getResourceAsStream("/golden/layers.json")) {
            assertThat(in).as("golden/layers.json; regenerate with /usr/bin/python3 tools/golden/make_layers_golden.py").isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }

    static Tensor tensor(JsonNode t) {
        long[] shape = longs(t.get("shape"));
        double[] data = StreamSupport.stream(t.get("data").spliterator(), false).mapToDouble(JsonNode::asDouble).toArray();
        Tensor x = Tensor.of(DType.FLOAT64, data);
        if ("int64".equals(t.path("dtype").asText())) x = x.to(DType.INT64);
        return x.reshape(shape);
    }

    private static Map<String, Tensor> tensors(JsonNode node) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), tensor(e.getValue())));
        return out;
    }

    /** Elementwise |actual − expected| ≤ tol · max(1, |expected|). */
    static void assertClose(Tensor actual, Tensor expected, double tol, String what) {
        assertThat(actual).as(what + " is missing").isNotNull();
        assertThat(actual.shape()).as(what + " shape").isEqualTo(expected.shape());
        double[] a = actual.toDoubleArray(), e = expected.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as(what + " at flat index " + i).isCloseTo(e[i], within(tol * Math.max(1, Math.abs(e[i]))));
        }
    }

    @TestFactory Stream<DynamicTest> layersAndLossesMatchPyTorch() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : golden().get("cases")) {
            String name = c.get("name").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Function<JsonNode, Module> build = BUILD.get(c.get("op").asText());
                assertThat(build).as("no Nabla builder for op " + c.get("op")).isNotNull();
                Module m = build.apply(c).to(DType.FLOAT64);
                m.loadStateDict(tensors(c.get("state")), true);
                m.train(c.get("train").asBoolean());
                List<Tensor> in = new ArrayList<>();
                for (JsonNode t : c.get("inputs")) {
                    Tensor x = tensor(t);
                    in.add(x.dtype() == DType.FLOAT64 && in.isEmpty() ? x.requiresGrad_() : x);
                }
                Tensor out = m.forward(in.toArray(new Tensor[0]));
                assertClose(out, tensor(c.get("out")), TOL, name + ": output");
                out.mul(tensor(c.get("w"))).sum().backward();
                Map<String, Parameter> params = m.namedParameters();
                c.get("grads").fields().forEachRemaining(g -> {
                    Tensor actual = g.getKey().equals("input") ? in.get(0).grad() : params.get(g.getKey()).grad();
                    assertClose(actual, tensor(g.getValue()), TOL, name + ": gradient of " + g.getKey());
                });
                Map<String, Tensor> after = m.stateDict();
                assertThat(after.keySet()).as(name + ": state dict keys").containsExactlyElementsOf(tensors(c.get("state_after")).keySet());
                tensors(c.get("state_after")).forEach((k, v) -> assertClose(after.get(k), v, TOL, name + ": " + k + " after the forward"));
            }));
        }
        return tests.stream();
    }

    @Test void everyBuilderHasAGoldenCase() throws IOException {
        List<String> ops = new ArrayList<>();
        for (JsonNode c : golden().get("cases")) ops.add(c.get("op").asText());
        assertThat(ops).containsAll(BUILD.keySet());
    }

    private static final Map<String, Supplier<Module>> REPRS = Map.of(
            "mlp", () -> new Sequential(new Linear(784, 128), new ReLU(), new Dropout(0.2), new BatchNorm1d(128), new LeakyReLU(0.2),
                    new ELU(), new Softplus(), new LogSoftmax(1)),
            "activations", () -> new Sequential(new GELU(), new Tanh(), new Sigmoid(), new Softmax(1), new Identity(), new LeakyReLU(),
                    new Dropout2d(0.3)),
            "shapes", () -> new Sequential(new Flatten(), new Unflatten(1, 1, 28, 28), new Linear(3, 2, false)),
            "norms", () -> new Sequential(new BatchNorm2d(32),
                    new BatchNorm1d(8, BatchNormOptions.DEFAULT.withEps(1e-3).withMomentum(0.01).withAffine(false).withTrackRunningStats(false)),
                    new BatchNorm1d(4, BatchNormOptions.DEFAULT.withMomentum(null)),
                    new LayerNorm(10), new LayerNorm(new long[] {3, 4}, 1e-6, false)),
            "embeddings", () -> new Sequential(new Embedding(10, 3), new Embedding(10, 3, -1)),
            "losses", () -> new Sequential(new MSELoss(), new L1Loss(Reduction.SUM), new SmoothL1Loss(),
                    new CrossEntropyLoss(CrossEntropyLoss.Options.DEFAULT.withLabelSmoothing(0.1)), new NLLLoss(), new BCELoss(),
                    new BCEWithLogitsLoss()));

    @TestFactory Stream<DynamicTest> reprsMatchPyTorch() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        golden().get("reprs").fields().forEachRemaining(e -> tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
            assertThat(REPRS).containsKey(e.getKey());
            assertThat(REPRS.get(e.getKey()).get().repr()).isEqualTo(e.getValue().asText());
        })));
        return tests.stream();
    }

    private static Module mlp() { return new Sequential(new Linear(6, 5), new BatchNorm1d(5), new ReLU(), new Linear(5, 3)); }

    @Test void loadsAStateDictPyTorchWroteAsSafetensors() throws Exception {
        Path file = Path.of(GoldenLayersTest.class.getResource("/golden/mlp_bn.safetensors").toURI());
        Map<String, Tensor> sd = Safetensors.load(file);
        assertThat(sd.keySet()).containsExactly("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                "1.num_batches_tracked", "3.weight", "3.bias");
        Module m = mlp();
        m.loadStateDict(sd, true);
        assertThat(m.stateDict().get("1.num_batches_tracked").toLongArray()).containsExactly(1);
        assertThat(m.stateDict().get("1.num_batches_tracked").dtype()).isEqualTo(DType.INT64);
        m.eval();
        JsonNode g = golden().get("mlp_bn");
        Tensor out = m.forward(tensor(g.get("input")).to(DType.FLOAT32));
        assertThat(out.dtype()).isEqualTo(DType.FLOAT32);
        assertClose(out, tensor(g.get("output")), FLOAT32_TOL, "eval output of the PyTorch checkpoint");
    }

    /** The reverse direction is checked as a Nabla round trip (the golden script's read_safetensors reads such a file in Python). */
    @Test void aCheckpointNablaWritesLoadsBackIntoANewModel(@TempDir Path dir) throws Exception {
        Module a = mlp();
        a.forward(Tensor.randn(8, 6));   // training mode: running statistics move
        a.eval();
        Path f = dir.resolve("mlp.safetensors");
        Safetensors.save(a.stateDict(), f);
        Module b = mlp();
        b.loadStateDict(Safetensors.load(f), true);
        b.eval();
        Tensor x = Tensor.randn(4, 6);
        assertThat(b.forward(x).toFloatArray()).containsExactly(a.forward(x).toFloatArray());
        assertThat(b.stateDict().get("1.running_var").toFloatArray()).containsExactly(a.stateDict().get("1.running_var").toFloatArray());
        assertThat(b.stateDict().get("1.num_batches_tracked").toLongArray()).containsExactly(1);
    }
}
