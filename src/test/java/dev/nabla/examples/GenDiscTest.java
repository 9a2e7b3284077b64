package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gaussians + Bayes' rule and the best threshold on the course's 24 basketball heights. */
class GenDiscTest {
    @Test void bothBoundaries(@TempDir Path dir) {
        GenDisc.Result r = GenDisc.run(dir);
        // numpy on the same table: the Gaussians' posteriors cross at 188.8825; thresholds in (188, 190) make 5 errors
        assertThat(r.bayes()).isCloseTo(188.8825, within(1e-3));
        assertThat(r.threshold()).isEqualTo(189.0);
        assertThat(r.bayesErrors()).isEqualTo(5);
        assertThat(r.thresholdErrors()).isEqualTo(5);
        // the slide's figures (189.23 and 187.5) within the spacing of the data
        assertThat(r.bayes()).isCloseTo(189.23, within(0.5));
        assertThat(r.threshold()).isCloseTo(187.5, within(2.0));
        assertThat(Files.isRegularFile(dir.resolve("gendisc.png"))).isTrue();
    }
}
