package dev.nabla.training;

import dev.nabla.api.Tensor;

/**
 * The mean of {@code |prediction - target|} over every element seen, streaming over batches.
 *
 * <p>Predictions and targets have the same shape, [N] or [N, k] (k outputs per sample, averaged uniformly).
 *
 * <pre>{@code
 * MeanAbsoluteError mae = new MeanAbsoluteError();
 * for (Batch b : valLoader) mae.update(model.forward(b.x()), b.y());
 * double error = mae.compute();
 * }</pre>
 */
public final class MeanAbsoluteError implements Metric {
    private double sum;
    private long count;
    private int outputs;

    @Override public void update(Tensor predictions, Tensor targets) {
        MetricInputs.Values v = MetricInputs.values("MeanAbsoluteError", predictions, targets, outputs);
        for (int i = 0; i < v.predicted().length; i++) {
            sum += Math.abs(v.predicted()[i] - v.target()[i]);
        }
        count += v.predicted().length;
        if (v.predicted().length > 0) outputs = v.outputs();
    }

    /** The mean absolute error; an error before any sample. */
    @Override public double compute() {
        if (count == 0) throw MetricInputs.empty("MeanAbsoluteError");
        return sum / count;
    }

    @Override public void reset() {
        sum = 0;
        count = 0;
        outputs = 0;
    }

    @Override public String name() { return "mae"; }
}
