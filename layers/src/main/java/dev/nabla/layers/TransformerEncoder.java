package dev.nabla.layers;

import dev.nabla.api.Intermediates;
import dev.nabla.api.Module;
import dev.nabla.api.ModuleList;
import dev.nabla.api.Tensor;
import java.util.function.Supplier;

/**
 * A stack of {@code numLayers} encoder layers, then an optional final norm, as {@code nn.TransformerEncoder}. The
 * layers come from a supplier, so each starts with its own weights (PyTorch deep-copies one layer, so its layers
 * start equal; load a state dict to reproduce that).
 *
 * <p>Shape: as {@link TransformerEncoderLayer}'s.
 *
 * <pre>{@code
 * var opts = TransformerEncoderLayer.Options.DEFAULT.withDimFeedforward(1024).withBatchFirst(true);
 * var encoder = new TransformerEncoder(() -> new TransformerEncoderLayer(256, 4, opts), 2, null);
 * Tensor y = encoder.forward(x, null, padding);   // [16, 128, 256] -> [16, 128, 256]
 * }</pre>
 */
@dev.nabla.api.KeepsNoTensors
public final class TransformerEncoder extends Module {
    private final ModuleList layers;
    private final LayerNorm norm;

    public TransformerEncoder(Supplier<TransformerEncoderLayer> layer, int numLayers) { this(layer, numLayers, null); }

    /** With {@code norm} applied to the last layer's output, or null for none. */
    public TransformerEncoder(Supplier<TransformerEncoderLayer> layer, int numLayers, LayerNorm norm) {
        if (numLayers <= 0) throw new IllegalArgumentException("TransformerEncoder: num_layers must be positive, got " + numLayers);
        this.layers = module("layers", new ModuleList());
        for (int i = 0; i < numLayers; i++) layers.add(layer.get());
        this.norm = norm == null ? null : module("norm", norm);
    }

    public int numLayers() { return layers.size(); }

    public TransformerEncoderLayer layer(int i) { return (TransformerEncoderLayer) layers.get(i); }

    @Override public Tensor forward(Tensor src) { return forward(src, null, null); }

    /** As PyTorch's {@code forward(src, mask, src_key_padding_mask)}; either mask may be null. */
    public Tensor forward(Tensor src, Tensor mask, Tensor srcKeyPaddingMask) {
        try (var scope = Intermediates.open()) {   // the outputs between layers go back to the pool once backward has used them
            Tensor x = src;
            for (Module m : layers) x = ((TransformerEncoderLayer) m).forward(x, mask, srcKeyPaddingMask);
            return scope.keep(norm == null ? x : norm.forward(x));
        }
    }
}
