package dev.nabla.examples;

import dev.nabla.api.Grad;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import java.util.Locale;

/**
 * The course's 1,000 candidates (slide 2.2): each answers 10 yes/no questions at random; how often does at
 * least one of them score perfectly? Simulated many times, beside the exact 1 − (1 − 2⁻¹⁰)¹⁰⁰⁰ = 0.6236.
 * Options: --trials N (10000 pools of 1,000 candidates), --seed S (0).
 */
public final class Candidates {
    private Candidates() {}

    static final int CANDIDATES = 1000, QUESTIONS = 10;

    /** The share of pools with a perfect score, the share of candidates with one, and the exact values. */
    record Result(int trials, double anyPerfect, double perfect, double exactAnyPerfect, double exactPerfect) {}

    public static void main(String[] args) {
        Figures.Args a = Figures.args("candidates", args).only("--trials", "--seed");
        run(a.integer("--trials", 10000), a.integer("--seed", 0));
    }

    static Result run(int trials, long seed) {
        Nabla.manualSeed(seed);
        long pools = 0, people = 0;
        try (var g = Grad.disabled()) {
            for (int done = 0; done < trials; done += 100) {
                int b = Math.min(100, trials - done);
                Tensor right = Tensor.randint(0, 2, b, CANDIDATES, QUESTIONS);     // Q_k^n ~ B(0.5): 1 = answered right
                Tensor perfect = right.sum(2).eq(QUESTIONS);                        // [b, 1000]: all ten right
                people += (long) perfect.sum().item();
                pools += (long) perfect.sum(1).gt(0).sum().item();
                right.nd().close();
            }
        }
        double exactPerfect = Math.pow(2, -QUESTIONS);
        double exactAny = 1 - Math.pow(1 - exactPerfect, CANDIDATES);
        Result r = new Result(trials, (double) pools / trials, (double) people / ((long) trials * CANDIDATES), exactAny,
                exactPerfect);
        System.out.printf(Locale.ROOT, "%d pools of %d candidates answering %d yes/no questions at random%n", trials, CANDIDATES, QUESTIONS);
        System.out.printf(Locale.ROOT, "one candidate scores perfectly:     %.6f of the candidates   exact 1/1024 = %.6f%n", r.perfect(),
                exactPerfect);
        System.out.printf(Locale.ROOT, "some candidate of the pool does:    %.4f of the pools        exact 1 - (1 - 2^-10)^1000 = %.4f%n",
                r.anyPerfect(), exactAny);
        System.out.printf(Locale.ROOT, "  (± %.4f: one standard error of the simulated share)%n",
                Math.sqrt(exactAny * (1 - exactAny) / trials));
        System.out.println("slide (line 1517): \"P(∃n, ∀k, Q_k^n = 1) ≃ 0.62. So there is 62% chance that among 1, 000 candidates "
                + "answering completely at random, one will score perfectly.\"");
        return r;
    }
}
