package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The perceptron converges on the bundled MNIST 0s and 1s within its bound; the hinge-loss SVM does as well. */
class PerceptronTest {
    @Test void convergesWithinTheBound(@TempDir Path dir) {
        Perceptron.Result r = Perceptron.run(new Perceptron.Options(1e-3, 200, 0.1), dir);
        assertThat(r.lastChanges()).isZero();                     // an epoch without a change: the data are separated
        assertThat(r.trainError()).isZero();
        assertThat(r.epochs()).isBetween(2, 20);
        assertThat((double) r.totalChanges()).isPositive().isLessThanOrEqualTo(r.bound());
        assertThat(r.testError()).isLessThan(0.01);
        assertThat(r.svmTrainError()).isLessThan(0.01);
        assertThat(r.svmTestError()).isLessThan(0.01);
        assertThat(Files.isRegularFile(dir.resolve("perceptron.png"))).isTrue();
        assertThat(Files.isRegularFile(dir.resolve("svm.png"))).isTrue();
    }
}
