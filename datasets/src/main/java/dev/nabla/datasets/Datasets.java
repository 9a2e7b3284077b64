package dev.nabla.datasets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Operations on datasets: {@link #randomSplit}, as {@code torch.utils.data.random_split}. */
public final class Datasets {
    private Datasets() {}

    /**
     * Splits a dataset into non-overlapping random subsets of the given sizes (which must add up to its
     * size); the same seed gives the same split.
     *
     * <pre>{@code
     * var parts = Datasets.randomSplit(ds, new int[] {50_000, 10_000}, 42);
     * }</pre>
     */
    public static <E> List<Subset<E>> randomSplit(Dataset<E> ds, int[] sizes, long seed) {
        long sum = 0;
        for (int s : sizes) {
            if (s < 0) throw new IllegalArgumentException("randomSplit: sizes must be non-negative, got " + Arrays.toString(sizes));
            sum += s;
        }
        if (sum != ds.size()) {
            throw new IllegalArgumentException("randomSplit: sum of input lengths " + Arrays.toString(sizes) + " = " + sum
                    + " does not equal the length of the input dataset (" + ds.size() + ")");
        }
        int[] perm = permutation(ds.size(), new Random(seed));
        List<Subset<E>> out = new ArrayList<>(sizes.length);
        int start = 0;
        for (int s : sizes) {
            out.add(new Subset<>(ds, Arrays.copyOfRange(perm, start, start + s)));
            start += s;
        }
        return out;
    }

    /**
     * Splits by fractions that add up to 1 (within 1e-6), as PyTorch: each part gets
     * {@code floor(n · fraction)} elements and the remainder goes one by one to the parts in order.
     *
     * <pre>{@code
     * var parts = Datasets.randomSplit(ds, new double[] {0.8, 0.2}, 42);
     * }</pre>
     */
    public static <E> List<Subset<E>> randomSplit(Dataset<E> ds, double[] fractions, long seed) {
        double total = 0;
        for (double f : fractions) {
            if (!(f >= 0 && f <= 1)) {
                throw new IllegalArgumentException("randomSplit: fraction " + f + " is not between 0 and 1");
            }
            total += f;
        }
        if (Math.abs(total - 1) > 1e-6) {
            throw new IllegalArgumentException("randomSplit: fractions " + Arrays.toString(fractions)
                    + " add up to " + total + ", expected 1; or pass sizes instead");
        }
        int n = ds.size();
        int[] sizes = new int[fractions.length];
        int assigned = 0;
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = (int) Math.floor(n * fractions[i]);
            assigned += sizes[i];
        }
        for (int i = 0; assigned < n; i = (i + 1) % sizes.length, assigned++) sizes[i]++;
        return randomSplit(ds, sizes, seed);
    }

    /** A uniformly random permutation of {@code 0 … n-1} (Fisher–Yates). */
    static int[] permutation(int n, Random random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
