package dev.nabla.datasets;

import dev.nabla.api.Tensor;
import java.util.Arrays;

/**
 * A mini-batch from a {@link DataLoader}: inputs {@code x} of shape {@code [B, …]} and targets {@code y}
 * of shape {@code [B, …]} ({@code null} for a dataset without targets).
 *
 * <pre>{@code
 * for (Batch b : loader) { Tensor loss = lossFn.apply(model.forward(b.x()), b.y()); … }
 * }</pre>
 */
public record Batch(Tensor x, Tensor y) {
    public Batch {
        if (x == null) throw new IllegalArgumentException("Batch: x must not be null");
        if (x.dim() == 0) throw new IllegalArgumentException("Batch: x must have a batch dimension, got a scalar");
        if (y != null && (y.dim() == 0 || y.size(0) != x.size(0))) {
            throw new IllegalArgumentException("Batch: x and y must have the same batch size; got x "
                    + x.shape() + " and y " + y.shape());
        }
    }

    /** The number of samples, {@code x.size(0)}. */
    public int size() { return (int) x.size(0); }
}
