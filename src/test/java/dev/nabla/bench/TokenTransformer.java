package dev.nabla.bench;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;
import dev.nabla.layers.Embedding;
import dev.nabla.layers.Linear;
import dev.nabla.layers.TransformerEncoder;
import dev.nabla.layers.TransformerEncoderLayer;

/**
 * The transformer workload: an Embedding of {@code vocab} words to {@code dModel}, a TransformerEncoder of
 * {@code layers} layers (GELU, batch_first, pre- or post-norm, dropout 0.1), a Linear back to {@code vocab} logits
 * per token. No positional encoding (the timing does not depend on it). The same network as
 * tools/bench/bench_torch.py's {@code TokenTransformer}.
 */
public final class TokenTransformer extends Module {
    private final Embedding embed;
    private final TransformerEncoder encoder;
    private final Linear head;

    public TokenTransformer(int vocab, int dModel, int heads, int feedForward, int layers, double dropout, boolean normFirst) {
        var opts = TransformerEncoderLayer.Options.DEFAULT.withDimFeedforward(feedForward).withDropout(dropout)
                .withActivation(TransformerEncoderLayer.Activation.GELU).withBatchFirst(true).withNormFirst(normFirst);
        embed = module("embed", new Embedding(vocab, dModel));
        encoder = module("encoder", new TransformerEncoder(() -> new TransformerEncoderLayer(dModel, heads, opts), layers));
        head = module("head", new Linear(dModel, vocab));
    }

    /** Tokens [N, L] int64 → logits [N, L, vocab]. */
    @Override public Tensor forward(Tensor tokens) { return head.forward(encoder.forward(embed.forward(tokens))); }
}
