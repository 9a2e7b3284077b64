package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** k-NN on the 2-d problem and on 2,000 bundled MNIST digits: zero training error at K = 1, the course's curve. */
class KnnTest {
    @Test void theCoursesCurve(@TempDir Path dir) {
        Knn.Result r = Knn.run(new Knn.Options(2000, 500, 500, 0), dir);
        for (Knn.Curve c : new Knn.Curve[] {r.plane(), r.mnist()}) {
            assertThat(c.ks()[0]).isEqualTo(1);
            assertThat(c.trainError()[0]).isZero();                      // every point is its own nearest neighbour
            assertThat(c.ks()[c.ks().length - 1]).isEqualTo(1000);
        }
        // overlapping blobs: averaging over some neighbours beats K = 1 on the test set
        double[] plane = r.plane().testError();
        assertThat(min(plane)).isLessThan(plane[0] - 0.01);
        assertThat(plane[0]).isBetween(0.05, 0.2);
        // MNIST from 2,000 digits: about 10% at K = 1, much worse at K = 1000
        double[] mnist = r.mnist().testError();
        assertThat(mnist[0]).isBetween(0.04, 0.15);
        assertThat(mnist[mnist.length - 1]).isGreaterThan(2 * mnist[0]);
        assertThat(r.mnist().trainError()[r.mnist().ks().length - 1]).isGreaterThan(r.mnist().trainError()[2]);
        for (String f : new String[] {"knn-2d-points.png", "knn-2d.png", "knn-mnist.png"}) assertThat(Files.isRegularFile(dir.resolve(f))).isTrue();
    }

    private static double min(double[] v) {
        double m = v[0];
        for (double x : v) m = Math.min(m, x);
        return m;
    }
}
