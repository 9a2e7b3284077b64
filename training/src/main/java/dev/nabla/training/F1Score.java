package dev.nabla.training;

import dev.nabla.api.Tensor;

/**
 * F1 score per class and its macro average, streaming over batches.
 *
 * <p>F1 of class c is 2 TP / (2 TP + FP + FN), the harmonic mean 2PR / (P + R) where that is defined.
 * A ratio that is 0/0 is defined as 0 (scikit-learn's {@code zero_division=0}), and the macro average
 * includes every class in [0, numClasses), also those absent from the data (scikit-learn's
 * {@code average="macro"} with {@code labels=range(numClasses)}). Inputs as {@link ConfusionMatrix}'s:
 * class scores [N, C] or class indices [N], targets int64 [N].
 *
 * <pre>{@code
 * F1Score m = new F1Score(10);
 * for (Batch b : testLoader) m.update(model.forward(b.x()), b.y());
 * double macro = m.compute();
 * double[] perClass = m.perClass();
 * }</pre>
 */
public final class F1Score implements Metric {
    private final ConfusionMatrix counts;

    public F1Score(int numClasses) { this.counts = new ConfusionMatrix(numClasses); }

    @Override public void update(Tensor predictions, Tensor targets) { counts.update("F1Score", predictions, targets); }

    /** The macro average over the classes. */
    @Override public double compute() { return ConfusionMatrix.mean(perClass()); }

    /** One value per class. */
    public double[] perClass() { return counts.f1(); }

    @Override public void reset() { counts.reset(); }

    @Override public String name() { return "macro_f1"; }
}
