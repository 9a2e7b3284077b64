package dev.nabla.datasets;

import dev.nabla.api.Tensor;
import java.util.Arrays;

/**
 * Inputs and targets held as two tensors whose first dimension indexes the samples, as
 * {@code torch.utils.data.TensorDataset}.
 *
 * <pre>{@code
 * var ds = new TensorDataset(Tensor.randn(100, 3), Tensor.randn(100, 1));
 * var loader = new DataLoader<>(ds, 10, true);
 * }</pre>
 */
public final class TensorDataset implements Dataset<Sample> {
    private final Tensor x;
    private final Tensor y;

    /** Inputs {@code x} of shape {@code [N, …]} and targets {@code y} of shape {@code [N, …]}. */
    public TensorDataset(Tensor x, Tensor y) {
        if (x == null || y == null) throw new IllegalArgumentException("TensorDataset: x and y must not be null");
        if (x.dim() == 0 || y.dim() == 0 || x.size(0) != y.size(0)) {
            throw new IllegalArgumentException("TensorDataset: x and y must have the same first dimension; got x "
                    + x.shape() + " and y " + y.shape());
        }
        this.x = x.detach();
        this.y = y.detach();
    }

    /** The inputs, {@code [N, …]}. */
    public Tensor x() { return x; }

    /** The targets, {@code [N, …]}. */
    public Tensor y() { return y; }

    @Override public int size() { return (int) x.size(0); }

    @Override public Sample get(int index) {
        Collation.checkIndex(this, index, size());
        return new Sample(x.select(0, index), y.select(0, index));
    }

    /** Gathers the rows with one {@code indexSelect} per tensor. */
    @Override public Batch batch(int[] indices) {
        for (int i : indices) Collation.checkIndex(this, i, size());
        Tensor idx = Tensor.of(indices);
        return new Batch(x.indexSelect(0, idx), y.indexSelect(0, idx));
    }
}
