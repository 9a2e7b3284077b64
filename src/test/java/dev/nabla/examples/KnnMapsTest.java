package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slide's maps and curve on two overlapping classes: K = 1 carves islands around single points (a much
 * longer decision boundary than K = 51's), zero training error at K = 1, and the test error within the slide's
 * 0–0.3 for every K, lowest in between (overfitting at K = 1, underfitting at K = 1000).
 */
class KnnMapsTest {
    @Test void theSlidesMapsAndCurve(@TempDir Path dir) {
        KnnMaps.Result r = KnnMaps.run(2000, 1000, 80, 3, dir);
        assertThat(r.boundaryK1()).isGreaterThan(3 * r.boundaryK51());
        Knn.Curve c = r.curve();
        assertThat(c.ks()[0]).isEqualTo(1);
        assertThat(c.ks()[c.ks().length - 1]).isEqualTo(1000);
        assertThat(c.trainError()[0]).isZero();
        double best = 1;
        int bestAt = 0;
        for (int i = 0; i < c.ks().length; i++) {
            assertThat(c.testError()[i]).as("test error at K = %d", c.ks()[i]).isBetween(0.0, 0.3);
            assertThat(c.trainError()[i]).isBetween(0.0, 0.3);
            if (c.testError()[i] < best) {
                best = c.testError()[i];
                bestAt = i;
            }
        }
        assertThat(c.ks()[bestAt]).isBetween(5, 500);
        assertThat(best).isLessThan(c.testError()[0] - 0.03);                       // K = 1 overfits
        assertThat(best).isLessThan(c.testError()[c.ks().length - 1]);               // K = 1000 underfits
        assertThat(best).isBetween(r.bayesError() - 0.03, r.bayesError() + 0.03);
        assertThat(c.trainError()[c.ks().length - 1]).isGreaterThan(c.trainError()[3]);
        assertThat(Files.isRegularFile(dir.resolve("knn-maps.png"))).isTrue();
        assertThat(Files.isRegularFile(dir.resolve("knn-curve.png"))).isTrue();
    }
}
