package dev.nabla.layers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nabla.api.DType;
import dev.nabla.api.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads src/test/resources/golden/numerics.json (tools/golden/make_numerics_golden.py) and compares with it. */
final class NumericsGolden {
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private NumericsGolden() {}

    static List<JsonNode> cases(String section) {
        try (InputStream in = NumericsGolden.class.getResourceAsStream("/golden/numerics.json")) {
            assertThat(in).as("golden/numerics.json; regenerate with /usr/bin/python3 tools/golden/make_numerics_golden.py").isNotNull();
            JsonNode array = JSON.readTree(in).get(section);
            assertThat(array).as("section %s of golden/numerics.json", section).isNotNull();
            List<JsonNode> r = new ArrayList<>();
            array.forEach(r::add);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh tensor with the golden shape, dtype and values. */
    static Tensor tensor(JsonNode t) {
        DType dtype = DType.valueOf(t.get("dtype").asText().toUpperCase(Locale.ROOT));
        double[] data = new double[t.get("data").size()];
        for (int i = 0; i < data.length; i++) data[i] = t.get("data").get(i).asDouble();
        long[] shape = new long[t.get("shape").size()];
        for (int i = 0; i < shape.length; i++) shape[i] = t.get("shape").get(i).asLong();
        return Tensor.of(DType.FLOAT64, data).to(dtype).reshape(shape);
    }

    /**
     * Values as PyTorch's: NaN where it has NaN, the same infinities, others within {@code tol} relative (zeros
     * within tol absolute); in float32 subnormals (below 1.2e−38) may differ by 4 of their steps of 1.4e−45, where
     * PyTorch's own vectorised and scalar exp disagree.
     */
    static void assertClose(String name, Tensor actual, JsonNode expected, double tol) {
        assertThat(actual).as("%s: missing", name).isNotNull();
        assertThat(actual.dtype().toString()).as("%s: dtype", name).isEqualTo("torch." + expected.get("dtype").asText());
        long[] shape = new long[expected.get("shape").size()];
        for (int i = 0; i < shape.length; i++) shape[i] = expected.get("shape").get(i).asLong();
        assertThat(actual.shape().toArray()).as("%s: shape", name).containsExactly(shape);
        double[] a = actual.toDoubleArray();
        double subnormalSlack = actual.dtype() == DType.FLOAT32 ? 4 * Float.MIN_VALUE : 0;
        for (int i = 0; i < a.length; i++) {
            double e = expected.get("data").get(i).asDouble();
            boolean ok = Double.isNaN(e) ? Double.isNaN(a[i])
                    : Double.isInfinite(e) ? a[i] == e
                    : Math.abs(a[i] - e) <= Math.max(tol * Math.max(Math.abs(e), e == 0 ? 1 : 0), subnormalSlack);
            assertThat(ok).as("%s: element %d is %s, PyTorch gives %s", name, i, a[i], e).isTrue();
        }
    }
}
