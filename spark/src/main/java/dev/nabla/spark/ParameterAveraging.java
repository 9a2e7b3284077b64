package dev.nabla.spark;

import dev.nabla.api.Parameter;
import java.util.List;

/**
 * Local SGD: each rank trains on its own shard and every {@code k} optimizer steps the parameters become their mean
 * over the ranks (one all-reduce of the flat parameter vector). Optimizer state such as momentum stays per rank.
 * With k = 1 and plain SGD it matches averaging gradients; a larger k trades agreement for k times less traffic.
 *
 * <pre>{@code
 * ParameterAveraging avg = new ParameterAveraging(ring, model.parameters(), 8);
 * for (Batch b : shard) { ...; optimizer.step(); avg.step(); }
 * avg.average();                  // leave the epoch with the same model on every rank
 * }</pre>
 */
public final class ParameterAveraging {
    private final Collective collective;
    private final FlatParameters flat;
    private final int every;
    private long steps;

    /** Averages {@code params} over the ranks of {@code collective} every {@code every} steps. */
    public ParameterAveraging(Collective collective, List<Parameter> params, int every) {
        if (collective == null) throw new IllegalArgumentException("ParameterAveraging: collective must not be null");
        if (every < 1) throw new IllegalArgumentException("ParameterAveraging: average every k >= 1 steps, got k = " + every);
        this.collective = collective;
        this.flat = new FlatParameters(params);
        this.every = every;
    }

    /** Counts one optimizer step; averages when the count is a multiple of k, and returns whether it did. */
    public boolean step() {
        steps++;
        if (steps % every != 0) return false;
        average();
        return true;
    }

    /** Averages the parameters now (every rank must call it at the same point). */
    public void average() { flat.averageParams(collective); }

    /** The optimizer steps counted so far. */
    public long steps() { return steps; }

    /** k: the steps between two averagings. */
    public int every() { return every; }
}
