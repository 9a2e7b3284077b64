package dev.nabla.training;

import dev.nabla.api.Optimizer;
import java.util.Map;

/**
 * Multiplies every group's learning rate by {@code gamma} every epoch, as PyTorch 1.13's {@code ExponentialLR}.
 *
 * <pre>{@code
 * LRScheduler sched = new ExponentialLR(opt, 0.95);   // lr = 0.1 * 0.95^epoch
 * }</pre>
 */
public final class ExponentialLR extends LRScheduler {
    private final double gamma;

    public ExponentialLR(Optimizer optimizer, double gamma) {
        super(optimizer);
        if (!(gamma >= 0)) throw new IllegalArgumentException("ExponentialLR: gamma must be >= 0, got " + gamma);
        this.gamma = gamma;
        start();
    }

    @Override protected double[] computeLr() {
        double[] lrs = new double[groups()];
        for (int i = 0; i < lrs.length; i++) lrs[i] = lastEpoch() == 0 ? lr(i) : lr(i) * gamma;
        return lrs;
    }

    @Override protected double[] closedFormLr() {
        double[] lrs = new double[groups()];
        for (int i = 0; i < lrs.length; i++) lrs[i] = baseLr(i) * Math.pow(gamma, lastEpoch());
        return lrs;
    }

    @Override protected Map<String, Object> hyperparameters() { return Map.of("gamma", gamma); }
}
