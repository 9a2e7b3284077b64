package dev.nabla.training;

import dev.nabla.api.Optimizer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Multiplies every group's learning rate by {@code gamma} every {@code stepSize} epochs, as PyTorch 1.13's {@code StepLR}.
 *
 * <pre>{@code
 * LRScheduler sched = new StepLR(opt, 30);          // lr 0.1 for epochs 0-29, 0.01 for 30-59, ...
 * LRScheduler halve = new StepLR(opt, 10, 0.5);
 * }</pre>
 */
public final class StepLR extends LRScheduler {
    private final int stepSize;
    private final double gamma;

    public StepLR(Optimizer optimizer, int stepSize) { this(optimizer, stepSize, 0.1); }

    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer);
        if (stepSize < 1) throw new IllegalArgumentException("StepLR: stepSize must be at least 1, got " + stepSize);
        if (!(gamma >= 0)) throw new IllegalArgumentException("StepLR: gamma must be >= 0, got " + gamma);
        this.stepSize = stepSize;
        this.gamma = gamma;
        start();
    }

    @Override protected double[] computeLr() {
        double[] lrs = new double[groups()];
        boolean decay = lastEpoch() != 0 && lastEpoch() % stepSize == 0;
        for (int i = 0; i < lrs.length; i++) lrs[i] = decay ? lr(i) * gamma : lr(i);
        return lrs;
    }

    @Override protected double[] closedFormLr() {
        double[] lrs = new double[groups()];
        for (int i = 0; i < lrs.length; i++) lrs[i] = baseLr(i) * Math.pow(gamma, Math.floorDiv(lastEpoch(), stepSize));
        return lrs;
    }

    @Override protected Map<String, Object> hyperparameters() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("step_size", stepSize);
        h.put("gamma", gamma);
        return h;
    }
}
