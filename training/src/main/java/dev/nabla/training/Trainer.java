package dev.nabla.training;

import dev.nabla.api.Grad;
import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.Batch;
import dev.nabla.datasets.DataLoader;
import dev.nabla.layers.Loss;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small, optional training loop for the common case: epochs over a train loader, an optional validation
 * loader, a loss, an optimizer, an optional schedule, metrics, a progress bar, a {@link History}, early
 * stopping, a checkpoint per epoch and {@link Callback}s. The plain loop
 * ({@code zeroGrad(); loss.backward(); step()}) is all it runs; write it by hand when you need more.
 *
 * <p>Each epoch: {@code model.train()}, every batch {@code zeroGrad → forward → loss → backward → step}
 * (stopping with a {@link NonFiniteException} when the loss or a gradient is NaN or infinite); then, with
 * a validation loader, {@code model.eval()} and the loss and metrics under no-grad; then the schedule's
 * step, the callbacks, the checkpoint (written atomically), and early stopping.
 *
 * <p>{@link #resume} loads the checkpoint (model, optimizer, schedule, history, and the random state of
 * the training thread), sets the train loader to the next epoch, and continues: the final parameters are
 * bit for bit those of an uninterrupted run, given the same seed, model, loaders and options.
 *
 * <pre>{@code
 * var trainer = new Trainer(model, new SGD(model.parameters(), 0.1), F::crossEntropy,
 *         Trainer.Options.DEFAULT.withEpochs(10).withCheckpoint(Path.of("run/checkpoint.safetensors"))
 *                 .withEarlyStopping(new EarlyStopping("val_loss", "min", 3)))
 *         .metrics(new Accuracy());
 * History h = trainer.fit(trainLoader, validationLoader);
 * h.plot(Path.of("run/history.png"));
 * }</pre>
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /**
     * The knobs: the number of epochs, no output at all ({@code quiet}), the checkpoint file ({@code null}: none),
     * early stopping ({@code null}: none), the NaN / infinity check of the loss and gradients at every step (on by
     * default), and where the progress goes ({@code null}: {@code System.out}). On a terminal that is a bar per epoch
     * with the running loss, ending with the validation values; elsewhere (an IDE, CI, a log file) one line per epoch:
     * {@code epoch 0 (1 of 10)  train_loss 0.5210  val_loss 0.4102  val_accuracy 0.8750  lr 0.1  2.3 s}.
     */
    public record Options(int epochs, boolean quiet, Path checkpoint, EarlyStopping earlyStopping, boolean checkFinite,
                          PrintStream output) {
        public static final Options DEFAULT = new Options(1, false, null, null, true, null);

        public Options {
            if (epochs < 1) throw new IllegalArgumentException("Trainer: epochs must be >= 1, got " + epochs);
        }

        public Options withEpochs(int v) { return new Options(v, quiet, checkpoint, earlyStopping, checkFinite, output); }
        public Options withQuiet(boolean v) { return new Options(epochs, v, checkpoint, earlyStopping, checkFinite, output); }
        public Options withCheckpoint(Path v) { return new Options(epochs, quiet, v, earlyStopping, checkFinite, output); }
        public Options withEarlyStopping(EarlyStopping v) { return new Options(epochs, quiet, checkpoint, v, checkFinite, output); }
        public Options withCheckFinite(boolean v) { return new Options(epochs, quiet, checkpoint, earlyStopping, v, output); }
        public Options withOutput(PrintStream v) { return new Options(epochs, quiet, checkpoint, earlyStopping, checkFinite, v); }
    }

    private final Module model;
    private final Optimizer optimizer;
    private final BiFunction<Tensor, Tensor, Tensor> loss;
    private final Options options;
    private final Map<String, Parameter> named;
    private final List<Metric> metrics = new ArrayList<>();
    private final List<Callback> callbacks = new ArrayList<>();
    private LRScheduler schedule;
    private ReduceLROnPlateau plateau;
    private String plateauMonitor;
    private History history = new History();
    private volatile boolean stopRequested;

    public Trainer(Module model, Optimizer optimizer, BiFunction<Tensor, Tensor, Tensor> loss, Options options) {
        if (model == null || optimizer == null || loss == null || options == null) {
            throw new IllegalArgumentException("Trainer: model, optimizer, loss and options must not be null");
        }
        this.model = model;
        this.optimizer = optimizer;
        this.loss = loss;
        this.options = options;
        this.named = model.namedParameters();
    }

    /** With a loss module, e.g. {@code new CrossEntropyLoss()}. */
    public Trainer(Module model, Optimizer optimizer, Loss loss, Options options) {
        this(model, optimizer, loss == null ? null : (BiFunction<Tensor, Tensor, Tensor>) loss::forward, options);
    }

    /** Metrics computed over each epoch's training batches and over the validation set ({@code train_<name>}, {@code val_<name>}). */
    public Trainer metrics(Metric... m) {
        metrics.addAll(List.of(m));
        return this;
    }

    /** A schedule stepped once per epoch, after validation. */
    public Trainer schedule(LRScheduler s) {
        if (plateau != null) throw new IllegalStateException("Trainer: a ReduceLROnPlateau is already set; use one schedule");
        this.schedule = s;
        return this;
    }

    /** A plateau schedule stepped once per epoch with the value {@code monitor} (e.g. {@code "val_loss"}). */
    public Trainer schedule(ReduceLROnPlateau p, String monitor) {
        if (schedule != null) throw new IllegalStateException("Trainer: an LRScheduler is already set; use one schedule");
        this.plateau = p;
        this.plateauMonitor = monitor;
        return this;
    }

    public Trainer callback(Callback c) {
        callbacks.add(c);
        return this;
    }

    /** Asks the run to stop after the current epoch (e.g. from a callback). */
    public void stop() { stopRequested = true; }

    public Module model() { return model; }

    public Optimizer optimizer() { return optimizer; }

    public Options options() { return options; }

    /** The history of the current (or last) run. */
    public History history() { return history; }

    /** Trains for {@code options.epochs()} epochs without validation. */
    public History fit(DataLoader<?> train) { return fit(train, null); }

    /** Trains from the model's current state, overwriting the checkpoint file if there is one. */
    public History fit(DataLoader<?> train, DataLoader<?> validation) { return run(train, validation, null); }

    /**
     * Continues from the checkpoint file of the options (an error when there is none configured); when the
     * file does not exist yet, starts from the beginning, as {@link #fit}.
     */
    public History resume(DataLoader<?> train, DataLoader<?> validation) {
        if (options.checkpoint() == null) throw new IllegalStateException("Trainer.resume: no checkpoint file; set Options.withCheckpoint(path)");
        if (!Files.exists(options.checkpoint())) return run(train, validation, null);
        try {
            return run(train, validation, Checkpoint.load(options.checkpoint()));
        } catch (IOException e) {
            throw new UncheckedIOException("Trainer.resume: cannot read the checkpoint " + options.checkpoint(), e);
        }
    }

    /** The mean loss ({@code "loss"}) and the metrics over a loader, in eval mode and under no-grad. */
    public Map<String, Double> evaluate(DataLoader<?> loader) {
        model.eval();
        for (Metric m : metrics) m.reset();
        double sum = 0;
        long n = 0;
        try (Grad g = Grad.disabled()) {
            for (Batch b : loader) {
                Tensor out = model.forward(b.x());
                sum += loss.apply(out, b.y()).item() * b.size();
                n += b.size();
                for (Metric m : metrics) m.update(out, b.y());
            }
        }
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("loss", n == 0 ? Double.NaN : sum / n);
        for (Metric m : metrics) values.put(m.name(), m.compute());
        return values;
    }

    private History run(DataLoader<?> train, DataLoader<?> validation, Checkpoint from) {
        if (train == null) throw new IllegalArgumentException("Trainer: the train loader must not be null");
        stopRequested = false;
        history = new History();
        int start = 0, lastSaved = -1;
        if (from != null) {
            restore(from);
            start = from.epoch() + 1;
            lastSaved = from.epoch();
            if (options.earlyStopping() != null && options.earlyStopping().shouldStop(history.epochs())) return history;
        }
        int epoch = start;
        long step = (long) start * train.size();
        TrainerOutput progress = TrainerOutput.of(options);
        try {
            for (; epoch < options.epochs() && !stopRequested; epoch++) {
                long t0 = System.nanoTime();
                for (Callback c : callbacks) c.onEpochStart(this, epoch);
                double lr = optimizer.paramGroups().get(0).lr();
                train.setEpoch(epoch);
                model.train();
                for (Metric m : metrics) m.reset();
                progress.epochStart(epoch, train.size());
                double sum = 0;
                long n = 0;
                int batch = 0;
                for (Batch b : train) {
                    optimizer.zeroGrad();
                    Tensor out = model.forward(b.x());
                    Tensor l = loss.apply(out, b.y());
                    double lv = l.item();
                    if (options.checkFinite() && !Double.isFinite(lv)) {
                        throw nonFinite("loss", "the loss is " + lv, epoch, batch, step, train.size(), lastSaved);
                    }
                    l.backward();
                    if (options.checkFinite()) checkGradients(epoch, batch, step, train.size(), lastSaved);
                    optimizer.step();
                    sum += lv * b.size();
                    n += b.size();
                    try (Grad g = Grad.disabled()) {
                        for (Metric m : metrics) m.update(out.detach(), b.y());
                    }
                    for (Callback c : callbacks) c.onBatchEnd(this, epoch, batch, lv);
                    progress.batchEnd(sum / n);
                    batch++;
                    step++;
                }
                progress.validating();
                Map<String, Double> values = new LinkedHashMap<>();
                values.put("train_loss", n == 0 ? Double.NaN : sum / n);
                for (Metric m : metrics) values.put("train_" + m.name(), m.compute());
                if (validation != null) evaluate(validation).forEach((k, v) -> values.put("val_" + k, v));
                values.put("lr", lr);
                EpochStats stats = new EpochStats(epoch, values, (System.nanoTime() - t0) / 1e9);
                history.add(stats);
                progress.epochEnd(stats);
                if (schedule != null) schedule.step();
                if (plateau != null) plateau.step(stats.get(plateauMonitor));
                for (Callback c : callbacks) c.onEpochEnd(this, stats);
                LOG.debug("Trainer: epoch {} {}", epoch, values);
                if (options.checkpoint() != null) {
                    checkpoint(epoch).save(options.checkpoint());
                    lastSaved = epoch;
                }
                if (options.earlyStopping() != null && options.earlyStopping().shouldStop(history.epochs())) {
                    LOG.debug("Trainer: early stop after epoch {}", epoch);
                    break;
                }
            }
        } catch (NonFiniteException e) {
            throw e;
        } catch (RuntimeException | IOException e) {
            throw new TrainingException("Trainer: training stopped in epoch " + epoch + " at step " + step + " by " + e + "; "
                    + checkpointNote(lastSaved), epoch, step, e);
        } finally {
            progress.close();
        }
        for (Callback c : callbacks) c.onTrainEnd(this, history);
        return history;
    }

    /** What the checkpoint file would hold after {@code epoch}. */
    private Checkpoint checkpoint(int epoch) {
        Map<String, Object> sched = schedule != null ? schedule.stateDict() : plateau != null ? plateau.stateDict() : null;
        return new Checkpoint(epoch, model.stateDict(), optimizer.stateDict(), sched, Nabla.getRngState(), history.epochs());
    }

    private void restore(Checkpoint c) {
        model.loadStateDict(c.model(), true);
        optimizer.loadStateDict(c.optimizer());
        if ((schedule != null || plateau != null) != (c.schedule() != null)) {
            throw new IllegalArgumentException("Trainer.resume: the checkpoint " + (c.schedule() == null ? "has no" : "has a")
                    + " schedule state, this trainer " + (c.schedule() == null ? "has a schedule" : "has none") + "; configure it as the run that wrote it");
        }
        if (schedule != null) schedule.loadStateDict(c.schedule());
        if (plateau != null) plateau.loadStateDict(c.schedule());
        Nabla.setRngState(c.rng());
        history = new History(c.history());
    }

    private void checkGradients(int epoch, int batch, long step, int batches, int lastSaved) {
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            Tensor g = e.getValue().grad();
            if (g == null) continue;
            INDArray a = g.nd();
            if (Double.isFinite(a.sumNumber().doubleValue())) continue;
            boolean nan = BooleanIndexing.or(a, Conditions.isNan());
            if (nan || BooleanIndexing.or(a, Conditions.isInfinite())) {
                throw nonFinite(e.getKey(), "the gradient of '" + e.getKey() + "' has " + (nan ? "NaN" : "infinite") + " values",
                        epoch, batch, step, batches, lastSaved);
            }
        }
    }

    private NonFiniteException nonFinite(String where, String what, int epoch, int batch, long step, int batches, int lastSaved) {
        return new NonFiniteException("Trainer: " + what + " at step " + step + " (epoch " + epoch + ", batch " + batch + " of " + batches
                + "); lower the learning rate, clip the gradients (ClipGrad) or check the inputs; Grad.detectAnomaly() finds the op that made it; "
                + checkpointNote(lastSaved), where, epoch, step);
    }

    private String checkpointNote(int lastSaved) {
        if (options.checkpoint() == null) return "no checkpoint file is configured";
        if (lastSaved < 0) return "no checkpoint was written in this run";
        return "the checkpoint of epoch " + lastSaved + " at " + options.checkpoint() + " is intact; Trainer.resume continues from it";
    }
}
