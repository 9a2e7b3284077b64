package dev.nabla.training;

/**
 * The loss or a gradient became NaN or infinite: {@link #where()} is {@code "loss"} or the dotted name of
 * the first parameter (in {@code namedParameters()} order) whose gradient went non-finite.
 */
public final class NonFiniteException extends TrainingException {
    private final String where;

    public NonFiniteException(String message, String where, int epoch, long step) {
        super(message, epoch, step, null);
        this.where = where;
    }

    /** {@code "loss"} or the parameter's dotted name, e.g. {@code "fc1.weight"}. */
    public String where() { return where; }
}
