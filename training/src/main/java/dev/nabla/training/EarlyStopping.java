package dev.nabla.training;

import java.util.List;

/**
 * Stops training when a monitored value (e.g. {@code "val_loss"} or {@code "val_accuracy"}) has not
 * improved by more than {@code minDelta} for {@code patience} epochs; {@code mode} is "min" or "max".
 * A pure function of the history, so a resumed run stops where an uninterrupted one would.
 *
 * <pre>{@code
 * new EarlyStopping("val_loss", "min", 3)
 * }</pre>
 */
public record EarlyStopping(String monitor, String mode, int patience, double minDelta) {
    public EarlyStopping {
        if (monitor == null || monitor.isEmpty()) throw new IllegalArgumentException("EarlyStopping: monitor must name a value, e.g. \"val_loss\"");
        if (!"min".equals(mode) && !"max".equals(mode)) throw new IllegalArgumentException("EarlyStopping: mode must be \"min\" or \"max\", got " + mode);
        if (patience < 0) throw new IllegalArgumentException("EarlyStopping: patience must be >= 0, got " + patience);
        if (!(minDelta >= 0)) throw new IllegalArgumentException("EarlyStopping: minDelta must be >= 0, got " + minDelta);
    }

    public EarlyStopping(String monitor, String mode, int patience) { this(monitor, mode, patience, 0); }

    /** The index in {@code epochs} of the best epoch so far (the first of equals); -1 for none. */
    public int bestEpoch(List<EpochStats> epochs) {
        int best = -1;
        double bestValue = 0;
        for (int i = 0; i < epochs.size(); i++) {
            double v = epochs.get(i).get(monitor);
            if (best < 0 || ("min".equals(mode) ? v < bestValue - minDelta : v > bestValue + minDelta)) {
                best = i;
                bestValue = v;
            }
        }
        return best;
    }

    /** Whether training should stop after the last of these epochs. */
    public boolean shouldStop(List<EpochStats> epochs) {
        int best = bestEpoch(epochs);
        return best >= 0 && epochs.size() - 1 - best >= patience;
    }
}
