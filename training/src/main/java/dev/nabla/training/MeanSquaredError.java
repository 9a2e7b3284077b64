package dev.nabla.training;

import dev.nabla.api.Tensor;

/**
 * The mean of {@code (prediction - target)²} over every element seen, streaming over batches.
 *
 * <p>Predictions and targets have the same shape, [N] or [N, k] (k outputs per sample, averaged uniformly).
 *
 * <pre>{@code
 * MeanSquaredError mse = new MeanSquaredError();
 * for (Batch b : valLoader) mse.update(model.forward(b.x()), b.y());
 * double rmse = Math.sqrt(mse.compute());
 * }</pre>
 */
public final class MeanSquaredError implements Metric {
    private double sum;
    private long count;
    private int outputs;

    @Override public void update(Tensor predictions, Tensor targets) {
        MetricInputs.Values v = MetricInputs.values("MeanSquaredError", predictions, targets, outputs);
        for (int i = 0; i < v.predicted().length; i++) {
            double d = v.predicted()[i] - v.target()[i];
            sum += d * d;
        }
        count += v.predicted().length;
        if (v.predicted().length > 0) outputs = v.outputs();
    }

    /** The mean squared error; an error before any sample. */
    @Override public double compute() {
        if (count == 0) throw MetricInputs.empty("MeanSquaredError");
        return sum / count;
    }

    @Override public void reset() {
        sum = 0;
        count = 0;
        outputs = 0;
    }

    @Override public String name() { return "mse"; }
}
