package dev.nabla.layers;

import dev.nabla.api.Grad;
import dev.nabla.api.Module;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;

/**
 * A lookup table of {@code numEmbeddings} vectors of size {@code embeddingDim}, as
 * {@code nn.Embedding}: weight drawn from N(0, 1); the row {@code paddingIdx} (if given) starts at
 * zero and receives no gradient.
 *
 * <p>Shape: indices of any shape, int64, each in [0, numEmbeddings); output [..., embeddingDim];
 * weight [numEmbeddings, embeddingDim].
 *
 * <pre>{@code
 * Embedding emb = new Embedding(10000, 64);
 * Tensor v = emb.forward(tokens);   // [batch, seq] int64 -> [batch, seq, 64]
 * }</pre>
 */
@dev.nabla.api.KeepsNoTensors
public final class Embedding extends Module {
    private final int numEmbeddings, embeddingDim;
    private final long paddingIdx;
    private final Parameter weight;

    public Embedding(int numEmbeddings, int embeddingDim) { this(numEmbeddings, embeddingDim, null); }

    /** With a padding index (negative counts from the end, as PyTorch), or null for none. */
    public Embedding(int numEmbeddings, int embeddingDim, Integer paddingIdx) {
        if (numEmbeddings <= 0 || embeddingDim <= 0) {
            throw new IllegalArgumentException("Embedding: num_embeddings and embedding_dim must be positive, got " + numEmbeddings + ", "
                    + embeddingDim);
        }
        if (paddingIdx != null && (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings)) {
            throw new IllegalArgumentException("Embedding(" + numEmbeddings + ", " + embeddingDim + "): padding_idx must be within "
                    + "num_embeddings, got " + paddingIdx);
        }
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.paddingIdx = paddingIdx == null ? -1 : paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
        this.weight = param("weight", Init.normal(0, 1, numEmbeddings, embeddingDim));
        if (this.paddingIdx >= 0) {
            try (var g = Grad.disabled()) { weight.select(0, this.paddingIdx).zero_(); }
        }
    }

    public Parameter weight() { return weight; }

    /** The padding row, or −1 for none. */
    public long paddingIdx() { return paddingIdx; }

    @Override public Tensor forward(Tensor indices) { return F.embedding(indices, weight, paddingIdx); }

    @Override protected String extraRepr() {
        return numEmbeddings + ", " + embeddingDim + (paddingIdx >= 0 ? ", padding_idx=" + paddingIdx : "");
    }
}
