package dev.nabla.layers;

import dev.nabla.api.Tensor;

/**
 * Cross-entropy of class scores against class indices, as {@code nn.CrossEntropyLoss}: log-softmax
 * and NLL in one stable step, with optional class weights, an ignored index and label smoothing.
 *
 * <p>Shape: scores [N, C] (or [N, C, d…]), targets [N] (or [N, d…]) of int64 class indices, or class probabilities:
 * a float target of the scores' shape (as PyTorch ≥ 1.10; no ignored index then, and the mean is over N·d…).
 *
 * <pre>{@code
 * Tensor loss = new CrossEntropyLoss().forward(model.forward(x), y);
 * Tensor soft = new CrossEntropyLoss().forward(student.forward(x), F.softmax(teacher.forward(x), 1));
 * }</pre>
 */
public final class CrossEntropyLoss extends Loss {
    private final Tensor weight;
    private final long ignoreIndex;
    private final double labelSmoothing;

    public CrossEntropyLoss() { this(Options.DEFAULT); }

    public CrossEntropyLoss(Options o) {
        super(o.reduction());
        this.weight = o.weight();
        this.ignoreIndex = o.ignoreIndex();
        this.labelSmoothing = o.labelSmoothing();
    }

    /** The options, PyTorch's defaults in {@link #DEFAULT}. */
    public record Options(Tensor weight, long ignoreIndex, double labelSmoothing, Reduction reduction) {
        public static final Options DEFAULT = new Options(null, -100, 0, Reduction.MEAN);

        public Options {
            if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
                throw new IllegalArgumentException("CrossEntropyLoss: label_smoothing must be between 0.0 and 1.0, got " + labelSmoothing);
            }
            if (reduction == null) throw new IllegalArgumentException("CrossEntropyLoss: reduction must not be null");
        }

        public Options withWeight(Tensor w) { return new Options(w, ignoreIndex, labelSmoothing, reduction); }

        public Options withIgnoreIndex(long i) { return new Options(weight, i, labelSmoothing, reduction); }

        public Options withLabelSmoothing(double s) { return new Options(weight, ignoreIndex, s, reduction); }

        public Options withReduction(Reduction r) { return new Options(weight, ignoreIndex, labelSmoothing, r); }
    }

    @Override public Tensor forward(Tensor input, Tensor target) {
        return F.crossEntropy(input, target, weight, ignoreIndex, labelSmoothing, reduction);
    }
}
