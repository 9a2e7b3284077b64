package dev.nabla.training;

import dev.nabla.api.Tensor;

/**
 * Recall per class and its macro average, streaming over batches.
 *
 * <p>Recall of class c is TP / (TP + FN): of the samples of class c, the fraction predicted as c.
 * A ratio that is 0/0 is defined as 0 (scikit-learn's {@code zero_division=0}), and the macro average
 * includes every class in [0, numClasses), also those absent from the data (scikit-learn's
 * {@code average="macro"} with {@code labels=range(numClasses)}). Inputs as {@link ConfusionMatrix}'s:
 * class scores [N, C] or class indices [N], targets int64 [N].
 *
 * <pre>{@code
 * Recall m = new Recall(10);
 * for (Batch b : testLoader) m.update(model.forward(b.x()), b.y());
 * double macro = m.compute();
 * double[] perClass = m.perClass();
 * }</pre>
 */
public final class Recall implements Metric {
    private final ConfusionMatrix counts;

    public Recall(int numClasses) { this.counts = new ConfusionMatrix(numClasses); }

    @Override public void update(Tensor predictions, Tensor targets) { counts.update("Recall", predictions, targets); }

    /** The macro average over the classes. */
    @Override public double compute() { return ConfusionMatrix.mean(perClass()); }

    /** One value per class. */
    public double[] perClass() { return counts.recall(); }

    @Override public void reset() { counts.reset(); }

    @Override public String name() { return "macro_recall"; }
}
