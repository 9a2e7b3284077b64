package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** {@link Tensor#toString()} against PyTorch's {@code str(t)} (src/test/resources/golden/format.json). */
class GoldenFormatTest {
    @TestFactory Stream<DynamicTest> format() {
        return Golden.cases("format.json").stream().map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
    }

    static void check(JsonNode c) {
        Tensor t = Golden.tensor(c.get("tensor"));
        if (c.has("pre")) t = t.index(c.get("pre").asText()); // a non-contiguous view
        assertThat(t.toString()).as(c.get("name").asText()).isEqualTo(c.get("str").asText());
    }
}
