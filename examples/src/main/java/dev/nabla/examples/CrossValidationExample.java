package dev.nabla.examples;

import dev.nabla.api.Grad;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.Dataset;
import dev.nabla.datasets.Mnist;
import dev.nabla.datasets.Sample;
import dev.nabla.datasets.Subset;
import dev.nabla.training.CrossValidation;
import dev.nabla.training.Fold;
import dev.nabla.training.KFold;
import dev.nabla.training.RunSummary;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Model selection by k-fold cross-validation (slide 2.4): K of k-NN chosen on the bundled MNIST sample by
 * stratified 5-fold cross-validation of a development set (per-fold errors, their mean and spread), then the
 * chosen K trained on the whole development set and measured once on the sealed test digits.
 * Options: --dev N (4000 of the 8,000 training digits), --test N (2000 test digits), --folds F (5), --seed S (0).
 */
public final class CrossValidationExample {
    private CrossValidationExample() {}

    static final int[] KS = {1, 3, 5, 7, 10, 15, 20, 30, 50};

    record Result(int[] ks, RunSummary[] cv, int chosenK, double testError) {}

    public static void main(String[] args) {
        Figures.Args a = Figures.args("kfold", args).only("--dev", "--test", "--folds", "--seed");
        run(a.integer("--dev", 4000), a.integer("--test", 2000), a.integer("--folds", 5), a.integer("--seed", 0));
    }

    static Result run(int nDev, int nTest, int folds, long seed) {
        try (var g = Grad.disabled()) {
            Mnist train = Mnist.sample(true);
            Tensor pixels = Knn.pixels(train.data()), labels = train.targets();
            Dataset<Sample> dev = new Subset<>(train, IntStream.range(0, nDev).toArray());
            KFold kfold = new KFold(folds, seed, true);
            System.out.printf(Locale.ROOT, "k-NN on the bundled MNIST sample (10,000 real digits; the slide's MNIST has 70,000): "
                    + "K chosen by stratified %d-fold cross-validation of %d development digits, then %d sealed test digits%n",
                    folds, nDev, nTest);
            System.out.println("slide (line 1820): \"When data is scarce, one can use cross-validation: average through multiple random "
                    + "splits of the data in a train and a validation sets.\" (no numbers)");

            // the errors of every K on a fold come from one pass over that fold's sorted neighbours
            Map<Integer, double[]> perFold = new HashMap<>();
            RunSummary[] cv = new RunSummary[KS.length];
            StringBuilder header = new StringBuilder("     K");
            for (int f = 1; f <= folds; f++) header.append(String.format(Locale.ROOT, "  fold %d", f));
            System.out.println(header + "     mean ± std");
            int best = 0;
            for (int k = 0; k < KS.length; k++) {
                int kIndex = k;
                cv[k] = CrossValidation.run(kfold, dev, fold -> perFold.computeIfAbsent(fold.index(), i -> foldErrors(pixels, labels, fold))[kIndex]);
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%6d", KS[k]));
                for (double e : cv[k].values()) line.append(String.format(Locale.ROOT, "  %5.2f%%", 100 * e));
                System.out.println(line + String.format(Locale.ROOT, "  %5.2f%% ± %.2f%%", 100 * cv[k].mean(), 100 * cv[k].std()));
                if (cv[k].mean() < cv[best].mean()) best = k;
            }
            int chosen = KS[best];
            Mnist test = Mnist.sample(false);
            Tensor xDev = pixels.narrow(0, 0, nDev), yDev = labels.narrow(0, 0, nDev);
            double testError = Knn.errors(xDev, yDev, Knn.pixels(test.data()).narrow(0, 0, nTest), test.targets().narrow(0, 0, nTest),
                    new int[] {chosen}, 10)[0];
            System.out.printf(Locale.ROOT, "chosen K = %d (cross-validation error %.2f%% ± %.2f%%); trained on all %d development digits, "
                    + "the sealed test set, opened once: %.2f%%%n", chosen, 100 * cv[best].mean(), 100 * cv[best].std(), nDev, 100 * testError);
            return new Result(KS.clone(), cv, chosen, testError);
        }
    }

    /** The validation error of every K in {@link #KS}, the fold's training part as the neighbours. */
    static double[] foldErrors(Tensor pixels, Tensor labels, Fold<Sample> fold) {
        Tensor train = Tensor.of(Arrays.stream(fold.train().indices()).asLongStream().toArray());
        Tensor val = Tensor.of(Arrays.stream(fold.validation().indices()).asLongStream().toArray());
        return Knn.errors(pixels.indexSelect(0, train), labels.indexSelect(0, train), pixels.indexSelect(0, val), labels.indexSelect(0, val),
                KS, 10);
    }
}
