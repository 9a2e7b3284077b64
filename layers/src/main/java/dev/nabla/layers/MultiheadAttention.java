package dev.nabla.layers;

import dev.nabla.api.DType;
import dev.nabla.api.Intermediates;
import dev.nabla.api.Module;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;
import java.util.Arrays;

/**
 * Multi-head scaled dot-product attention, as {@code nn.MultiheadAttention}: the query, key and value projected by one
 * {@code in_proj_weight} [3·E, E] (one matrix product when the three are the same tensor), split into heads,
 * softmax(q·kᵀ/√d + masks)·v per head, then {@code out_proj}. Initialised as PyTorch (Xavier-uniform in-projection,
 * zero biases). Dropout acts on the attention weights while training.
 *
 * <p>Shape: query [N, L, E] with {@code batchFirst}, else [L, N, E] (or unbatched [L, E]); key and value [N, S, E]
 * (or [S, N, E]); output as the query; weights [N, L, S] (averaged over heads) or [N, H, L, S]. Masks: key padding
 * [N, S], attention [L, S] or [N·H, L, S]; a bool mask is true where attending is not allowed, a float mask is added
 * to the scores.
 *
 * <pre>{@code
 * MultiheadAttention mha = new MultiheadAttention(256, 4, MultiheadAttention.Options.DEFAULT.withBatchFirst(true));
 * Tensor y = mha.forward(x);                                        // self-attention, [16, 128, 256] -> same
 * MultiheadAttention.Output o = mha.forward(x, x, x, padding, null, true);   // o.output(), o.weights()
 * }</pre>
 */
@dev.nabla.api.KeepsNoTensors
public final class MultiheadAttention extends Module {
    /** PyTorch's keyword arguments: dropout on the attention weights, biases, batch_first. */
    public record Options(double dropout, boolean bias, boolean batchFirst) {
        public static final Options DEFAULT = new Options(0, true, false);

        public Options {
            if (!(dropout >= 0 && dropout <= 1)) throw new IllegalArgumentException("MultiheadAttention: dropout has to be between 0 and 1, got " + dropout);
        }

        public Options withDropout(double p) { return new Options(p, bias, batchFirst); }

        public Options withBias(boolean b) { return new Options(dropout, b, batchFirst); }

        public Options withBatchFirst(boolean b) { return new Options(dropout, bias, b); }
    }

    /** The attended output and, when asked for, the attention weights (else null). */
    public record Output(Tensor output, Tensor weights) {}

    private final int embedDim, numHeads;
    private final Options options;
    private final Parameter inProjWeight, inProjBias;
    private final Linear outProj;

    public MultiheadAttention(int embedDim, int numHeads) { this(embedDim, numHeads, Options.DEFAULT); }

    public MultiheadAttention(int embedDim, int numHeads, Options options) {
        if (embedDim <= 0 || numHeads <= 0) {
            throw new IllegalArgumentException("MultiheadAttention: embed_dim and num_heads must be positive, got " + embedDim + ", " + numHeads);
        }
        if (embedDim % numHeads != 0) {
            throw new IllegalArgumentException("MultiheadAttention(embed_dim=" + embedDim + ", num_heads=" + numHeads
                    + "): embed_dim must be divisible by num_heads");
        }
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.options = options;
        this.inProjWeight = param("in_proj_weight", Init.xavierUniform(3L * embedDim, embedDim));
        this.inProjBias = options.bias() ? param("in_proj_bias", Tensor.zeros(3L * embedDim)) : null;
        this.outProj = module("out_proj", new Linear(embedDim, embedDim, options.bias()));
        if (options.bias()) Init.zeros_(outProj.bias());
    }

    public int embedDim() { return embedDim; }

    public int numHeads() { return numHeads; }

    public Options options() { return options; }

    /** Self-attention without masks: the attended output only. */
    @Override public Tensor forward(Tensor x) { return forward(x, x, x, null, null, false).output(); }

    /** {@code forward(query, key, value)} without masks. */
    @Override public Tensor forward(Tensor... inputs) {
        if (inputs.length == 1) return forward(inputs[0]);
        if (inputs.length != 3) throw new IllegalArgumentException(who() + ": forward takes (query, key, value), got " + inputs.length + " inputs");
        return forward(inputs[0], inputs[1], inputs[2], null, null, false).output();
    }

    /** As PyTorch's {@code forward(query, key, value, key_padding_mask, need_weights, attn_mask)}, weights averaged over heads. */
    public Output forward(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, Tensor attnMask, boolean needWeights) {
        return forward(query, key, value, keyPaddingMask, attnMask, needWeights, true);
    }

    /** With {@code averageWeights} false the weights are per head, [N, H, L, S]. */
    public Output forward(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, Tensor attnMask, boolean needWeights,
                          boolean averageWeights) {
        // the projections, heads and scores go back to the pool once backward has used them, not at the next collection
        try (var scope = Intermediates.open()) {
            Output o = attend(query, key, value, keyPaddingMask, attnMask, needWeights, averageWeights);
            return new Output(scope.keep(o.output()), scope.keep(o.weights()));
        }
    }

    private Output attend(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, Tensor attnMask, boolean needWeights,
                          boolean averageWeights) {
        String who = who();
        boolean unbatched = query.dim() == 2;
        int expected = unbatched ? 2 : 3;
        for (Tensor t : new Tensor[] {query, key, value}) {
            if (t.dim() != expected || t.size(-1) != embedDim) {
                throw new IllegalArgumentException(who + ": expected query, key and value [" + (options.batchFirst() ? "N, L, " : "L, N, ") + embedDim
                        + "] (or all unbatched [L, " + embedDim + "]), got " + query.shape() + ", " + key.shape()
                        + ", " + value.shape());
            }
        }
        // to [N, L, E]
        Tensor q = unbatched ? query.unsqueeze(0) : options.batchFirst() ? query : query.transpose(0, 1);
        Tensor k = key == query ? q : unbatched ? key.unsqueeze(0) : options.batchFirst() ? key : key.transpose(0, 1);
        Tensor v = value == key ? k : unbatched ? value.unsqueeze(0) : options.batchFirst() ? value : value.transpose(0, 1);
        if (k.size(0) != q.size(0) || v.size(0) != q.size(0) || k.size(1) != v.size(1)) {
            throw new IllegalArgumentException(who + ": expected key and value with the query's batch size and the same length, got query "
                    + query.shape() + ", key " + key.shape() + ", value " + value.shape());
        }
        long n = q.size(0), l = q.size(1), s = k.size(1), h = numHeads, d = embedDim / numHeads;
        Tensor qh, kh, vh;
        if (q == k && k == v) { // self-attention: one product for q, k and v
            Tensor qkv = F.linear(q, inProjWeight, inProjBias).view(n, l, 3, h, d).permute(2, 0, 3, 1, 4); // [3, N, H, L, d]
            qh = qkv.select(0, 0);
            kh = qkv.select(0, 1);
            vh = qkv.select(0, 2);
        } else {
            qh = heads(F.linear(q, part(inProjWeight, 0), part(inProjBias, 0)), n, l, h, d);
            kh = heads(F.linear(k, part(inProjWeight, 1), part(inProjBias, 1)), n, s, h, d);
            vh = heads(F.linear(v, part(inProjWeight, 2), part(inProjBias, 2)), n, s, h, d);
        }
        Tensor mask = mask(who, keyPaddingMask, attnMask, unbatched, n, l, s, q.dtype());
        Tensor weights = F.attentionWeights(qh, kh, mask, options.dropout(), isTraining()); // [N, H, L, S]
        Tensor out = outProj.forward(weights.matmul(vh).permute(0, 2, 1, 3).reshape(n, l, (long) embedDim)); // [N, L, E]
        out = unbatched ? out.squeeze(0) : options.batchFirst() ? out : out.transpose(0, 1);
        Tensor w = null;
        if (needWeights) {
            w = averageWeights ? weights.mean(1) : weights;
            if (unbatched) w = w.squeeze(0);
        }
        return new Output(out, w);
    }

    private Tensor part(Tensor t, int i) { return t == null ? null : t.narrow(0, (long) i * embedDim, embedDim); }

    private static Tensor heads(Tensor x, long n, long len, long h, long d) { return x.view(n, len, h, d).permute(0, 2, 1, 3); }

    /** The two masks as one, [N or 1, H or 1, L or 1, S]: either alone as given, both as one additive float mask. */
    private Tensor mask(String who, Tensor keyPadding, Tensor attn, boolean unbatched, long n, long l, long s, DType dtype) {
        Tensor kp = null, am = null;
        if (keyPadding != null) {
            boolean ok = unbatched ? keyPadding.dim() == 1 && keyPadding.size(0) == s : keyPadding.dim() == 2 && keyPadding.size(0) == n && keyPadding.size(1) == s;
            if (!ok) {
                throw new IllegalArgumentException(who + ": expected key_padding_mask [" + (unbatched ? "" : n + ", ") + s + "], got "
                        + keyPadding.shape());
            }
            kp = keyPadding.reshape(n, 1, 1, s);
        }
        if (attn != null) {
            if (attn.dim() == 2 && attn.size(0) == l && attn.size(1) == s) am = attn.reshape(1, 1, l, s);
            else if (attn.dim() == 3 && attn.size(0) == n * numHeads && attn.size(1) == l && attn.size(2) == s) am = attn.reshape(n, numHeads, l, s);
            else {
                throw new IllegalArgumentException(who + ": expected attn_mask [" + l + ", " + s + "] or [" + n * numHeads + ", " + l + ", " + s
                        + "], got " + attn.shape());
            }
        }
        for (Tensor m : new Tensor[] {kp, am}) {
            if (m != null && m.dtype() != DType.BOOL && m.dtype() != dtype) {
                throw new IllegalArgumentException(who + ": expected bool or " + dtype + " masks, got " + m.dtype());
            }
        }
        if (kp == null) return am;
        if (am == null) return kp;
        return additive(kp, dtype).add(additive(am, dtype));
    }

    private static Tensor additive(Tensor m, DType dtype) {
        return m.dtype() != DType.BOOL ? m : Tensor.zeros(dtype, m.shape()).maskedFill(m, Double.NEGATIVE_INFINITY);
    }

    @Override protected String extraRepr() {
        return "embed_dim=" + embedDim + ", num_heads=" + numHeads + ", dropout=" + Format.num(options.dropout()) + ", batch_first="
                + (options.batchFirst() ? "True" : "False");
    }

    private String who() { return "MultiheadAttention(embed_dim=" + embedDim + ", num_heads=" + numHeads + ")"; }
}
