package dev.nabla.layers;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;
import java.util.Arrays;

/**
 * Expands dimension {@code dim} into {@code sizes}, as {@code nn.Unflatten}.
 *
 * <p>Shape: [N, 784] → [N, 1, 28, 28] for {@code new Unflatten(1, 1, 28, 28)}.
 */
@dev.nabla.api.KeepsNoTensors
public final class Unflatten extends Module {
    private final int dim;
    private final long[] sizes;

    public Unflatten(int dim, long... sizes) {
        if (sizes.length == 0) throw new IllegalArgumentException("Unflatten: expected at least one size");
        this.dim = dim;
        this.sizes = sizes.clone();
    }

    public int dim() { return dim; }

    @Override public Tensor forward(Tensor x) {
        int d = dim < 0 ? dim + x.dim() : dim;
        if (d < 0 || d >= x.dim()) {
            throw new IllegalArgumentException("Unflatten(dim=" + dim + "): input " + x.shape() + " has no dimension " + dim);
        }
        long prod = 1;
        for (long s : sizes) prod *= s;
        if (prod != x.size(d)) {
            throw new IllegalArgumentException("Unflatten(dim=" + dim + ", unflattened_size=" + Format.tuple(sizes) + "): expected dimension "
                    + dim + " of size " + prod + ", got input " + x.shape());
        }
        long[] s = new long[x.dim() - 1 + sizes.length];
        int k = 0;
        for (int i = 0; i < d; i++) s[k++] = x.size(i);
        for (long v : sizes) s[k++] = v;
        for (int i = d + 1; i < x.dim(); i++) s[k++] = x.size(i);
        return x.reshape(s);
    }

    @Override protected String extraRepr() { return "dim=" + dim + ", unflattened_size=" + Format.tuple(sizes); }
}
