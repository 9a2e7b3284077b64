package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The slide's 62%: the simulated share of pools with a perfect score matches 1 − (1 − 2⁻¹⁰)¹⁰⁰⁰. */
class CandidatesTest {
    @Test void sixtyTwoPercentOfPoolsHaveAPerfectScore() {
        Candidates.Result r = Candidates.run(2000, 1);
        assertThat(r.exactAnyPerfect()).isCloseTo(0.6236, within(5e-5));
        double se = Math.sqrt(0.6236 * (1 - 0.6236) / 2000);              // 0.011
        assertThat(r.anyPerfect()).isCloseTo(r.exactAnyPerfect(), within(4 * se));
        double seOne = Math.sqrt(r.exactPerfect() / (2000 * 1000.0));      // 2 million candidates
        assertThat(r.perfect()).isCloseTo(1 / 1024.0, within(4 * seOne));
    }

    @Test void printsTheSlidesLineBesideItsOwn() {
        String out = Console.run("candidates", "--trials", "200");
        assertThat(out).contains("exact 1 - (1 - 2^-10)^1000 = 0.6236").contains("62% chance");
    }
}
