package dev.nabla.training;

import dev.nabla.datasets.Dataset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * K-fold cross-validation: one experiment per fold (train on {@code fold.train()}, measure an error on
 * {@code fold.validation()}), summarized as per-fold values with their mean and standard deviation.
 *
 * <pre>{@code
 * RunSummary cv = CrossValidation.run(new KFold(5, 42, true), data, fold -> trainAndMeasureError(fold));
 * System.out.println(cv.perRunTable());
 * }</pre>
 */
public final class CrossValidation {
    private CrossValidation() {}

    /** Runs {@code experiment} on every fold, in order; its result is an error (lower is better). */
    public static <E> RunSummary run(KFold kfold, Dataset<E> ds, ToDoubleFunction<Fold<E>> experiment) {
        List<String> labels = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (Fold<E> f : kfold.split(ds)) {
            labels.add("fold " + (f.index() + 1));
            values.add(experiment.applyAsDouble(f));
        }
        return new RunSummary("error", labels, values);
    }
}
