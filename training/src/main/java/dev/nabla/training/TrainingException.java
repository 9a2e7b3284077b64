package dev.nabla.training;

/**
 * A {@link Trainer} run that stopped early because of an error: a non-finite loss or gradient
 * ({@link NonFiniteException}), or an exception in a callback or a data worker (the cause). The message
 * names the epoch and step and which checkpoint is left to resume from.
 */
public class TrainingException extends RuntimeException {
    private final int epoch;
    private final long step;

    public TrainingException(String message, int epoch, long step, Throwable cause) {
        super(message, cause);
        this.epoch = epoch;
        this.step = step;
    }

    /** The epoch during which training stopped (from 0). */
    public int epoch() { return epoch; }

    /** The optimizer step during which training stopped (from 0, counted over all epochs); -1 outside a step. */
    public long step() { return step; }
}
