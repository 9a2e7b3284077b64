package dev.nabla.training;

import dev.nabla.datasets.Dataset;
import dev.nabla.datasets.Subset;
import java.util.ArrayList;
import java.util.List;

/**
 * K-fold splits, as scikit-learn's {@code KFold(shuffle=True)} / {@code StratifiedKFold}: the samples are
 * shuffled with {@code seed} and dealt into {@code k} folds whose sizes differ by at most one; stratified,
 * each class is spread evenly over the folds (its samples must be {@code Sample}s with a class index target).
 *
 * <pre>{@code
 * for (Fold<Sample> f : new KFold(5, 42, true).split(data)) { … train on f.train(), measure on f.validation() … }
 * }</pre>
 */
public record KFold(int k, long seed, boolean stratified) {
    public KFold {
        if (k < 2) throw new IllegalArgumentException("KFold: k must be >= 2, got " + k);
    }

    public KFold(int k, long seed) { this(k, seed, false); }

    /** The {@code k} folds of {@code ds}; the same seed gives the same folds. */
    public <E> List<Fold<E>> split(Dataset<E> ds) {
        int n = ds.size();
        int[][] folds = Splits.folds("KFold", n, stratified ? Splits.labels("KFold", ds) : null, k, seed);
        List<Fold<E>> out = new ArrayList<>(k);
        for (int f = 0; f < k; f++) out.add(new Fold<>(f, new Subset<>(ds, Splits.complement(n, folds[f])), new Subset<>(ds, folds[f])));
        return out;
    }
}
