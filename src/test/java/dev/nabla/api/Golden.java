package dev.nabla.api;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads the PyTorch golden files of src/test/resources/golden (written by tools/golden/make_golden.py):
 * a tensor there is {@code {"shape", "dtype", "data" (flat, row-major; bools as 0/1), "requires_grad"}}.
 */
final class Golden {
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private Golden() {}

    /** The {@code cases} array of a golden file. */
    static List<JsonNode> cases(String file) { return cases(file, "cases"); }

    /** The array named {@code section} of a golden file. */
    static List<JsonNode> cases(String file, String section) {
        String path = "/golden/" + file;
        try (InputStream in = Golden.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("Golden: missing resource " + path + "; run tools/golden/make_golden.py");
            List<JsonNode> r = new ArrayList<>();
            JsonNode array = JSON.readTree(in).get(section);
            if (array == null) throw new IllegalStateException("Golden: no section '" + section + "' in " + path);
            array.forEach(r::add);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh tensor with the golden shape, dtype, values and requires_grad flag. */
    static Tensor tensor(JsonNode t) {
        long[] shape = longs(t.get("shape"));
        DType dtype = dtype(t.get("dtype").asText());
        double[] data = doubles(t.get("data"));
        INDArray a = data.length == 0 ? Nd4j.create(dtype.nd(), shape)
                : shape.length == 0 ? Nd4j.scalar(data[0]).castTo(dtype.nd())
                : Nd4j.createFromArray(data).castTo(dtype.nd()).reshape('c', shape);
        Tensor x = Tensor.from(a);
        return t.get("requires_grad").asBoolean() ? x.requiresGrad_() : x;
    }

    static DType dtype(String torchName) { return DType.valueOf(torchName.toUpperCase(Locale.ROOT)); }

    static long[] longs(JsonNode array) {
        long[] r = new long[array.size()];
        for (int i = 0; i < r.length; i++) r[i] = array.get(i).asLong();
        return r;
    }

    static int[] ints(JsonNode array) {
        int[] r = new int[array.size()];
        for (int i = 0; i < r.length; i++) r[i] = array.get(i).asInt();
        return r;
    }

    static double[] doubles(JsonNode array) {
        double[] r = new double[array.size()];
        for (int i = 0; i < r.length; i++) r[i] = array.get(i).asDouble();
        return r;
    }
}
