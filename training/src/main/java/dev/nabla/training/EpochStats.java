package dev.nabla.training;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One epoch of a {@link Trainer} run: its index (from 0), its values by name ({@code train_loss},
 * {@code val_loss}, {@code train_accuracy}, {@code val_accuracy}, {@code lr}, …) and how long it took.
 *
 * <pre>{@code
 * EpochStats s = history.last();
 * System.out.printf("epoch %d: validation loss %.4f%n", s.epoch(), s.get("val_loss"));
 * }</pre>
 */
public record EpochStats(int epoch, Map<String, Double> values, double seconds) {
    public EpochStats {
        if (epoch < 0) throw new IllegalArgumentException("EpochStats: epoch must be >= 0, got " + epoch);
        if (values == null) throw new IllegalArgumentException("EpochStats: values must not be null");
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The value named {@code key}; an error naming the keys there are when it is missing. */
    public double get(String key) {
        Double v = values.get(key);
        if (v == null) throw new IllegalArgumentException("EpochStats: no value '" + key + "' in epoch " + epoch + "; there are " + values.keySet());
        return v;
    }
}
