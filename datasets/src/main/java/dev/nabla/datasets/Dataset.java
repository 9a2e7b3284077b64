package dev.nabla.datasets;

import java.util.ArrayList;
import java.util.List;

/**
 * A map-style dataset, as {@code torch.utils.data.Dataset}: {@link #size()} elements read by index.
 *
 * <p>Supervised datasets hold {@link Sample}s; a {@link DataLoader} collates them into {@link Batch}es
 * through {@link #batch(int[])}, which datasets that keep their data in one array override to copy rows
 * in bulk.
 *
 * <pre>{@code
 * Dataset<Sample> ds = new TensorDataset(x, y);
 * Sample s = ds.get(0);
 * }</pre>
 *
 * @param <E> the element type
 */
public interface Dataset<E> {
    /** The number of elements. */
    int size();

    /** The element at {@code index}, {@code 0 <= index < size()}. */
    E get(int index);

    /**
     * The elements at these indices collated into one batch: {@link Sample}s become a batch of stacked
     * inputs and stacked targets, {@link dev.nabla.api.Tensor}s a batch of stacked inputs without targets.
     * Random transforms draw from {@link Transform#random()}, seeded per sample inside a {@link DataLoader}.
     */
    default Batch batch(int[] indices) {
        List<E> items = new ArrayList<>(indices.length);
        for (int i : indices) {
            SampleRandom.begin(i);
            items.add(get(i));
        }
        return Collation.collate(items);
    }
}
