package dev.nabla.training;

import dev.nabla.api.Tensor;

/**
 * The fraction of samples whose predicted class is the target, streaming over batches; {@link #errorRate()} is
 * one minus it, as the course reports.
 *
 * <p>Predictions are class scores [N, C] (the argmax is taken; on ties the first maximal class, as
 * {@code torch.argmax}) or class indices [N] of an integer dtype; targets are class indices [N] (int64).
 *
 * <pre>{@code
 * Accuracy acc = new Accuracy();
 * for (Batch b : testLoader) acc.update(model.forward(b.x()), b.y());
 * System.out.printf("test error %.2f%%%n", 100 * acc.errorRate());
 * }</pre>
 */
public final class Accuracy implements Metric {
    private long correct, total;

    @Override public void update(Tensor predictions, Tensor targets) {
        MetricInputs.Classes c = MetricInputs.classes("Accuracy", predictions, targets, -1);
        for (int i = 0; i < c.target().length; i++) if (c.predicted()[i] == c.target()[i]) correct++;
        total += c.target().length;
    }

    /** The accuracy in [0, 1]; an error before any sample. */
    @Override public double compute() {
        if (total == 0) throw MetricInputs.empty("Accuracy");
        return (double) correct / total;
    }

    /** The fraction of misclassified samples, {@code 1 - compute()}. */
    public double errorRate() {
        if (total == 0) throw MetricInputs.empty("Accuracy");
        return (double) (total - correct) / total;
    }

    /** Correctly classified samples so far. */
    public long correct() { return correct; }

    /** Samples so far. */
    public long total() { return total; }

    @Override public void reset() { correct = total = 0; }

    @Override public String name() { return "accuracy"; }
}
