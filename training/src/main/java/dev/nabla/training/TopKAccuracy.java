package dev.nabla.training;

import dev.nabla.api.Tensor;

/**
 * The fraction of samples whose target is among the {@code k} highest-scoring classes, streaming over batches.
 *
 * <p>Predictions are class scores [N, C] with C &gt;= k; targets are class indices [N] (int64). Ties count in the
 * target's favour: it is in the top k when fewer than k classes score strictly higher than it (so with all
 * scores equal every sample counts), whereas {@code torch.topk} would pick among tied classes by position.
 *
 * <pre>{@code
 * TopKAccuracy top5 = new TopKAccuracy(5);
 * for (Batch b : valLoader) top5.update(model.forward(b.x()), b.y());
 * double top5Error = top5.errorRate();
 * }</pre>
 */
public final class TopKAccuracy implements Metric {
    private final int k;
    private long correct, total;

    public TopKAccuracy(int k) {
        if (k < 1) throw new IllegalArgumentException("TopKAccuracy: k must be at least 1, got " + k);
        this.k = k;
    }

    @Override public void update(Tensor predictions, Tensor targets) {
        MetricInputs.Scores s = MetricInputs.scores("TopKAccuracy(k=" + k + ")", predictions, targets, -1, k);
        int c = s.numClasses();
        for (int i = 0; i < s.target().length; i++) {
            double t = s.scores()[i * c + s.target()[i]];
            int higher = 0;
            for (int j = 0; j < c; j++) if (s.scores()[i * c + j] > t) higher++;
            if (higher < k) correct++;
        }
        total += s.target().length;
    }

    /** The top-k accuracy in [0, 1]; an error before any sample. */
    @Override public double compute() {
        if (total == 0) throw MetricInputs.empty("TopKAccuracy(k=" + k + ")");
        return (double) correct / total;
    }

    /** {@code 1 - compute()}: the top-k error. */
    public double errorRate() {
        if (total == 0) throw MetricInputs.empty("TopKAccuracy(k=" + k + ")");
        return (double) (total - correct) / total;
    }

    public int k() { return k; }

    @Override public void reset() { correct = total = 0; }

    @Override public String name() { return "top" + k + "_accuracy"; }
}
