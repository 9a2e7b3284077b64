package dev.nabla.training;

import dev.nabla.api.Tensor;

/**
 * The coefficient of determination R² = 1 - SS_res / SS_tot, streaming over batches.
 *
 * <p>Predictions and targets have the same shape, [N] or [N, k]; with k outputs the result is the mean of the
 * k per-output scores (scikit-learn's {@code multioutput="uniform_average"}). The targets' spread is
 * accumulated with Chan's parallel update, as exact as a single pass over all samples. Constant targets
 * (SS_tot = 0) give 1 for perfect predictions and 0 otherwise, as scikit-learn's {@code force_finite=True}.
 *
 * <pre>{@code
 * R2Score r2 = new R2Score();
 * for (Batch b : valLoader) r2.update(model.forward(b.x()), b.y());
 * double score = r2.compute();         // 1 = perfect, 0 = as good as predicting the mean
 * }</pre>
 */
public final class R2Score implements Metric {
    private long n;
    private double[] mean, m2, sse;   // per output: targets' mean and squared deviations, squared residuals

    @Override public void update(Tensor predictions, Tensor targets) {
        MetricInputs.Values v = MetricInputs.values("R2Score", predictions, targets, mean == null ? 0 : mean.length);
        int k = v.outputs(), rows = v.target().length / Math.max(k, 1);
        if (rows == 0) return;
        if (mean == null) {
            mean = new double[k];
            m2 = new double[k];
            sse = new double[k];
        }
        for (int j = 0; j < k; j++) {
            double bm = 0, bm2 = 0;
            for (int i = 0; i < rows; i++) bm += v.target()[i * k + j];
            bm /= rows;
            for (int i = 0; i < rows; i++) {
                double d = v.target()[i * k + j] - bm, r = v.target()[i * k + j] - v.predicted()[i * k + j];
                bm2 += d * d;
                sse[j] += r * r;
            }
            double delta = bm - mean[j], total = n + rows;
            mean[j] += delta * rows / total;
            m2[j] += bm2 + delta * delta * n * rows / total;
        }
        n += rows;
    }

    /** R², averaged over the outputs; an error with fewer than two samples. */
    @Override public double compute() {
        if (n < 2) throw new IllegalStateException("R2Score: needs at least 2 samples, got " + n + "; call update(predictions, targets) first");
        double s = 0;
        for (int j = 0; j < mean.length; j++) s += m2[j] == 0 ? (sse[j] == 0 ? 1 : 0) : 1 - sse[j] / m2[j];
        return s / mean.length;
    }

    @Override public void reset() {
        n = 0;
        mean = m2 = sse = null;
    }

    @Override public String name() { return "r2"; }
}
