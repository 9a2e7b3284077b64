package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slide's two runs: with η = 0.125 the iterates creep to the minimum from one side, the loss falling at
 * every step; with η = 0.5 they jump from one side of it to the other. Each step is w − η ℒ'(w) with the
 * derivative written out by hand (autograd in the example).
 */
class GradientDescent1dTest {
    @Test void smallStepsStayOnOneSideLargeOnesOvershoot(@TempDir Path dir) {
        GradientDescent1d.Result r = GradientDescent1d.run(11, dir);
        double star = r.minimum();
        for (int e = 0; e < 2; e++) {
            double[] w = r.iterates()[e];
            assertThat(w).hasSize(12);
            assertThat(w[0]).isEqualTo(GradientDescent1d.W0);
            for (int t = 0; t + 1 < w.length; t++) {
                double u = w[t] - 0.5, derivative = 3 * u / Math.sqrt(1 + 3 * u * u);
                assertThat(w[t + 1]).isCloseTo(w[t] - r.etas()[e] * derivative, within(1e-9));
            }
        }
        double[] small = r.iterates()[0], large = r.iterates()[1];
        for (int t = 0; t + 1 < small.length; t++) {
            assertThat(small[t + 1]).isGreaterThan(small[t]).isLessThan(star);
            assertThat(GradientDescent1d.loss(small[t + 1])).isLessThan(GradientDescent1d.loss(small[t]));
        }
        int crossings = 0;
        for (int t = 0; t + 1 < large.length; t++) if ((large[t] - star) * (large[t + 1] - star) < 0) crossings++;
        assertThat(crossings).isGreaterThanOrEqualTo(8);
        assertThat(Math.abs(large[11] - star)).isLessThan(Math.abs(large[0] - star) / 10);
        assertThat(Files.isRegularFile(dir.resolve("gd-0.125.png"))).isTrue();
        assertThat(Files.isRegularFile(dir.resolve("gd-0.5.png"))).isTrue();
    }
}
