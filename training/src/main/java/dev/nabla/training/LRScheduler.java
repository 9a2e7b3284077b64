package dev.nabla.training;

import dev.nabla.api.Optimizer;
import dev.nabla.api.Optimizer.ParamGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the epoch-driven learning-rate schedules, as PyTorch 1.13's {@code _LRScheduler}: built on an
 * optimizer, it sets each group's {@code "initial_lr"} (unless a schedule did already) and takes its first
 * step (epoch 0); each {@link #step()} then moves every group's learning rate to the next epoch's.
 *
 * <p>Schedules are chainable as in PyTorch: the next learning rate is computed from the group's current
 * one, so resuming needs the optimizer's state dict as well as the schedule's. A subclass sets its own
 * fields, then calls {@link #start()} at the end of its constructor.
 *
 * <pre>{@code
 * Optimizer opt = new SGD(model.parameters(), 0.1, 0.9);
 * LRScheduler sched = new StepLR(opt, 30);          // lr 0.1, then 0.01 from epoch 30, ...
 * for (int epoch = 0; epoch < 90; epoch++) { train(opt); sched.step(); }
 * }</pre>
 */
public abstract class LRScheduler {
    protected final Optimizer optimizer;
    private List<Double> baseLrs;
    private int lastEpoch = -1;
    private List<Double> lastLr;

    protected LRScheduler(Optimizer optimizer) {
        if (optimizer == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": the optimizer is null");
        this.optimizer = optimizer;
        List<Double> base = new ArrayList<>();
        for (ParamGroup g : optimizer.paramGroups()) {
            if (!g.options().containsKey("initial_lr")) g.with("initial_lr", g.lr());
            base.add(g.number("initial_lr"));
        }
        this.baseLrs = List.copyOf(base);
    }

    /** PyTorch's initial step: epoch 0. Called once, at the end of each subclass constructor. */
    protected final void start() {
        if (lastLr != null) throw new IllegalStateException(getClass().getSimpleName() + ": start() was called twice");
        step();
    }

    /** Advances one epoch and sets every group's learning rate. */
    public void step() {
        lastEpoch++;
        apply(computeLr());
    }

    /** The learning rates of epoch {@link #lastEpoch()}, one per group, from the groups' current ones (chainable form). */
    protected abstract double[] computeLr();

    /** The learning rates of epoch {@link #lastEpoch()} from the base learning rates alone; by default {@link #computeLr()}. */
    protected double[] closedFormLr() { return computeLr(); }

    /** Hyperparameters, stored in the state dict and checked on load (e.g. {@code "step_size"}). */
    protected abstract Map<String, Object> hyperparameters();

    /** Restarts at epoch 0 with the closed form, as PyTorch's {@code step(0)} when SequentialLR reaches a milestone. */
    final void restartAtZero() {
        lastEpoch = 0;
        apply(closedFormLr());
    }

    /** Moves the epoch counter by {@code delta} without touching the learning rates (SequentialLR's "undo"). */
    final void shiftEpoch(int delta) { lastEpoch += delta; }

    final void apply(double[] lrs) {
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < groups.size(); i++) groups.get(i).setLr(lrs[i]);
        recordLastLr();
    }

    final void recordLastLr() {
        List<Double> lrs = new ArrayList<>();
        for (ParamGroup g : optimizer.paramGroups()) lrs.add(g.lr());
        lastLr = List.copyOf(lrs);
    }

    /** The current learning rate of group {@code i}. */
    protected final double lr(int i) { return optimizer.paramGroups().get(i).lr(); }

    /** The learning rate group {@code i} started from ({@code "initial_lr"}). */
    protected final double baseLr(int i) { return baseLrs.get(i); }

    protected final int groups() { return optimizer.paramGroups().size(); }

    /** The index of the current epoch: 0 after construction, +1 per {@link #step()}. */
    public final int lastEpoch() { return lastEpoch; }

    /** The learning rates set by the last step, one per parameter group. */
    public final List<Double> getLastLr() { return lastLr; }

    public final List<Double> baseLrs() { return baseLrs; }

    /**
     * The schedule's state, as PyTorch's {@code state_dict()}: {@code "last_epoch"}, {@code "base_lrs"},
     * {@code "_last_lr"} and the hyperparameters.
     */
    public Map<String, Object> stateDict() {
        Map<String, Object> d = new LinkedHashMap<>(hyperparameters());
        d.put("base_lrs", baseLrs);
        d.put("last_epoch", lastEpoch);
        d.put("_last_lr", lastLr);
        return d;
    }

    /**
     * Restores what {@link #stateDict()} gave. Load the optimizer's state dict too: the next learning
     * rate is computed from the groups' current ones. A hyperparameter that differs from this
     * schedule's, or a missing key, is an error that names every such key.
     */
    public void loadStateDict(Map<String, Object> dict) {
        String name = getClass().getSimpleName();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Object> e : hyperparameters().entrySet()) {
            Object v = dict.get(e.getKey());
            if (!sameValue(v, e.getValue())) problems.add(e.getKey() + "=" + v + " (this schedule has " + e.getValue() + ")");
        }
        for (String k : List.of("base_lrs", "last_epoch", "_last_lr")) if (!dict.containsKey(k)) problems.add("missing " + k);
        if (problems.isEmpty() && ((List<?>) dict.get("base_lrs")).size() != groups()) {
            problems.add("base_lrs has " + ((List<?>) dict.get("base_lrs")).size() + " groups, the optimizer has " + groups());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(name + ".loadStateDict: the state dict does not fit this schedule: "
                    + String.join("; ", problems) + "; build the schedule with the options it was saved with");
        }
        baseLrs = doubles(dict.get("base_lrs"));
        lastEpoch = ((Number) dict.get("last_epoch")).intValue();
        lastLr = dict.get("_last_lr") == null ? null : doubles(dict.get("_last_lr"));
    }

    static List<Double> doubles(Object list) {
        List<Double> out = new ArrayList<>();
        for (Object o : (List<?>) list) out.add(((Number) o).doubleValue());
        return List.copyOf(out);
    }

    static boolean sameValue(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) return x.doubleValue() == y.doubleValue();
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) return false;
            for (int i = 0; i < x.size(); i++) if (!sameValue(x.get(i), y.get(i))) return false;
            return true;
        }
        return a != null && a.equals(b);
    }
}
