package dev.nabla.training;

import dev.nabla.api.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts of (target class, predicted class) pairs, streaming over batches, printable as an aligned table
 * (rows: target class, columns: predicted class); per-class precision, recall and F1 come from it.
 *
 * <p>Predictions are class scores [N, C] (argmax taken) or class indices [N]; targets are class indices [N]
 * (int64), all in [0, numClasses). Where a ratio is 0/0 (a class never predicted, or never a target) it is
 * defined as 0, as scikit-learn's {@code zero_division=0}.
 *
 * <pre>{@code
 * ConfusionMatrix cm = new ConfusionMatrix(10);
 * for (Batch b : testLoader) cm.update(model.forward(b.x()), b.y());
 * System.out.println(cm);            // the table
 * double[] recall = cm.recall();
 * }</pre>
 */
public final class ConfusionMatrix {
    private final int numClasses;
    private final List<String> labels;
    private final long[][] counts;

    public ConfusionMatrix(int numClasses) { this(numClasses, null); }

    /** With class names for the table (e.g. "cat", "dog"); {@code null} for the indices. */
    public ConfusionMatrix(int numClasses, List<String> classNames) {
        if (numClasses < 1) throw new IllegalArgumentException("ConfusionMatrix: numClasses must be at least 1, got " + numClasses);
        if (classNames != null && classNames.size() != numClasses) {
            throw new IllegalArgumentException("ConfusionMatrix: " + classNames.size() + " class names for " + numClasses + " classes");
        }
        this.numClasses = numClasses;
        List<String> l = new ArrayList<>();
        for (int i = 0; i < numClasses; i++) l.add(classNames == null ? Integer.toString(i) : classNames.get(i));
        this.labels = List.copyOf(l);
        this.counts = new long[numClasses][numClasses];
    }

    /** Adds one batch. */
    public void update(Tensor predictions, Tensor targets) { update("ConfusionMatrix", predictions, targets); }

    /** Adds one batch; errors name {@code metric}. */
    void update(String metric, Tensor predictions, Tensor targets) {
        MetricInputs.Classes c = MetricInputs.classes(metric + "(numClasses=" + numClasses + ")", predictions, targets, numClasses);
        for (int i = 0; i < c.target().length; i++) counts[c.target()[i]][c.predicted()[i]]++;
    }

    public void reset() { for (long[] row : counts) java.util.Arrays.fill(row, 0); }

    public int numClasses() { return numClasses; }

    /** A copy of the counts: {@code [target][predicted]}. */
    public long[][] counts() {
        long[][] c = new long[numClasses][];
        for (int i = 0; i < numClasses; i++) c[i] = counts[i].clone();
        return c;
    }

    /** Samples so far. */
    public long total() {
        long n = 0;
        for (long[] row : counts) for (long v : row) n += v;
        return n;
    }

    /** Per class: true positives / predicted as the class (0 when never predicted). */
    public double[] precision() {
        double[] p = new double[numClasses];
        for (int c = 0; c < numClasses; c++) {
            long predicted = 0;
            for (int t = 0; t < numClasses; t++) predicted += counts[t][c];
            p[c] = ratio(counts[c][c], predicted);
        }
        return p;
    }

    /** Per class: true positives / samples of the class (0 when the class never occurs). */
    public double[] recall() {
        double[] r = new double[numClasses];
        for (int c = 0; c < numClasses; c++) {
            long actual = 0;
            for (long v : counts[c]) actual += v;
            r[c] = ratio(counts[c][c], actual);
        }
        return r;
    }

    /** Per class: the harmonic mean of precision and recall, {@code 2 TP / (2 TP + FP + FN)} (0 when that is 0/0). */
    public double[] f1() {
        double[] f = new double[numClasses];
        for (int c = 0; c < numClasses; c++) {
            long fp = 0, fn = 0;
            for (int o = 0; o < numClasses; o++) {
                if (o == c) continue;
                fp += counts[o][c];
                fn += counts[c][o];
            }
            f[c] = ratio(2 * counts[c][c], 2 * counts[c][c] + fp + fn);
        }
        return f;
    }

    private static double ratio(long a, long b) { return b == 0 ? 0 : (double) a / b; }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    /** The table, rows = target class, columns = predicted class, right-aligned. */
    @Override public String toString() {
        String corner = "target\\predicted";
        int w = 1;
        for (String l : labels) w = Math.max(w, l.length());
        for (long[] row : counts) for (long v : row) w = Math.max(w, Long.toString(v).length());
        int first = Math.max(corner.length(), w);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%" + first + "s", corner));
        for (String l : labels) sb.append("  ").append(String.format("%" + w + "s", l));
        for (int t = 0; t < numClasses; t++) {
            sb.append('\n').append(String.format("%" + first + "s", labels.get(t)));
            for (long v : counts[t]) sb.append("  ").append(String.format("%" + w + "d", v));
        }
        return sb.toString();
    }
}
