package dev.nabla.layers;

import dev.nabla.api.Tensor;

/** Negative log-likelihood of log-probabilities [N, C] against class indices [N], as {@code nn.NLLLoss}. */
public final class NLLLoss extends Loss {
    private final Tensor weight;
    private final long ignoreIndex;

    public NLLLoss() { this(null, -100, Reduction.MEAN); }

    /** With optional class weights [C] (or null) and an ignored target index (−100 by default). */
    public NLLLoss(Tensor weight, long ignoreIndex, Reduction reduction) {
        super(reduction);
        this.weight = weight;
        this.ignoreIndex = ignoreIndex;
    }

    @Override public Tensor forward(Tensor input, Tensor target) { return F.nllLoss(input, target, weight, ignoreIndex, reduction); }
}
