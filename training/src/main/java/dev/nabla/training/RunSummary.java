package dev.nabla.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The values of one quantity over several runs or folds (lower is better: an error or a loss), with
 * worst / median / best / mean ± standard deviation (sample standard deviation, n − 1; 0 for one run).
 *
 * <pre>{@code
 * System.out.println(RepeatedRuns.run(10, 0, seed -> testError()).table());
 * //   error over 10 runs
 * //   worst    1.30%
 * //   median   1.00%
 * //   best     0.82%
 * //   mean     1.02% ± 0.13%
 * }</pre>
 */
public record RunSummary(String metric, List<String> labels, List<Double> values) {
    public RunSummary {
        if (values == null || values.isEmpty()) throw new IllegalArgumentException("RunSummary: no values");
        if (labels == null || labels.size() != values.size()) {
            throw new IllegalArgumentException("RunSummary: expected one label per value, got " + (labels == null ? 0 : labels.size())
                    + " labels and " + values.size() + " values");
        }
        labels = List.copyOf(labels);
        values = List.copyOf(values);
    }

    public double mean() {
        double s = 0;
        for (double v : values) s += v;
        return s / values.size();
    }

    public double std() {
        if (values.size() < 2) return 0;
        double m = mean(), s = 0;
        for (double v : values) s += (v - m) * (v - m);
        return Math.sqrt(s / (values.size() - 1));
    }

    /** The middle value (the mean of the two middle ones for an even count). */
    public double median() {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The largest value. */
    public double worst() { return Collections.max(values); }

    /** The smallest value. */
    public double best() { return Collections.min(values); }

    /** The course's table: worst, median, best, mean ± std (as percentages when every value is in [0, 1]). */
    public String table() {
        StringBuilder b = new StringBuilder(String.format("%s over %d %s%n", metric, values.size(), values.size() == 1 ? "run" : "runs"));
        b.append(String.format("worst    %s%n", fmt(worst())));
        b.append(String.format("median   %s%n", fmt(median())));
        b.append(String.format("best     %s%n", fmt(best())));
        b.append(String.format("mean     %s ± %s%n", fmt(mean()), fmt(std())));
        return b.toString();
    }

    /** One line per run or fold, then {@link #table()}. */
    public String perRunTable() {
        int w = 0;
        for (String l : labels) w = Math.max(w, l.length());
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.size(); i++) b.append(String.format("%-" + w + "s  %s%n", labels.get(i), fmt(values.get(i))));
        return b.append(table()).toString();
    }

    private String fmt(double v) {
        boolean percent = values.stream().allMatch(x -> x >= 0 && x <= 1);
        return percent ? String.format("%.2f%%", 100 * v) : String.format("%.4g", v);
    }

    @Override public String toString() { return table(); }
}
