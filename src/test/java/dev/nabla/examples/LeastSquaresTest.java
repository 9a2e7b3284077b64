package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lstsq on the course's 15 rows gives PyTorch's line, and the plot is written. */
class LeastSquaresTest {
    @Test void findsTheCoursesLine(@TempDir Path dir) {
        String out = Console.run("lstsq", "--out", dir.toString());
        // torch.linalg.lstsq on the same rows: a = 1.047439, b = 95.612512
        assertThat(out).contains("RESULT example=lstsq a=1.047439 b=95.612512");
        assertThat(Files.isRegularFile(dir.resolve("lstsq.png"))).isTrue();
    }
}
