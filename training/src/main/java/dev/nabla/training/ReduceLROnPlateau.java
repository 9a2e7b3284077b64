package dev.nabla.training;

import dev.nabla.api.Optimizer;
import dev.nabla.api.Optimizer.ParamGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Divides the learning rate when a monitored metric stops improving, as PyTorch 1.13's {@code ReduceLROnPlateau}:
 * after more than {@code patience} epochs without an improvement beyond {@code threshold}, every group's lr
 * becomes {@code max(lr × factor, minLr)} (a change smaller than {@code eps} is skipped), then {@code cooldown}
 * epochs pass before bad epochs count again. The course's "divide by 10 when the error plateaus".
 *
 * <pre>{@code
 * var plateau = new ReduceLROnPlateau(opt);                                       // min mode, factor 0.1, patience 10
 * var onAccuracy = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Options.DEFAULT.withMode("max").withPatience(3));
 * for (int epoch = 0; epoch < 100; epoch++) { train(opt); plateau.step(validationError()); }
 * }</pre>
 */
public final class ReduceLROnPlateau {
    /**
     * The options, PyTorch's defaults in {@link #DEFAULT}. {@code mode} is "min" (the metric should fall) or
     * "max"; {@code thresholdMode} "rel" (improvement beyond {@code best × (1 ∓ threshold)}) or "abs"
     * ({@code best ∓ threshold}); {@code minLr} has one value for all groups or one per group.
     */
    public record Options(String mode, double factor, int patience, double threshold, String thresholdMode, int cooldown,
                          List<Double> minLr, double eps) {
        public static final Options DEFAULT = new Options("min", 0.1, 10, 1e-4, "rel", 0, List.of(0.0), 1e-8);

        public Options {
            if (factor >= 1.0) throw new IllegalArgumentException("Factor should be < 1.0.");
            if (!(factor >= 0)) throw new IllegalArgumentException("ReduceLROnPlateau: factor must be >= 0, got " + factor);
            if (!"min".equals(mode) && !"max".equals(mode)) throw new IllegalArgumentException("mode " + mode + " is unknown!");
            if (!"rel".equals(thresholdMode) && !"abs".equals(thresholdMode)) {
                throw new IllegalArgumentException("threshold mode " + thresholdMode + " is unknown!");
            }
            if (patience < 0) throw new IllegalArgumentException("ReduceLROnPlateau: patience must be >= 0, got " + patience);
            if (cooldown < 0) throw new IllegalArgumentException("ReduceLROnPlateau: cooldown must be >= 0, got " + cooldown);
            minLr = List.copyOf(minLr);
            for (double m : minLr) if (!(m >= 0)) throw new IllegalArgumentException("ReduceLROnPlateau: minLr must be >= 0, got " + minLr);
        }

        public Options withMode(String v) { return new Options(v, factor, patience, threshold, thresholdMode, cooldown, minLr, eps); }
        public Options withFactor(double v) { return new Options(mode, v, patience, threshold, thresholdMode, cooldown, minLr, eps); }
        public Options withPatience(int v) { return new Options(mode, factor, v, threshold, thresholdMode, cooldown, minLr, eps); }
        public Options withThreshold(double v) { return new Options(mode, factor, patience, v, thresholdMode, cooldown, minLr, eps); }
        public Options withThresholdMode(String v) { return new Options(mode, factor, patience, threshold, v, cooldown, minLr, eps); }
        public Options withCooldown(int v) { return new Options(mode, factor, patience, threshold, thresholdMode, v, minLr, eps); }
        /** One lower bound for every group, or one per group. */
        public Options withMinLr(double... v) {
            List<Double> l = new ArrayList<>();
            for (double x : v) l.add(x);
            return new Options(mode, factor, patience, threshold, thresholdMode, cooldown, l, eps);
        }
        public Options withEps(double v) { return new Options(mode, factor, patience, threshold, thresholdMode, cooldown, minLr, v); }
    }

    private final Optimizer optimizer;
    private final Options options;
    private final double[] minLrs;
    private double best;
    private int numBadEpochs;
    private int cooldownCounter;
    private int lastEpoch;

    public ReduceLROnPlateau(Optimizer optimizer) { this(optimizer, Options.DEFAULT); }

    public ReduceLROnPlateau(Optimizer optimizer, Options options) {
        this.optimizer = optimizer;
        this.options = options;
        int n = optimizer.paramGroups().size();
        if (options.minLr().size() != 1 && options.minLr().size() != n) {
            throw new IllegalArgumentException("expected " + n + " min_lrs, got " + options.minLr().size());
        }
        this.minLrs = new double[n];
        for (int i = 0; i < n; i++) minLrs[i] = options.minLr().get(options.minLr().size() == 1 ? 0 : i);
        this.best = worst();
    }

    /** Takes the epoch's metric (e.g. the validation error) and lowers the learning rates if it has plateaued. */
    public void step(double metric) {
        lastEpoch++;
        if (isBetter(metric, best)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0;
        }
        if (numBadEpochs > options.patience()) {
            reduceLr();
            cooldownCounter = options.cooldown();
            numBadEpochs = 0;
        }
    }

    private void reduceLr() {
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < groups.size(); i++) {
            double old = groups.get(i).lr(), lr = Math.max(old * options.factor(), minLrs[i]);
            if (old - lr > options.eps()) groups.get(i).setLr(lr);
        }
    }

    private boolean isBetter(double a, double best) {
        boolean min = options.mode().equals("min"), rel = options.thresholdMode().equals("rel");
        double t = options.threshold();
        if (min) return rel ? a < best * (1. - t) : a < best - t;
        return rel ? a > best * (t + 1.) : a > best + t;
    }

    private double worst() { return options.mode().equals("min") ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY; }

    /** The groups' current learning rates. */
    public List<Double> getLastLr() {
        List<Double> lrs = new ArrayList<>();
        for (ParamGroup g : optimizer.paramGroups()) lrs.add(g.lr());
        return List.copyOf(lrs);
    }

    /** The number of {@link #step} calls so far. */
    public int lastEpoch() { return lastEpoch; }

    /** The best metric seen so far (infinite before the first step). */
    public double best() { return best; }

    public Options options() { return options; }

    /** The counters ({@code best}, {@code num_bad_epochs}, {@code cooldown_counter}, {@code last_epoch}) and the options, in PyTorch's names. */
    public Map<String, Object> stateDict() {
        Map<String, Object> d = new LinkedHashMap<>(hyperparameters());
        d.put("best", best);
        d.put("num_bad_epochs", numBadEpochs);
        d.put("cooldown_counter", cooldownCounter);
        d.put("last_epoch", lastEpoch);
        return d;
    }

    /** Restores what {@link #stateDict()} gave; options that differ from this scheduler's are an error naming each. */
    public void loadStateDict(Map<String, Object> dict) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Object> e : hyperparameters().entrySet()) {
            Object v = dict.get(e.getKey());
            if (!LRScheduler.sameValue(v, e.getValue())) problems.add(e.getKey() + "=" + v + " (this scheduler has " + e.getValue() + ")");
        }
        for (String k : List.of("best", "num_bad_epochs", "cooldown_counter", "last_epoch")) if (!dict.containsKey(k)) problems.add("missing " + k);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("ReduceLROnPlateau.loadStateDict: the state dict does not fit this scheduler: "
                    + String.join("; ", problems) + "; build it with the options it was saved with");
        }
        best = ((Number) dict.get("best")).doubleValue();
        numBadEpochs = ((Number) dict.get("num_bad_epochs")).intValue();
        cooldownCounter = ((Number) dict.get("cooldown_counter")).intValue();
        lastEpoch = ((Number) dict.get("last_epoch")).intValue();
    }

    private Map<String, Object> hyperparameters() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("mode", options.mode());
        h.put("factor", options.factor());
        h.put("patience", options.patience());
        h.put("threshold", options.threshold());
        h.put("threshold_mode", options.thresholdMode());
        h.put("cooldown", options.cooldown());
        List<Double> mins = new ArrayList<>();
        for (double m : minLrs) mins.add(m);
        h.put("min_lrs", mins);
        h.put("eps", options.eps());
        return h;
    }
}
