package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nabla.training.RunSummary;
import org.junit.jupiter.api.Test;

/**
 * k-fold cross-validation on 1,000 real digits: one error per fold, K chosen by the smallest mean, and the
 * cross-validation estimate of the chosen K predicting the sealed test error (within three standard errors
 * of the folds plus the test set's own sampling error).
 */
class CrossValidationExampleTest {
    @Test void crossValidationChoosesKAndPredictsTheTestError() {
        CrossValidationExample.Result r = CrossValidationExample.run(1000, 1000, 5, 0);
        int chosen = -1;
        double bestMean = 1;
        for (int k = 0; k < r.ks().length; k++) {
            RunSummary cv = r.cv()[k];
            assertThat(cv.values()).hasSize(5);
            assertThat(cv.std()).isPositive();
            if (cv.mean() < bestMean) {
                bestMean = cv.mean();
                chosen = r.ks()[k];
            }
        }
        assertThat(r.chosenK()).isEqualTo(chosen);
        assertThat(r.chosenK()).isLessThan(30);                                 // the large K underfit
        RunSummary largest = r.cv()[r.ks().length - 1];
        assertThat(largest.mean()).isGreaterThan(bestMean + 0.02);
        double spread = 3 * Math.sqrt(Math.pow(r.cv()[index(r, chosen)].std() / Math.sqrt(5), 2) + bestMean * (1 - bestMean) / 1000);
        assertThat(r.testError()).isBetween(bestMean - spread, bestMean + spread);
        assertThat(r.testError()).isBetween(0.04, 0.2);
    }

    private static int index(CrossValidationExample.Result r, int k) {
        for (int i = 0; i < r.ks().length; i++) if (r.ks()[i] == k) return i;
        throw new AssertionError(k);
    }
}
