package dev.nabla.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-epoch values of a {@link Trainer} run (train / validation loss and metrics, learning rate),
 * written as CSV and plotted to PNG.
 *
 * <pre>{@code
 * History h = trainer.fit(train, validation);
 * h.writeCsv(Path.of("history.csv"));
 * h.plot(Path.of("history.png"));
 * }</pre>
 */
public final class History {
    private final List<EpochStats> epochs = new ArrayList<>();

    public History() {}

    public History(List<EpochStats> epochs) { this.epochs.addAll(epochs); }

    /** Appends an epoch. */
    public void add(EpochStats stats) { epochs.add(stats); }

    /** The epochs in order. */
    public List<EpochStats> epochs() { return Collections.unmodifiableList(epochs); }

    public int size() { return epochs.size(); }

    /** The last epoch; an error when there is none. */
    public EpochStats last() {
        if (epochs.isEmpty()) throw new IllegalStateException("History: no epoch yet");
        return epochs.get(epochs.size() - 1);
    }

    /** Every value name, in first-seen order (e.g. train_loss, train_accuracy, val_loss, val_accuracy, lr). */
    public List<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        for (EpochStats s : epochs) keys.addAll(s.values().keySet());
        return List.copyOf(keys);
    }

    /** One value over the epochs (NaN where an epoch lacks it). */
    public double[] series(String key) {
        double[] v = new double[epochs.size()];
        for (int i = 0; i < v.length; i++) v[i] = epochs.get(i).values().getOrDefault(key, Double.NaN);
        return v;
    }

    /** The CSV text: a header {@code epoch,<keys…>,seconds}, then one row per epoch; values in full precision. */
    public String toCsv() {
        List<String> keys = keys();
        StringBuilder b = new StringBuilder("epoch");
        for (String k : keys) b.append(',').append(k);
        b.append(",seconds\n");
        for (EpochStats s : epochs) {
            b.append(s.epoch());
            for (String k : keys) {
                Double v = s.values().get(k);
                b.append(',').append(v == null ? "" : Double.toString(v));
            }
            b.append(',').append(s.seconds()).append('\n');
        }
        return b.toString();
    }

    /** Writes {@link #toCsv()} to {@code file} (atomically: a temporary file, then a move). */
    public void writeCsv(Path file) throws IOException { Plots.writeAtomically(file, toCsv().getBytes(java.nio.charset.StandardCharsets.UTF_8)); }

    /**
     * Plots the history to a PNG: one panel for the losses, one per metric, each with its train and
     * validation curves over the epochs.
     */
    public void plot(Path png) throws IOException {
        Map<String, Map<String, double[]>> panels = new LinkedHashMap<>();
        for (String k : keys()) {
            String base = k.startsWith("train_") ? k.substring(6) : k.startsWith("val_") ? k.substring(4) : null;
            if (base == null) continue;
            panels.computeIfAbsent(base, x -> new LinkedHashMap<>()).put(k.startsWith("train_") ? "train" : "validation", series(k));
        }
        if (panels.isEmpty()) throw new IllegalStateException("History.plot: nothing to plot; the history has " + keys());
        double[] x = new double[epochs.size()];
        for (int i = 0; i < x.length; i++) x[i] = epochs.get(i).epoch();
        Plots.panels(png, "epoch", x, panels);
    }

    @Override public String toString() { return toCsv(); }
}
