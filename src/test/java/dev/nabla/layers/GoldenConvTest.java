package dev.nabla.layers;

import dev.nabla.layers.kernels.Kernels;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nabla.api.DType;
import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.factory.Nd4j;

/** Convolution and pooling layers against PyTorch (tools/golden/make_conv_golden.py): repr, output, every gradient. */
class GoldenConvTest {
    private static JsonNode cases() throws Exception {
        try (InputStream in = GoldenConvTest.class.getResourceAsStream("/golden/conv.json")) {
            if (in == null) throw new IllegalStateException("missing /golden/conv.json; run tools/golden/make_conv_golden.py");
            return new ObjectMapper().readTree(in).get("cases");
        }
    }

    private static Tensor tensor(JsonNode t) {
        long[] shape = new long[t.get("shape").size()];
        for (int i = 0; i < shape.length; i++) shape[i] = t.get("shape").get(i).asLong();
        double[] d = new double[t.get("data").size()];
        for (int i = 0; i < d.length; i++) d[i] = t.get("data").get(i).asDouble();
        return Tensor.from(Nd4j.createFromArray(d).reshape('c', shape));
    }

    private static int i(JsonNode a, String k, int dflt) { return a.has(k) ? a.get(k).asInt() : dflt; }

    private static int[] pair(JsonNode a, String h, String w) { return new int[] {a.get(h).asInt(), a.get(w).asInt()}; }

    private static int[] pair(JsonNode list) { return new int[] {list.get(0).asInt(), list.get(1).asInt()}; }

    private static Module build(String kind, JsonNode a) {
        return switch (kind) {
            case "Conv2d" -> {
                Conv2d.Options o = Conv2d.Options.DEFAULT;
                if (a.has("stride")) o = o.withStride(a.get("stride").get(0).asInt(), a.get("stride").get(1).asInt());
                if (a.has("padding")) o = a.get("padding").isTextual() ? o.withPadding(a.get("padding").asText())
                        : o.withPadding(a.get("padding").get(0).asInt(), a.get("padding").get(1).asInt());
                if (a.has("dilation")) o = o.withDilation(a.get("dilation").get(0).asInt(), a.get("dilation").get(1).asInt());
                o = o.withGroups(i(a, "groups", 1)).withBias(!a.has("bias") || a.get("bias").asBoolean());
                yield new Conv2d(a.get("in").asInt(), a.get("out").asInt(), a.get("kh").asInt(), a.get("kw").asInt(), o);
            }
            case "Conv1d" -> {
                Conv1d.Options o = Conv1d.Options.DEFAULT.withStride(i(a, "stride", 1)).withDilation(i(a, "dilation", 1))
                        .withGroups(i(a, "groups", 1)).withBias(!a.has("bias") || a.get("bias").asBoolean());
                if (a.has("padding")) o = a.get("padding").isTextual() ? o.withPadding(a.get("padding").asText()) : o.withPadding(a.get("padding").asInt());
                yield new Conv1d(a.get("in").asInt(), a.get("out").asInt(), a.get("k").asInt(), o);
            }
            case "ConvTranspose2d" -> new ConvTranspose2d(a.get("in").asInt(), a.get("out").asInt(), a.get("k").asInt(),
                    ConvTranspose2d.Options.DEFAULT.withStride(i(a, "stride", 1)).withPadding(i(a, "padding", 0))
                            .withOutputPadding(i(a, "output_padding", 0)).withDilation(i(a, "dilation", 1)).withGroups(i(a, "groups", 1))
                            .withBias(!a.has("bias") || a.get("bias").asBoolean()));
            case "MaxPool2d" -> a.has("kh") ? (a.has("stride") ? new MaxPool2d(pair(a, "kh", "kw"), pair(a.get("stride")),
                    pair(a.get("padding")), pair(a.get("dilation")), a.get("ceil").asBoolean()) : new MaxPool2d(pair(a, "kh", "kw")))
                    : a.has("stride") ? new MaxPool2d(a.get("k").asInt(), a.get("stride").asInt(), a.get("padding").asInt(),
                    a.get("dilation").asInt(), a.get("ceil").asBoolean()) : new MaxPool2d(a.get("k").asInt());
            case "MaxPool1d" -> a.has("stride") ? new MaxPool1d(a.get("k").asInt(), a.get("stride").asInt(), a.get("padding").asInt(),
                    a.get("dilation").asInt(), a.get("ceil").asBoolean()) : new MaxPool1d(a.get("k").asInt());
            case "AvgPool2d" -> a.has("kh") ? (a.has("stride") ? new AvgPool2d(pair(a, "kh", "kw"), pair(a.get("stride")),
                    pair(a.get("padding")), a.get("ceil").asBoolean(), a.get("count_include_pad").asBoolean(), i(a, "divisor_override", 0))
                    : new AvgPool2d(pair(a, "kh", "kw")))
                    : a.has("stride") ? new AvgPool2d(a.get("k").asInt(), a.get("stride").asInt(), a.get("padding").asInt(),
                    a.get("ceil").asBoolean(), a.get("count_include_pad").asBoolean(), i(a, "divisor_override", 0)) : new AvgPool2d(a.get("k").asInt());
            case "AdaptiveAvgPool2d" -> a.has("square") ? new AdaptiveAvgPool2d(a.get("oh").asInt())
                    : new AdaptiveAvgPool2d(a.get("oh").asInt(), a.get("ow").asInt());
            case "ConvPool" -> new dev.nabla.api.Sequential(build("Conv2d", a.get("conv")), build("MaxPool2d", a.get("pool")));
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** Every case with the default kernels (libnd4j's where they apply) and with the project's own kernels. */
    @TestFactory Stream<DynamicTest> layersMatchPyTorch() throws Exception {
        JsonNode all = cases();
        return Stream.of(Kernels.AUTO, Kernels.OWN).flatMap(k -> StreamSupport.stream(all.spliterator(), false)
                .map(c -> DynamicTest.dynamicTest(k + " " + c.get("name").asText(), () -> {
                    Kernels previous = Kernels.use(k);
                    try {
                        check(c);
                    } finally {
                        Kernels.use(previous);
                    }
                })));
    }

    /**
     * Conv2d then MaxPool2d in a Sequential, in float32: the pair runs as one fused op ({@link ConvMaxPool2dFunction});
     * its output and every gradient against PyTorch's (float64) within float32 rounding.
     */
    @TestFactory Stream<DynamicTest> fusedConvPoolMatchesPyTorchInFloat32() throws Exception {
        return StreamSupport.stream(cases().spliterator(), false).filter(c -> c.get("kind").asText().equals("ConvPool"))
                .map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                    check(c, DType.FLOAT32, "ConvMaxPool2dBackward");
                }));
    }

    /**
     * ResNet's convolutions (3×3 padded at stride 1 and 2, strided 1×1) at a batch and channel count where the default
     * chooses between libnd4j's kernels and the project's by kernel size and stride, in float32 under both choices:
     * output and every gradient against PyTorch's (float64) within float32 rounding.
     */
    @TestFactory Stream<DynamicTest> resnetConvsMatchPyTorchInFloat32() throws Exception {
        JsonNode all = cases();
        return Stream.of(Kernels.AUTO, Kernels.OWN).flatMap(k -> StreamSupport.stream(all.spliterator(), false)
                .filter(c -> c.get("args").has("resnet"))
                .map(c -> DynamicTest.dynamicTest(k + " " + c.get("name").asText(), () -> {
                    Kernels previous = Kernels.use(k);
                    try {
                        check(c, DType.FLOAT32, null);
                    } finally {
                        Kernels.use(previous);
                    }
                })));
    }

    private static void check(JsonNode c) { check(c, DType.FLOAT64, null); }

    /**
     * The case's module in {@code dtype} with PyTorch's state: output, input gradient and parameter gradients against
     * PyTorch's (float64: within 1e-10 relative; float32: within 2e-5 of the largest expected magnitude, float32 sums of a
     * few hundred terms); {@code gradFn}, when given, the output's.
     */
    private static void check(JsonNode c, DType dtype, String gradFn) {
        Module m = build(c.get("kind").asText(), c.get("args"));
        assertThat(m.repr()).isEqualTo(c.get("repr").asText());
        m.to(dtype);
        Map<String, Tensor> state = new LinkedHashMap<>();
        c.get("state").fields().forEachRemaining(e -> state.put(e.getKey(), tensor(e.getValue()).to(dtype)));
        m.loadStateDict(state, true);
        Tensor x = tensor(c.get("input")).to(dtype).requiresGrad_();
        Tensor y = m.forward(x);
        if (gradFn != null) assertThat(y.gradFn()).isEqualTo(gradFn);
        assertClose(y, tensor(c.get("output")));
        y.mul(tensor(c.get("w")).to(dtype)).sum().backward();
        assertClose(x.grad(), tensor(c.get("grad_input")));
        for (Map.Entry<String, Parameter> p : m.namedParameters().entrySet()) {
            assertClose(p.getValue().grad(), tensor(c.get("grads").get(p.getKey())));
        }
    }

    private static void assertClose(Tensor actual, Tensor expected) {
        assertThat(actual.shape()).isEqualTo(expected.shape());
        double[] a = actual.toDoubleArray(), e = expected.toDoubleArray();
        boolean f32 = actual.dtype() == DType.FLOAT32;
        double scale = 1;
        for (double v : e) scale = Math.max(scale, Math.abs(v));
        for (int k = 0; k < a.length; k++) {
            double tol = f32 ? 2e-5 * scale : 1e-10 * Math.max(1, Math.abs(e[k]));
            assertThat(Math.abs(a[k] - e[k])).as("element %d: %s vs %s", k, a[k], e[k]).isLessThanOrEqualTo(tol);
        }
    }

    static { Nabla.manualSeed(0); }
}
