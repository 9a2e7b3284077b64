package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The protocols example on the real bundled sample, small: 2 seeds and 1 epoch. */
class ProtocolsExampleTest {
    @Test void repeatedRunsAndASealedTestSet() {
        Protocols.Result r = Protocols.run(2, 1);
        assertThat(r.runs().values()).hasSize(2);
        // one epoch on 8,000 digits at lr 0.1 is volatile: 10.75-22% over seeds 1-3 and float-rounding differences
        // between kernels (an untrained net stays near 90%)
        assertThat(r.runs().worst()).isLessThan(0.3);
        assertThat(r.runs().best()).isLessThanOrEqualTo(r.runs().median());
        assertThat(r.chosenLr()).isIn(0.01, 0.03, 0.1);
        assertThat(r.validationError()).isLessThan(0.3);
        assertThat(r.testError()).isBetween(0.0, 0.3);
    }
}
