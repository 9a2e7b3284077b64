package dev.nabla.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nabla.api.DType;
import dev.nabla.api.Grad;
import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Parameter;
import dev.nabla.api.Safetensors;
import dev.nabla.api.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * MultiheadAttention, TransformerEncoderLayer and TransformerEncoder against PyTorch 1.13 (golden/transformer.json,
 * made by {@code /usr/bin/python3 tools/golden/make_transformer_golden.py}): PyTorch's state dict loaded by name,
 * outputs, attention weights and the gradients of every input and parameter, in float64 and float32; then shape
 * errors, dropout's train/eval modes and a save/load round trip.
 */
class TransformerGoldenTest {
    private static final double FLOAT64_TOL = 1e-10, FLOAT32_TOL = 2e-5;

    static JsonNode golden() throws IOException {
        try (InputStream in = TransformerGoldenTest.class.getResourceAsStream("/golden/transformer.json")) {
            assertThat(in).as("golden/transformer.json; regenerate with /usr/bin/python3 tools/golden/make_transformer_golden.py").isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }

    static Tensor tensor(JsonNode t, DType floatType) {
        long[] shape = new long[t.get("shape").size()];
        for (int i = 0; i < shape.length; i++) shape[i] = t.get("shape").get(i).asLong();
        double[] data = StreamSupport.stream(t.get("data").spliterator(), false).mapToDouble(JsonNode::asDouble).toArray();
        Tensor x = Tensor.of(DType.FLOAT64, data).reshape(shape);
        return switch (t.get("dtype").asText()) {
            case "bool" -> x.gt(0.5);
            case "int64" -> x.to(DType.INT64);
            default -> x.to(floatType);
        };
    }

    static Module build(JsonNode c) {
        JsonNode a = c.get("args");
        switch (c.get("op").asText()) {
            case "MultiheadAttention":
                return new MultiheadAttention(a.get("embed_dim").asInt(), a.get("num_heads").asInt(), MultiheadAttention.Options.DEFAULT
                        .withBatchFirst(a.get("batch_first").asBoolean()).withBias(a.path("bias").asBoolean(true)));
            case "TransformerEncoderLayer":
                return layer(a);
            case "TransformerEncoder":
                return new TransformerEncoder(() -> layer(a), a.get("num_layers").asInt(),
                        a.get("norm").asBoolean() ? new LayerNorm(a.get("d_model").asLong()) : null);
            default:
                throw new IllegalArgumentException("unknown op " + c.get("op"));
        }
    }

    static TransformerEncoderLayer layer(JsonNode a) {
        return new TransformerEncoderLayer(a.get("d_model").asInt(), a.get("nhead").asInt(), TransformerEncoderLayer.Options.DEFAULT
                .withDimFeedforward(a.get("dim_feedforward").asInt()).withDropout(0)
                .withActivation(TransformerEncoderLayer.Activation.valueOf(a.get("activation").asText().toUpperCase(java.util.Locale.ROOT)))
                .withBatchFirst(a.get("batch_first").asBoolean()).withNormFirst(a.get("norm_first").asBoolean()));
    }

    /** Elementwise |actual − expected| ≤ tol · max(1, |expected|), shapes equal. */
    static void assertClose(Tensor actual, Tensor expected, double tol, String what) {
        assertThat(actual).as(what + " is missing").isNotNull();
        assertThat(actual.dim()).as(what + " rank").isEqualTo(expected.dim());
        for (int d = 0; d < expected.dim(); d++) assertThat(actual.size(d)).as(what + " size " + d).isEqualTo(expected.size(d));
        double[] a = actual.toDoubleArray(), e = expected.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as(what + " at flat index " + i).isCloseTo(e[i], within(tol * Math.max(1, Math.abs(e[i]))));
        }
    }

    @TestFactory Stream<DynamicTest> attentionModulesMatchPyTorch() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : golden().get("cases")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText() + " (" + c.get("dtype").asText() + ")", () -> check(c)));
        }
        assertThat(tests).hasSize(16);
        return tests.stream();
    }

    private static void check(JsonNode c) {
        DType dt = c.get("dtype").asText().equals("float32") ? DType.FLOAT32 : DType.FLOAT64;
        double tol = dt == DType.FLOAT32 ? FLOAT32_TOL : FLOAT64_TOL;
        Module m = build(c).to(dt);
        Map<String, Tensor> state = new LinkedHashMap<>();
        c.get("state").fields().forEachRemaining(e -> state.put(e.getKey(), tensor(e.getValue(), dt)));
        Module.LoadResult r = m.loadStateDict(state, true);
        assertThat(r.missingKeys()).isEmpty();
        m.train();
        List<Tensor> xs = new ArrayList<>();
        for (JsonNode x : c.get("inputs")) xs.add(tensor(x, dt).requiresGrad_());
        JsonNode masks = c.get("masks"), kw = c.get("kwargs");
        List<Tensor> outs = new ArrayList<>();
        if (m instanceof MultiheadAttention mha) {
            Tensor q = xs.get(0), k = xs.size() == 1 ? q : xs.get(1), v = xs.size() == 1 ? q : xs.get(2);
            boolean need = kw.path("need_weights").asBoolean(true);
            MultiheadAttention.Output o = mha.forward(q, k, v, mask(masks, "key_padding_mask", dt), mask(masks, "attn_mask", dt), need,
                    kw.path("average_attn_weights").asBoolean(true));
            outs.add(o.output());
            if (need) outs.add(o.weights());
            else assertThat(o.weights()).isNull();
        } else if (m instanceof TransformerEncoderLayer l) {
            outs.add(l.forward(xs.get(0), mask(masks, "src_mask", dt), mask(masks, "src_key_padding_mask", dt)));
        } else {
            outs.add(((TransformerEncoder) m).forward(xs.get(0), mask(masks, "mask", dt), mask(masks, "src_key_padding_mask", dt)));
        }
        assertThat(outs).hasSize(c.get("outs").size());
        Tensor loss = null;
        for (int i = 0; i < outs.size(); i++) {
            assertThat(outs.get(i).dtype()).isEqualTo(dt);
            assertClose(outs.get(i), tensor(c.get("outs").get(i), dt), tol, "output " + i);
            Tensor term = outs.get(i).mul(tensor(c.get("ws").get(i), dt)).sum();
            loss = loss == null ? term : loss.add(term);
        }
        loss.backward();
        for (int i = 0; i < xs.size(); i++) assertClose(xs.get(i).grad(), tensor(c.get("grads").get("input" + i), dt), tol, "gradient of input " + i);
        Map<String, Parameter> params = m.namedParameters();
        List<String> torchNames = new ArrayList<>();
        c.get("grads").fieldNames().forEachRemaining(n -> {
            if (!n.startsWith("input")) torchNames.add(n);
        });
        assertThat(params.keySet()).as("parameters, by PyTorch's names").containsExactlyElementsOf(torchNames);
        for (var e : params.entrySet()) assertClose(e.getValue().grad(), tensor(c.get("grads").get(e.getKey()), dt), tol, "gradient of " + e.getKey());
    }

    private static Tensor mask(JsonNode masks, String name, DType dt) { return masks.has(name) ? tensor(masks.get(name), dt) : null; }

    @Test void namesTheModuleAndTheExpectedShapeOnBadInput() {
        var mha = new MultiheadAttention(8, 2, MultiheadAttention.Options.DEFAULT.withBatchFirst(true));
        assertThatThrownBy(() -> mha.forward(Tensor.randn(2, 3, 6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MultiheadAttention(embed_dim=8, num_heads=2)")
                .hasMessageContaining("[N, L, 8]").hasMessageContaining("[2, 3, 6]");
        assertThatThrownBy(() -> new MultiheadAttention(10, 3)).hasMessageContaining("embed_dim must be divisible by num_heads");
        Tensor x = Tensor.randn(2, 3, 8);
        assertThatThrownBy(() -> mha.forward(x, x, x, Tensor.zeros(2, 4).gt(0), null, false))
                .hasMessageContaining("expected key_padding_mask [2, 3], got [2, 4]");
        assertThatThrownBy(() -> mha.forward(x, x, x, null, Tensor.zeros(3, 4).gt(0), false))
                .hasMessageContaining("expected attn_mask [3, 3] or [4, 3, 3], got [3, 4]");
        assertThatThrownBy(() -> mha.forward(x, Tensor.randn(3, 3, 8), Tensor.randn(3, 3, 8), null, null, false))
                .hasMessageContaining("batch size");
        var layer = new TransformerEncoderLayer(8, 2, TransformerEncoderLayer.Options.DEFAULT.withBatchFirst(true));
        assertThatThrownBy(() -> layer.forward(Tensor.randn(2, 3, 4)))
                .hasMessageContaining("TransformerEncoderLayer(d_model=8, nhead=2): expected src [N, L, 8]").hasMessageContaining("[2, 3, 4]");
        assertThatThrownBy(() -> TransformerEncoderLayer.Options.DEFAULT.withDropout(1.5)).hasMessageContaining("dropout has to be between 0 and 1");
        assertThatThrownBy(() -> new TransformerEncoder(() -> layer, 0)).hasMessageContaining("num_layers must be positive, got 0");
    }

    @Test void dropoutActsWhileTrainingOnlyAndEvalIsTheDropoutFreeFunction() {
        Nabla.manualSeed(7);
        var opts = TransformerEncoderLayer.Options.DEFAULT.withDimFeedforward(32).withDropout(0.5).withBatchFirst(true);
        var withDropout = new TransformerEncoderLayer(16, 4, opts);
        var without = new TransformerEncoderLayer(16, 4, opts.withDropout(0));
        without.loadStateDict(withDropout.stateDict(), true);
        Tensor x = Tensor.randn(2, 5, 16);
        Tensor reference = without.train().forward(x);
        assertThat(max(withDropout.train().forward(x).sub(reference))).as("training with dropout 0.5 changes the output").isGreaterThan(1e-2);
        try (var g = Grad.disabled()) {
            assertThat(max(withDropout.eval().forward(x).sub(reference))).as("eval mode is dropout-free").isLessThan(1e-6);
        }
    }

    @Test void aStateDictSavedAndLoadedGivesTheSameEncoder(@TempDir Path dir) throws IOException {
        Nabla.manualSeed(3);
        var opts = TransformerEncoderLayer.Options.DEFAULT.withDimFeedforward(24).withActivation(TransformerEncoderLayer.Activation.GELU)
                .withBatchFirst(true).withNormFirst(true).withDropout(0);
        var a = new TransformerEncoder(() -> new TransformerEncoderLayer(8, 2, opts), 2, new LayerNorm(8));
        var b = new TransformerEncoder(() -> new TransformerEncoderLayer(8, 2, opts), 2, new LayerNorm(8));
        Tensor x = Tensor.randn(2, 4, 8);
        assertThat(max(a.forward(x).sub(b.forward(x)))).as("two fresh encoders differ").isGreaterThan(1e-3);
        Path f = dir.resolve("encoder.safetensors");
        Safetensors.save(a.stateDict(), f);
        b.loadStateDict(Safetensors.load(f), true);
        assertThat(b.stateDict().keySet()).contains("layers.1.self_attn.in_proj_weight", "layers.0.self_attn.out_proj.bias", "layers.1.linear2.weight",
                "layers.0.norm2.bias", "norm.weight");
        assertThat(max(a.forward(x).sub(b.forward(x)))).isEqualTo(0.0);
    }

    private static double max(Tensor t) { return t.abs().max().item(); }
}
