package dev.nabla.training;

import dev.nabla.api.Optimizer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cosine annealing from each group's initial learning rate down to {@code etaMin} over {@code tMax} epochs,
 * in PyTorch 1.13's recursive form: past {@code tMax} the rate climbs back up (period {@code 2 tMax}), and it
 * follows changes made to the learning rate from outside, where the closed form would not.
 *
 * <pre>{@code
 * LRScheduler sched = new CosineAnnealingLR(opt, 100);          // to 0 at epoch 100
 * LRScheduler sched2 = new CosineAnnealingLR(opt, 50, 1e-5);
 * }</pre>
 */
public final class CosineAnnealingLR extends LRScheduler {
    private final int tMax;
    private final double etaMin;

    public CosineAnnealingLR(Optimizer optimizer, int tMax) { this(optimizer, tMax, 0); }

    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super(optimizer);
        if (tMax < 1) throw new IllegalArgumentException("CosineAnnealingLR: tMax must be at least 1, got " + tMax);
        if (!(etaMin >= 0)) throw new IllegalArgumentException("CosineAnnealingLR: etaMin must be >= 0, got " + etaMin);
        this.tMax = tMax;
        this.etaMin = etaMin;
        start();
    }

    @Override protected double[] computeLr() {
        int e = lastEpoch();
        double[] lrs = new double[groups()];
        for (int i = 0; i < lrs.length; i++) {
            if (e == 0) lrs[i] = lr(i);
            else if (Math.floorMod(e - 1 - tMax, 2 * tMax) == 0) {
                lrs[i] = lr(i) + (baseLr(i) - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
            } else {
                lrs[i] = (1 + Math.cos(Math.PI * e / tMax)) / (1 + Math.cos(Math.PI * (e - 1) / tMax)) * (lr(i) - etaMin) + etaMin;
            }
        }
        return lrs;
    }

    @Override protected double[] closedFormLr() {
        double[] lrs = new double[groups()];
        for (int i = 0; i < lrs.length; i++) lrs[i] = etaMin + (baseLr(i) - etaMin) * (1 + Math.cos(Math.PI * lastEpoch() / tMax)) / 2;
        return lrs;
    }

    @Override protected Map<String, Object> hyperparameters() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("T_max", tMax);
        h.put("eta_min", etaMin);
        return h;
    }
}
