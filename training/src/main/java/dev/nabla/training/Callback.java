package dev.nabla.training;

/**
 * Hooks into a {@link Trainer} run, for anything the trainer does not do itself (logging, saving
 * samples, changing options). Every method does nothing by default. An exception thrown here ends the
 * run with a {@link TrainingException}; the checkpoint of the last completed epoch stays intact.
 *
 * <pre>{@code
 * trainer.callback(new Callback() {
 *     @Override public void onEpochEnd(Trainer t, EpochStats s) { System.out.println(s); }
 * });
 * }</pre>
 */
public interface Callback {
    /** Before the first batch of {@code epoch}. */
    default void onEpochStart(Trainer trainer, int epoch) {}

    /** After the optimizer step of batch {@code batch} of {@code epoch}, with that batch's loss. */
    default void onBatchEnd(Trainer trainer, int epoch, int batch, double loss) {}

    /** After training and validation of an epoch, before its checkpoint is written. */
    default void onEpochEnd(Trainer trainer, EpochStats stats) {}

    /** When the run ends normally (after the last epoch or an early stop). */
    default void onTrainEnd(Trainer trainer, History history) {}
}
