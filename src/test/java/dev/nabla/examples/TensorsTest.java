package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The course's tensor session prints exactly what PyTorch 1.13 prints (tools/golden/course_tensors.py). */
class TensorsTest {
    @Test void printsWhatPyTorchPrints() throws Exception {
        List<String> expected = Files.readAllLines(Path.of("src/test/resources/golden/course_tensors.txt"));
        List<String> actual = Console.run("tensors").lines().toList();
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertThat(actual.get(i)).as("line %d", i + 1).isEqualTo(expected.get(i));
        }
        assertThat(actual).hasSameSizeAs(expected);
    }
}
