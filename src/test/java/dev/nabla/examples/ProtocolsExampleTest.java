package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The protocols example on the real bundled sample, small: 2 seeds and 1 epoch. */
class ProtocolsExampleTest {
    @Test void repeatedRunsAndASealedTestSet() {
        Protocols.Result r = Protocols.run(2, 1);
        assertThat(r.runs().values()).hasSize(2);
        assertThat(r.runs().worst()).isLessThan(0.15);               // one epoch on 8,000 digits: ~9-10% error
        assertThat(r.runs().best()).isLessThanOrEqualTo(r.runs().median());
        assertThat(r.chosenLr()).isIn(0.01, 0.03, 0.1);
        assertThat(r.validationError()).isLessThan(0.3);
        assertThat(r.testError()).isBetween(0.0, 0.3);
    }
}
