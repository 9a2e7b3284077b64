package dev.nabla.training;

import dev.nabla.datasets.Dataset;
import dev.nabla.datasets.Sample;
import dev.nabla.datasets.Subset;
import java.util.function.Function;

/**
 * The course's holdout protocol: one dataset split once (seeded, optionally stratified by class) into a
 * training set, a validation set for every choice of model and hyperparameters, and a test set that is
 * sealed: it is evaluated through one explicit final call to {@link #test}, and a second call is an error
 * (re-using the test set to decide anything "should be avoided at all costs").
 *
 * <pre>{@code
 * Holdout<Sample> h = Holdout.stratified(data, 0.7, 0.15, 0.15, 42);
 * // … train on h.train(), tune on h.validation() …
 * double testError = h.test(test -> errorRate(model, test));   // once
 * }</pre>
 */
public final class Holdout<E> {
    private final Subset<E> train, validation, test;
    private boolean testUsed;

    private Holdout(Dataset<E> ds, int[][] parts) {
        this.train = new Subset<>(ds, parts[0]);
        this.validation = new Subset<>(ds, parts[1]);
        this.test = new Subset<>(ds, parts[2]);
    }

    /** A random split with these fractions (adding up to 1); the same seed gives the same split. */
    public static <E> Holdout<E> split(Dataset<E> ds, double train, double validation, double test, long seed) {
        return new Holdout<>(ds, Splits.partition("Holdout", ds.size(), null, new double[] {train, validation, test}, seed));
    }

    /** As {@link #split}, each class split in these fractions, so every part keeps the class proportions. */
    public static Holdout<Sample> stratified(Dataset<Sample> ds, double train, double validation, double test, long seed) {
        return new Holdout<>(ds, Splits.partition("Holdout", ds.size(), Splits.labels("Holdout", ds),
                new double[] {train, validation, test}, seed));
    }

    public Subset<E> train() { return train; }

    /** What every choice is tuned on. */
    public Subset<E> validation() { return validation; }

    /** The size of the sealed test set (its elements are reachable only through {@link #test}). */
    public int testSize() { return test.size(); }

    /** Whether {@link #test} has been called. */
    public synchronized boolean testUsed() { return testUsed; }

    /**
     * The final evaluation: runs {@code evaluation} on the test set and returns its result. Allowed once
     * per protocol (the seal is broken when the call starts, even if the evaluation throws).
     */
    public <R> R test(Function<? super Subset<E>, R> evaluation) {
        synchronized (this) {
            if (testUsed) {
                throw new IllegalStateException("Holdout: the test set was already evaluated; evaluating it again lets it guide choices, "
                        + "which should be avoided at all costs. Compare models on validation(), and report the one test result you have");
            }
            testUsed = true;
        }
        return evaluation.apply(test);
    }
}
