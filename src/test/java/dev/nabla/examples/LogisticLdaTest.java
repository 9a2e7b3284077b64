package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nabla.api.DType;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slide's gradient is the gradient of −Σ log σ(y(w·x + b)) (checked against autograd), and the steps of
 * η = 0.1 on 100 points bring the boundary next to LDA's: a small angle between the directions, the same
 * train error within a few points (10³ steps here for time; the example's default goes on to 10⁴).
 */
class LogisticLdaTest {
    @Test void theSlidesGradientIsTheLossGradient() {
        Nabla.manualSeed(5);
        Tensor[] d = LogisticLda.data(100);
        Tensor w = Tensor.randn(DType.FLOAT64, 2).requiresGrad_(), b = Tensor.scalar(DType.FLOAT64, 0.3).requiresGrad_();
        Tensor loss = d[1].mul(d[0].mv(w).add(b)).sigmoid().log().sum().neg();
        loss.backward();
        Tensor[] g = LogisticLda.gradient(d[0], d[1], w.detach(), 0.3);
        double[] auto = w.grad().toDoubleArray(), hand = g[0].toDoubleArray();
        for (int i = 0; i < 2; i++) assertThat(hand[i]).isCloseTo(auto[i], within(1e-9 * (1 + Math.abs(auto[i]))));
        assertThat(g[1].item()).isCloseTo(b.grad().item(), within(1e-9 * (1 + Math.abs(b.grad().item()))));
    }

    @Test void gradientDescentReachesLdasBoundary(@TempDir Path dir) {
        LogisticLda.Result r = LogisticLda.run(1000, 2, dir);
        int last = r.steps().length - 1;
        assertThat(r.steps()).containsExactly(0, 10, 100, 1000);
        assertThat(r.angle()[last]).isLessThan(10);
        assertThat(r.angle()[last]).isLessThan(r.angle()[2]);
        assertThat(r.trainError()[last]).isCloseTo(r.ldaTrainError(), within(0.04));
        assertThat(r.trainError()[last]).isLessThan(0.3);
        assertThat(Files.isRegularFile(dir.resolve("logistic-lda.png"))).isTrue();
    }
}
