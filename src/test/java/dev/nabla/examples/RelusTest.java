package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nabla.api.DType;
import dev.nabla.api.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sum of ReLUs interpolates sin at the knots, and its error falls as units are added, within h²/8. */
class RelusTest {
    @Test void theErrorShrinksAsUnitsAreAdded(@TempDir Path dir) {
        Relus.Result r = Relus.run(6, dir);
        for (int k = 0; k < r.segments().length; k++) {
            double h = 12.0 / r.segments()[k];
            assertThat(r.units()[k]).isEqualTo(r.segments()[k] + 2);
            assertThat(r.maxError()[k]).isLessThanOrEqualTo(h * h / 8 + 1e-9);
            if (k > 0) assertThat(r.maxError()[k]).isLessThan(r.maxError()[k - 1]);
        }
        // twice the knots, a quarter of the error once the segments are short (second-order interpolation)
        int last = r.segments().length - 1;
        assertThat(r.maxError()[last - 1] / r.maxError()[last]).isBetween(3.5, 4.5);
        assertThat(r.maxError()[last]).isLessThan(2e-3);
        assertThat(Files.isRegularFile(dir.resolve("relus.png"))).isTrue();
    }

    @Test void theNetworkPassesThroughSinAtTheKnots() {
        Relus.Net net = Relus.build(6, 8);
        Tensor knots = Tensor.linspace(-6, 6, 9).to(DType.FLOAT64);
        double[] f = net.forward(knots).toDoubleArray(), x = knots.toDoubleArray();
        for (int i = 0; i < x.length; i++) assertThat(f[i]).isCloseTo(Math.sin(x[i]), within(1e-6));
    }
}
