package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * xor becomes linearly separable with x_u x_v; MNIST 8 vs the rest with the slide's perceptron on pixels plus
 * pixel-pair products (2,000 real training digits here): train and test error within the slide's 0–7% from
 * 10³ features on, below always answering "not 8", the training error falling as features are added.
 */
class FeatureDesignTest {
    @Test void featuresMakeTheDifference(@TempDir Path dir) {
        FeatureDesign.Result r = FeatureDesign.run(new FeatureDesign.Options(2000, 1000, 5000, 10, 0), dir);
        assertThat(r.xorLinearError()).isGreaterThan(0.2);
        assertThat(r.xorProductError()).isLessThan(0.03);
        assertThat(r.features()).containsExactly(1000, 2000, 3000, 5000);
        double[] train = r.trainError(), test = r.testError();
        for (int k = 0; k < train.length; k++) {
            assertThat(train[k]).as("train error with %d features", r.features()[k]).isBetween(0.0, 0.07);
            assertThat(test[k]).as("test error with %d features", r.features()[k]).isBetween(0.0, 0.07);
        }
        assertThat(train[train.length - 1]).isLessThan(train[0]);
        assertThat(train[train.length - 1]).isLessThan(test[test.length - 1]);
        assertThat(Files.isRegularFile(dir.resolve("xor.png"))).isTrue();
        assertThat(Files.isRegularFile(dir.resolve("features.png"))).isTrue();
    }
}
