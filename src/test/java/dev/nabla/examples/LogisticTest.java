package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The course's hand-written logistic-regression gradient equals autograd's at every step, and descent fits the data. */
class LogisticTest {
    @Test void handWrittenGradientEqualsAutograd(@TempDir Path dir) {
        Logistic.Result r = Logistic.run(300, 1.0, 0, dir);
        assertThat(r.gradientsClose()).isTrue();
        assertThat(r.maxGradientDifference()).isLessThan(1e-5);
        // two unit Gaussians sqrt(5) apart: the Bayes error is Phi(-sqrt(5)/2) = 13.2%
        assertThat(r.testError()).isBetween(0.08, 0.2);
        assertThat(r.trainError()).isBetween(0.08, 0.2);
        assertThat(r.loss()).isLessThan(0.4);
        assertThat(Files.isRegularFile(dir.resolve("logistic.png"))).isTrue();
    }
}
