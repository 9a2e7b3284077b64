package dev.nabla.datasets;

import java.util.Arrays;

/**
 * The elements of a dataset at given indices, as {@code torch.utils.data.Subset}.
 *
 * <pre>{@code
 * var firstHundred = new Subset<>(ds, IntStream.range(0, 100).toArray());
 * }</pre>
 */
public final class Subset<E> implements Dataset<E> {
    private final Dataset<E> dataset;
    private final int[] indices;

    public Subset(Dataset<E> dataset, int[] indices) {
        if (dataset == null) throw new IllegalArgumentException("Subset: dataset must not be null");
        for (int i : indices) {
            if (i < 0 || i >= dataset.size()) {
                throw new IndexOutOfBoundsException("Subset: index " + i + " is out of range for a dataset of size "
                        + dataset.size());
            }
        }
        this.dataset = dataset;
        this.indices = indices.clone();
    }

    /** The underlying dataset. */
    public Dataset<E> dataset() { return dataset; }

    /** The indices into the underlying dataset (a copy). */
    public int[] indices() { return indices.clone(); }

    @Override public int size() { return indices.length; }

    @Override public E get(int index) { return dataset.get(indices[Collation.checkIndex(this, index, size())]); }

    /** Delegates to the underlying dataset's (possibly bulk) collation. */
    @Override public Batch batch(int[] idx) {
        int[] mapped = new int[idx.length];
        for (int k = 0; k < idx.length; k++) mapped[k] = indices[Collation.checkIndex(this, idx[k], size())];
        return dataset.batch(mapped);
    }

    @Override public String toString() {
        return "Subset(size=" + indices.length + ", of " + dataset.getClass().getSimpleName() + ")";
    }

    @Override public boolean equals(Object o) {
        return o instanceof Subset<?> s && s.dataset == dataset && Arrays.equals(s.indices, indices);
    }

    @Override public int hashCode() { return System.identityHashCode(dataset) * 31 + Arrays.hashCode(indices); }
}
