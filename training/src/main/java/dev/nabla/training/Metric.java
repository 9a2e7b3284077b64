package dev.nabla.training;

import dev.nabla.api.Tensor;

/**
 * A streaming metric: {@link #update} once per batch (under no-grad, nothing is recorded), {@link #compute()}
 * at any time for the value over every sample since the last {@link #reset()}.
 *
 * <pre>{@code
 * Metric acc = new Accuracy();
 * for (Batch b : testLoader) acc.update(model.forward(b.x()), b.y());
 * System.out.println(acc.name() + " " + acc.compute());
 * acc.reset();
 * }</pre>
 */
public interface Metric {
    /** Adds one batch: model outputs and targets, whose shapes each metric documents. */
    void update(Tensor predictions, Tensor targets);

    /** The value over every sample seen since the last reset. */
    double compute();

    /** Forgets every sample. */
    void reset();

    /** A short name for tables and histories, e.g. {@code "accuracy"}. */
    String name();
}
