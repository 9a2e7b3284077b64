package dev.nabla.training;

import dev.nabla.api.Optimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multiplies every group's learning rate by {@code gamma} at each milestone epoch, as PyTorch 1.13's
 * {@code MultiStepLR}; a milestone given twice multiplies by {@code gamma²}.
 *
 * <pre>{@code
 * LRScheduler sched = new MultiStepLR(opt, List.of(30, 60, 80));   // gamma 0.1
 * }</pre>
 */
public final class MultiStepLR extends LRScheduler {
    private final List<Integer> milestones;
    private final double gamma;

    public MultiStepLR(Optimizer optimizer, List<Integer> milestones) { this(optimizer, milestones, 0.1); }

    public MultiStepLR(Optimizer optimizer, List<Integer> milestones, double gamma) {
        super(optimizer);
        List<Integer> sorted = new ArrayList<>(milestones);
        sorted.sort(null);
        if (!sorted.equals(milestones)) {
            throw new IllegalArgumentException("MultiStepLR: milestones should be a list of increasing integers, got " + milestones);
        }
        if (!milestones.isEmpty() && milestones.get(0) < 0) {
            throw new IllegalArgumentException("MultiStepLR: milestones must be >= 0, got " + milestones);
        }
        if (!(gamma >= 0)) throw new IllegalArgumentException("MultiStepLR: gamma must be >= 0, got " + gamma);
        this.milestones = List.copyOf(milestones);
        this.gamma = gamma;
        start();
    }

    @Override protected double[] computeLr() {
        int count = 0;
        for (int m : milestones) if (m == lastEpoch()) count++;
        double[] lrs = new double[groups()];
        for (int i = 0; i < lrs.length; i++) lrs[i] = count == 0 ? lr(i) : lr(i) * Math.pow(gamma, count);
        return lrs;
    }

    @Override protected double[] closedFormLr() {
        int passed = 0;
        for (int m : milestones) if (m <= lastEpoch()) passed++;
        double[] lrs = new double[groups()];
        for (int i = 0; i < lrs.length; i++) lrs[i] = baseLr(i) * Math.pow(gamma, passed);
        return lrs;
    }

    @Override protected Map<String, Object> hyperparameters() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("milestones", milestones);
        h.put("gamma", gamma);
        return h;
    }
}
