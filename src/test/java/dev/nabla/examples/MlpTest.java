package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The course's hand-written MLP backward pass equals autograd's; both trainings learn the bundled MNIST digits. */
class MlpTest {
    @Test void handWrittenBackwardEqualsAutograd(@TempDir Path dir) {
        Mlp.Result r = Mlp.run(new Mlp.Options(500, 500, 50, 150, 0), dir);    // the full run: 1000 digits, 1000 steps
        assertThat(r.gradientsClose()).isTrue();
        assertThat(r.maxGradientDifference()).isLessThan(1e-8);                 // float64
        assertThat(r.handTrainError()).isLessThan(0.15);
        assertThat(r.handTestError()).isLessThan(0.3);
        assertThat(r.autogradTrainError()).isLessThan(0.15);
        assertThat(r.autogradTestError()).isLessThan(0.3);
        assertThat(Files.isRegularFile(dir.resolve("mlp.png"))).isTrue();
    }
}
