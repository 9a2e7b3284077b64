package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** xor becomes linearly separable with x_u x_v; on MNIST 8 vs the rest, more pixel-pair products fit the training set. */
class FeatureDesignTest {
    @Test void featuresMakeTheDifference(@TempDir Path dir) {
        FeatureDesign.Result r = FeatureDesign.run(new FeatureDesign.Options(1000, 1000, 3000, 0), dir);
        assertThat(r.xorLinearError()).isGreaterThan(0.2);
        assertThat(r.xorProductError()).isLessThan(0.03);
        assertThat(r.features()).containsExactly(10, 30, 100, 300, 1000, 2000, 3000);
        double[] train = r.trainError(), test = r.testError();
        assertThat(train[0]).isBetween(0.05, 0.15);                 // 10 features: about "never an 8"
        assertThat(train[train.length - 1]).isZero();               // 3000 features for 1000 digits: fitted exactly
        assertThat(min(test)).isLessThan(test[0] - 0.01);           // some features help on the test set
        assertThat(test[test.length - 1]).isGreaterThan(min(test) + 0.05); // too many overfit
        assertThat(Files.isRegularFile(dir.resolve("xor.png"))).isTrue();
        assertThat(Files.isRegularFile(dir.resolve("features.png"))).isTrue();
    }

    private static double min(double[] v) {
        double m = v[0];
        for (double x : v) m = Math.min(m, x);
        return m;
    }
}
