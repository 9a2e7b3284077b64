package dev.nabla.layers;

import dev.nabla.api.Intermediates;
import dev.nabla.api.Module;
import dev.nabla.api.Tensor;

/**
 * One encoder layer of "Attention Is All You Need", as {@code nn.TransformerEncoderLayer}: self-attention and a
 * feed-forward block (linear1, activation, dropout, linear2), each with dropout, a residual connection and a
 * LayerNorm, after it (post-norm, PyTorch's default) or before it ({@code normFirst}).
 *
 * <p>Shape: src [N, L, dModel] with {@code batchFirst}, else [L, N, dModel] (or unbatched [L, dModel]); output the
 * same. Masks as {@link MultiheadAttention}'s: src_mask [L, L] or [N·nhead, L, L], src_key_padding_mask [N, L].
 *
 * <pre>{@code
 * var layer = new TransformerEncoderLayer(256, 4, TransformerEncoderLayer.Options.DEFAULT
 *         .withDimFeedforward(1024).withActivation(TransformerEncoderLayer.Activation.GELU).withBatchFirst(true));
 * Tensor y = layer.forward(x);   // [16, 128, 256] -> [16, 128, 256]
 * }</pre>
 */
@dev.nabla.api.KeepsNoTensors
public final class TransformerEncoderLayer extends Module {
    /** The feed-forward block's activation. */
    public enum Activation { RELU, GELU }

    /** PyTorch's keyword arguments and defaults: dim_feedforward 2048, dropout 0.1, relu, eps 1e-5, batch_first and norm_first false. */
    public record Options(int dimFeedforward, double dropout, Activation activation, double layerNormEps, boolean batchFirst, boolean normFirst) {
        public static final Options DEFAULT = new Options(2048, 0.1, Activation.RELU, 1e-5, false, false);

        public Options {
            if (dimFeedforward <= 0) throw new IllegalArgumentException("TransformerEncoderLayer: dim_feedforward must be positive, got " + dimFeedforward);
            if (!(dropout >= 0 && dropout <= 1)) throw new IllegalArgumentException("TransformerEncoderLayer: dropout has to be between 0 and 1, got " + dropout);
            if (activation == null) throw new IllegalArgumentException("TransformerEncoderLayer: activation must be RELU or GELU, got null");
            if (!(layerNormEps > 0)) throw new IllegalArgumentException("TransformerEncoderLayer: layer_norm_eps must be positive, got " + layerNormEps);
        }

        public Options withDimFeedforward(int d) { return new Options(d, dropout, activation, layerNormEps, batchFirst, normFirst); }

        public Options withDropout(double p) { return new Options(dimFeedforward, p, activation, layerNormEps, batchFirst, normFirst); }

        public Options withActivation(Activation a) { return new Options(dimFeedforward, dropout, a, layerNormEps, batchFirst, normFirst); }

        public Options withLayerNormEps(double e) { return new Options(dimFeedforward, dropout, activation, e, batchFirst, normFirst); }

        public Options withBatchFirst(boolean b) { return new Options(dimFeedforward, dropout, activation, layerNormEps, b, normFirst); }

        public Options withNormFirst(boolean b) { return new Options(dimFeedforward, dropout, activation, layerNormEps, batchFirst, b); }
    }

    private final int dModel, nhead;
    private final Options options;
    private final MultiheadAttention selfAttn;
    private final Linear linear1, linear2;
    private final Dropout dropout, dropout1, dropout2;
    private final LayerNorm norm1, norm2;

    public TransformerEncoderLayer(int dModel, int nhead) { this(dModel, nhead, Options.DEFAULT); }

    public TransformerEncoderLayer(int dModel, int nhead, Options options) {
        this.dModel = dModel;
        this.nhead = nhead;
        this.options = options;
        this.selfAttn = module("self_attn", new MultiheadAttention(dModel, nhead,
                MultiheadAttention.Options.DEFAULT.withDropout(options.dropout()).withBatchFirst(options.batchFirst())));
        this.linear1 = module("linear1", new Linear(dModel, options.dimFeedforward()));
        this.dropout = module("dropout", new Dropout(options.dropout()));
        this.linear2 = module("linear2", new Linear(options.dimFeedforward(), dModel));
        this.norm1 = module("norm1", new LayerNorm(new long[] {dModel}, options.layerNormEps(), true));
        this.norm2 = module("norm2", new LayerNorm(new long[] {dModel}, options.layerNormEps(), true));
        this.dropout1 = module("dropout1", new Dropout(options.dropout()));
        this.dropout2 = module("dropout2", new Dropout(options.dropout()));
    }

    public Options options() { return options; }

    public MultiheadAttention selfAttn() { return selfAttn; }

    @Override public Tensor forward(Tensor src) { return forward(src, null, null); }

    /** As PyTorch's {@code forward(src, src_mask, src_key_padding_mask)}; either mask may be null. */
    public Tensor forward(Tensor src, Tensor srcMask, Tensor srcKeyPaddingMask) {
        if ((src.dim() != 2 && src.dim() != 3) || src.size(-1) != dModel) {
            throw new IllegalArgumentException("TransformerEncoderLayer(d_model=" + dModel + ", nhead=" + nhead + "): expected src ["
                    + (options.batchFirst() ? "N, L, " : "L, N, ") + dModel + "] or [L, " + dModel + "], got " + src.shape());
        }
        try (var scope = Intermediates.open()) {   // the block's activations go back to the pool once backward has used them
            return scope.keep(block(src, srcMask, srcKeyPaddingMask));
        }
    }

    private Tensor block(Tensor src, Tensor srcMask, Tensor srcKeyPaddingMask) {
        Tensor x = src;
        if (options.normFirst()) {
            x = x.add(attention(norm1.forward(x), srcMask, srcKeyPaddingMask));
            return x.add(feedForward(norm2.forward(x)));
        }
        x = norm1.forward(x.add(attention(x, srcMask, srcKeyPaddingMask)));
        return norm2.forward(x.add(feedForward(x)));
    }

    private Tensor attention(Tensor x, Tensor mask, Tensor keyPadding) {
        return dropout1.forward(selfAttn.forward(x, x, x, keyPadding, mask, false).output());
    }

    private Tensor feedForward(Tensor x) {
        Tensor h = linear1.forward(x);
        h = options.activation() == Activation.GELU ? F.gelu(h) : F.relu(h);
        return dropout2.forward(linear2.forward(dropout.forward(h)));
    }

    @Override protected String extraRepr() {
        return "d_model=" + dModel + ", nhead=" + nhead + ", dim_feedforward=" + options.dimFeedforward() + ", activation="
                + options.activation().name().toLowerCase(java.util.Locale.ROOT) + ", norm_first=" + (options.normFirst() ? "True" : "False");
    }
}
