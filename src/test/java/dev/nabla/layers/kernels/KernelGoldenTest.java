package dev.nabla.layers.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nabla.api.DType;
import dev.nabla.api.Tensor;
import dev.nabla.layers.F;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The fused kernels (batch norm, layer norm, softmax, log-softmax, GELU), called through {@link F}, against PyTorch
 * (src/test/resources/golden/kernels.json, written by tools/golden/make_kernels_golden.py): the output, every gradient
 * and batch norm's running statistics, in float32 and float64, on contiguous inputs and on non-contiguous views of the
 * same values, with the kernels' usual chunk and with a chunk of 5 elements (planes and rows longer than a chunk),
 * on the fallback loops and, when the JVM has jdk.incubator.vector, on the Vector API path ({@link Vec}).
 */
class KernelGoldenTest {
    private static JsonNode golden() throws IOException {
        try (InputStream in = KernelGoldenTest.class.getResourceAsStream("/golden/kernels.json")) {
            if (in == null) throw new IllegalStateException("missing /golden/kernels.json; run tools/golden/make_kernels_golden.py");
            return new ObjectMapper().readTree(in);
        }
    }

    static Tensor tensor(JsonNode t, DType dtype) {
        long[] shape = StreamSupport.stream(t.get("shape").spliterator(), false).mapToLong(JsonNode::asLong).toArray();
        double[] data = StreamSupport.stream(t.get("data").spliterator(), false).mapToDouble(JsonNode::asDouble).toArray();
        return Tensor.of(DType.FLOAT64, data).reshape(shape).to(dtype);
    }

    /** Elementwise |actual − expected| ≤ tol · max(1, |expected|), naming the worst element. */
    static void assertClose(Tensor actual, Tensor expected, double tol, String what) {
        assertThat(actual).as(what + " is missing").isNotNull();
        assertThat(actual.dim()).as(what + " rank").isEqualTo(expected.dim());
        for (int i = 0; i < actual.dim(); i++) assertThat(actual.size(i)).as(what + " size " + i).isEqualTo(expected.size(i));
        double[] a = actual.to(DType.FLOAT64).toDoubleArray(), e = expected.to(DType.FLOAT64).toDoubleArray();
        double worst = 0;
        int at = -1;
        for (int i = 0; i < a.length; i++) {
            double err = Math.abs(a[i] - e[i]) / Math.max(1, Math.abs(e[i]));
            if (!(err <= worst)) { worst = err; at = i; }
        }
        assertThat(worst).as(what + ": worst relative error at flat index " + at + (at >= 0 ? " (" + a[at] + " vs " + e[at] + ")" : ""))
                .isLessThanOrEqualTo(tol);
    }

    /** An input with golden values: a contiguous leaf, or (strided) a leaf stored with its last two dims swapped, seen through a transpose. */
    private record Input(Tensor leaf, Tensor value, boolean strided) {
        static Input of(JsonNode t, DType dtype, boolean strided) {
            Tensor x = tensor(t, dtype);
            if (!strided || x.dim() < 2) {
                Tensor leaf = x.requiresGrad_();
                return new Input(leaf, leaf, false);
            }
            Tensor leaf = x.transpose(-1, -2).contiguous().requiresGrad_();
            return new Input(leaf, leaf.transpose(-1, -2), true);
        }

        Tensor grad() { return strided ? leaf.grad().transpose(-1, -2) : leaf.grad(); }
    }

    private static Tensor run(JsonNode c, Map<String, Tensor> in, Map<String, Tensor> running, DType dtype) {
        JsonNode a = c.get("args");
        return switch (c.get("op").asText()) {
            case "batch_norm" -> F.batchNorm(in.get("x"), running.get("mean"), running.get("var"), in.get("weight"), in.get("bias"),
                    a.get("training").asBoolean(), a.get("momentum").asDouble(), a.get("eps").asDouble());
            case "layer_norm" -> F.layerNorm(in.get("x"),
                    StreamSupport.stream(a.get("normalized_shape").spliterator(), false).mapToLong(JsonNode::asLong).toArray(),
                    in.get("weight"), in.get("bias"), a.get("eps").asDouble());
            case "softmax" -> F.softmax(in.get("x"), a.get("dim").asInt());
            case "log_softmax" -> F.logSoftmax(in.get("x"), a.get("dim").asInt());
            case "gelu" -> F.gelu(in.get("x"), a.get("approximate").asText());
            default -> throw new IllegalArgumentException("unknown op " + c.get("op"));
        };
    }

    @TestFactory Stream<DynamicTest> kernelsMatchPyTorch() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        int index = 0;
        for (JsonNode c : golden().get("cases")) {
            String shape = c.get("inputs").get("x").get("shape").toString();
            String label = "#" + index++ + " " + c.get("op").asText() + " " + c.get("args") + " x" + shape;
            for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
                for (boolean strided : new boolean[] {false, true}) {
                    for (int chunk : new int[] {Mem.CHUNK, 5}) {
                        for (boolean vector : Vec.modes()) {
                            String name = label + " " + dtype + (strided ? " strided" : "") + (chunk != Mem.CHUNK ? " chunk " + chunk : "")
                                    + (vector ? " vector-api" : "");
                            tests.add(DynamicTest.dynamicTest(name, () -> {
                                boolean previous = Vec.useForTests(vector);
                                try {
                                    check(c, dtype, strided, chunk, name);
                                } finally {
                                    Vec.useForTests(previous);
                                }
                            }));
                        }
                    }
                }
            }
        }
        return tests.stream();
    }

    private static void check(JsonNode c, DType dtype, boolean strided, int chunk, String name) {
        double tol = dtype == DType.FLOAT64 ? 1e-10 : 2e-5;
        Map<String, Input> inputs = new LinkedHashMap<>();
        Map<String, Tensor> values = new LinkedHashMap<>();
        c.get("inputs").fields().forEachRemaining(e -> {
            Input in = Input.of(e.getValue(), dtype, strided && e.getKey().equals("x"));
            inputs.put(e.getKey(), in);
            values.put(e.getKey(), in.value());
        });
        Map<String, Tensor> running = new LinkedHashMap<>();
        if (c.has("running")) c.get("running").fields().forEachRemaining(e -> running.put(e.getKey(), tensor(e.getValue(), dtype)));
        int previous = Mem.chunkForTests(chunk);
        try {
            Tensor out = run(c, values, running, dtype);
            assertThat(out.dtype()).as(name + " output dtype").isEqualTo(dtype);
            assertClose(out, tensor(c.get("out"), DType.FLOAT64), tol, name + " output");
            out.mul(tensor(c.get("w"), dtype)).sum().backward();
        } finally {
            Mem.chunkForTests(previous);
        }
        c.get("grads").fields().forEachRemaining(e -> {
            Tensor g = inputs.get(e.getKey()).grad();
            assertClose(g, tensor(e.getValue(), DType.FLOAT64), tol, name + " gradient of " + e.getKey());
            assertThat(g.dtype()).as(name + " gradient dtype of " + e.getKey()).isEqualTo(dtype);
        });
        if (c.has("running_after")) {
            c.get("running_after").fields().forEachRemaining(e ->
                    assertClose(running.get(e.getKey()), tensor(e.getValue(), DType.FLOAT64), tol, name + " running " + e.getKey()));
        }
    }
}
