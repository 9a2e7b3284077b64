package dev.nabla.datasets;

import java.util.List;

/**
 * Datasets one after the other, as {@code torch.utils.data.ConcatDataset}.
 *
 * <pre>{@code
 * var all = new ConcatDataset<>(List.of(train, test));
 * }</pre>
 */
public final class ConcatDataset<E> implements Dataset<E> {
    private final List<Dataset<E>> datasets;
    private final int[] ends; // cumulative sizes

    public ConcatDataset(List<? extends Dataset<E>> datasets) {
        if (datasets == null || datasets.isEmpty()) {
            throw new IllegalArgumentException("ConcatDataset: expected at least one dataset");
        }
        this.datasets = List.copyOf(datasets);
        this.ends = new int[datasets.size()];
        long total = 0;
        for (int i = 0; i < ends.length; i++) {
            total += datasets.get(i).size();
            if (total > Integer.MAX_VALUE) throw new IllegalArgumentException("ConcatDataset: more than 2^31 - 1 elements");
            ends[i] = (int) total;
        }
    }

    @SafeVarargs
    public ConcatDataset(Dataset<E>... datasets) { this(List.of(datasets)); }

    /** The parts, in order. */
    public List<Dataset<E>> datasets() { return datasets; }

    @Override public int size() { return ends[ends.length - 1]; }

    @Override public E get(int index) {
        Collation.checkIndex(this, index, size());
        int part = 0;
        while (index >= ends[part]) part++;
        return datasets.get(part).get(index - (part == 0 ? 0 : ends[part - 1]));
    }
}
