package dev.nabla.training;

import dev.nabla.api.Optimizer;
import dev.nabla.api.Optimizer.ParamGroup;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A linear warmup of the learning rate from {@code startFactor × initial lr} to the initial lr over
 * {@code warmupSteps} steps, optionally followed by another schedule that starts at its own epoch 0 once
 * the warmup is done.
 *
 * <p>Alone it is PyTorch 1.13's {@code LinearLR(start_factor, end_factor=1, total_iters=warmupSteps)};
 * with a schedule after it, {@code SequentialLR([LinearLR(...), after], milestones=[warmupSteps])}, with
 * the same sequence of learning rates. The schedule after it is stepped by this one only.
 *
 * <pre>{@code
 * LRScheduler sched = new LinearWarmup(opt, 0.1, 5, new CosineAnnealingLR(opt, 95));
 * for (int epoch = 0; epoch < 100; epoch++) { train(opt); sched.step(); }
 * }</pre>
 */
public final class LinearWarmup extends LRScheduler {
    private final double startFactor;
    private final int warmupSteps;
    private final LRScheduler after;

    /** The warmup alone (PyTorch's {@code LinearLR} with {@code end_factor=1}). */
    public LinearWarmup(Optimizer optimizer, double startFactor, int warmupSteps) { this(optimizer, startFactor, warmupSteps, null); }

    /** The warmup, then {@code after} (a new schedule on the same optimizer) from step {@code warmupSteps} on. */
    public LinearWarmup(Optimizer optimizer, double startFactor, int warmupSteps, LRScheduler after) {
        super(optimizer);
        if (startFactor > 1.0 || startFactor < 0) {
            throw new IllegalArgumentException("Starting multiplicative factor expected to be between 0 and 1.");
        }
        if (startFactor == 0) throw new IllegalArgumentException("LinearWarmup: startFactor must be > 0 (PyTorch's LinearLR divides by it)");
        if (warmupSteps < 1) throw new IllegalArgumentException("LinearWarmup: warmupSteps must be at least 1, got " + warmupSteps);
        if (after != null && after.optimizer != optimizer) {
            throw new IllegalArgumentException("LinearWarmup: the schedule after the warmup must belong to the same optimizer");
        }
        if (after instanceof LinearWarmup) {
            throw new IllegalArgumentException("LinearWarmup: the schedule after the warmup cannot be another LinearWarmup");
        }
        if (after != null && after.lastEpoch() != 0) {
            throw new IllegalArgumentException("LinearWarmup: the schedule after the warmup must be new (lastEpoch 0), got lastEpoch "
                    + after.lastEpoch() + "; build it just for this warmup");
        }
        this.startFactor = startFactor;
        this.warmupSteps = warmupSteps;
        this.after = after;
        if (after != null) {   // SequentialLR: back to the initial lrs, undo the other schedule's first step
            for (ParamGroup g : optimizer.paramGroups()) g.setLr(g.number("initial_lr"));
            after.shiftEpoch(-1);
        }
        start();
    }

    /** Advances one step: the warmup's next lr, or (with a schedule after it) that schedule's from {@code warmupSteps} on. */
    @Override public void step() {
        shiftEpoch(1);
        int e = lastEpoch();
        if (after == null || e < warmupSteps) apply(computeLr());
        else if (e == warmupSteps) after.restartAtZero();
        else after.step();
        recordLastLr();
    }

    /** PyTorch's chainable LinearLR with {@code end_factor=1}; while warming up its epoch is this schedule's. */
    @Override protected double[] computeLr() {
        int e = lastEpoch();
        double[] lrs = new double[groups()];
        for (int i = 0; i < lrs.length; i++) {
            if (e == 0) lrs[i] = lr(i) * startFactor;
            else if (e > warmupSteps) lrs[i] = lr(i);
            else lrs[i] = lr(i) * (1. + (1.0 - startFactor) / (warmupSteps * startFactor + (e - 1) * (1.0 - startFactor)));
        }
        return lrs;
    }

    @Override protected Map<String, Object> hyperparameters() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("start_factor", startFactor);
        h.put("warmup_steps", warmupSteps);
        return h;
    }

    /** The warmup's state, with {@code "after"}: the state of the schedule after it (absent when there is none). */
    @Override public Map<String, Object> stateDict() {
        Map<String, Object> d = super.stateDict();
        if (after != null) d.put("after", after.stateDict());
        return d;
    }

    @SuppressWarnings("unchecked")
    @Override public void loadStateDict(Map<String, Object> dict) {
        boolean savedWithAfter = dict.containsKey("after");
        if (savedWithAfter != (after != null)) {
            throw new IllegalArgumentException("LinearWarmup.loadStateDict: the state dict was saved " + (savedWithAfter ? "with" : "without")
                    + " a schedule after the warmup, this one has " + (after == null ? "none" : after.getClass().getSimpleName()));
        }
        super.loadStateDict(dict);
        if (after != null) after.loadStateDict((Map<String, Object>) dict.get("after"));
    }
}
