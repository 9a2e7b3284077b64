package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Polynomial fits of sin: training error falls with the degree, test error is U-shaped, a ridge penalty and
 *  bias / variance behave as the course says. */
class PolyFitTest {
    @Test void underAndOverFitting(@TempDir Path dir) {
        PolyFit.Result r = PolyFit.run(new PolyFit.Options(12, 11, 0.2, 20, 0), dir);
        double[] train = r.trainError(), test = r.testError();
        for (int d = 1; d < train.length; d++) assertThat(train[d]).isLessThanOrEqualTo(train[d - 1] + 1e-9); // nested models
        assertThat(train[11]).isLessThan(1e-12);                    // 12 points, degree 11: interpolation
        int best = argmin(test);
        assertThat(best).isBetween(3, 8);                           // sin needs degree 3 at least
        assertThat(test[0]).isGreaterThan(5 * test[best]);          // under-fitting
        assertThat(test[11]).isGreaterThan(5 * test[best]);         // over-fitting
        // ridge: training error grows with rho; a moderate rho repairs degree 11
        for (int i = 1; i < r.rhos().length; i++) assertThat(r.ridgeTrain()[i]).isGreaterThanOrEqualTo(r.ridgeTrain()[i - 1] - 1e-12);
        assertThat(min(r.ridgeTest())).isLessThan(r.ridgeTest()[0] / 5);
        // bias falls from degree 0 to 5, variance grows from degree 0 to 11
        assertThat(r.bias2()[5]).isLessThan(r.bias2()[0] / 100);
        assertThat(r.variance()[11]).isGreaterThan(10 * r.variance()[0]);
        for (String f : new String[] {"fits.png", "errors.png", "ridge.png", "bias-variance.png", "several-sets.png"}) {
            assertThat(Files.isRegularFile(dir.resolve(f))).as(f).isTrue();
        }
    }

    private static int argmin(double[] v) {
        int k = 0;
        for (int i = 1; i < v.length; i++) if (v[i] < v[k]) k = i;
        return k;
    }

    private static double min(double[] v) { return v[argmin(v)]; }
}
