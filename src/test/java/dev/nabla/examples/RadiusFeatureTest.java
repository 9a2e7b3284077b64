package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The slide's point: with label noise, k-NN (K = 11) on the radius alone beats k-NN on the 2-d coordinates. */
class RadiusFeatureTest {
    @Test void theRadiusCopesWithLabelNoise(@TempDir Path dir) {
        RadiusFeature.Result r = RadiusFeature.run(500, 4000, 0.2, 1, dir);
        assertThat(r.trueRadius()).isLessThan(0.05);                               // the right border, nearly
        assertThat(r.trueCoordinates()).isGreaterThan(r.trueRadius() + 0.03);      // islands around flipped labels
        assertThat(r.noisyRadius()).isLessThan(r.noisyCoordinates());
        assertThat(r.noisyRadius()).isBetween(0.17, 0.25);                         // about the 20% of flipped test labels
        assertThat(Files.isRegularFile(dir.resolve("radius.png"))).isTrue();
    }
}
