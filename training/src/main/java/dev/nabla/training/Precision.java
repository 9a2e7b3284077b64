package dev.nabla.training;

import dev.nabla.api.Tensor;

/**
 * Precision per class and its macro average, streaming over batches.
 *
 * <p>Precision of class c is TP / (TP + FP): of the samples predicted as c, the fraction that are c.
 * A ratio that is 0/0 is defined as 0 (scikit-learn's {@code zero_division=0}), and the macro average
 * includes every class in [0, numClasses), also those absent from the data (scikit-learn's
 * {@code average="macro"} with {@code labels=range(numClasses)}). Inputs as {@link ConfusionMatrix}'s:
 * class scores [N, C] or class indices [N], targets int64 [N].
 *
 * <pre>{@code
 * Precision m = new Precision(10);
 * for (Batch b : testLoader) m.update(model.forward(b.x()), b.y());
 * double macro = m.compute();
 * double[] perClass = m.perClass();
 * }</pre>
 */
public final class Precision implements Metric {
    private final ConfusionMatrix counts;

    public Precision(int numClasses) { this.counts = new ConfusionMatrix(numClasses); }

    @Override public void update(Tensor predictions, Tensor targets) { counts.update("Precision", predictions, targets); }

    /** The macro average over the classes. */
    @Override public double compute() { return ConfusionMatrix.mean(perClass()); }

    /** One value per class. */
    public double[] perClass() { return counts.precision(); }

    @Override public void reset() { counts.reset(); }

    @Override public String name() { return "macro_precision"; }
}
