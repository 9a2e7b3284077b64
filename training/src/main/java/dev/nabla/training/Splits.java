package dev.nabla.training;

import dev.nabla.datasets.Dataset;
import dev.nabla.datasets.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/** Seeded index partitions for the evaluation protocols, optionally stratified by class. */
final class Splits {
    private Splits() {}

    /** The class index of every sample: a {@link Sample} whose target is a single class index. */
    static int[] labels(String who, Dataset<?> ds) {
        int[] labels = new int[ds.size()];
        for (int i = 0; i < labels.length; i++) {
            Object e = ds.get(i);
            if (!(e instanceof Sample s) || s.y() == null || s.y().numel() != 1) {
                throw new IllegalArgumentException(who + ": a stratified split needs samples whose target is one class index; element " + i
                        + " is " + (e instanceof Sample s ? "a Sample with target " + s.y() : e));
            }
            labels[i] = (int) s.y().item();
        }
        return labels;
    }

    /** Parts of {@code 0 … n-1} with the given fractions (adding up to 1); stratified when {@code labels} is not null. */
    static int[][] partition(String who, int n, int[] labels, double[] fractions, long seed) {
        double total = 0;
        for (double f : fractions) {
            if (!(f >= 0 && f <= 1)) throw new IllegalArgumentException(who + ": fraction " + f + " is not between 0 and 1");
            total += f;
        }
        if (Math.abs(total - 1) > 1e-6) {
            throw new IllegalArgumentException(who + ": fractions " + Arrays.toString(fractions) + " add up to " + total + ", expected 1");
        }
        Random random = new Random(seed);
        List<List<Integer>> parts = new ArrayList<>();
        for (int p = 0; p < fractions.length; p++) parts.add(new ArrayList<>());
        for (int[] group : groups(n, labels)) {
            shuffle(group, random);
            int[] sizes = sizes(group.length, fractions);
            int at = 0;
            for (int p = 0; p < sizes.length; p++) for (int j = 0; j < sizes[p]; j++) parts.get(p).add(group[at++]);
        }
        int[][] out = new int[fractions.length][];
        for (int p = 0; p < out.length; p++) {
            out[p] = parts.get(p).stream().mapToInt(Integer::intValue).toArray();
            shuffle(out[p], random);
        }
        return out;
    }

    /** {@code k} disjoint folds covering {@code 0 … n-1}, sizes differing by at most one; stratified when {@code labels} is not null. */
    static int[][] folds(String who, int n, int[] labels, int k, long seed) {
        if (k < 2 || k > n) throw new IllegalArgumentException(who + ": k must be between 2 and the dataset size " + n + ", got " + k);
        Random random = new Random(seed);
        int[] order = new int[n];
        int at = 0;
        for (int[] group : groups(n, labels)) {
            shuffle(group, random);
            for (int i : group) order[at++] = i;
        }
        List<List<Integer>> folds = new ArrayList<>();
        for (int f = 0; f < k; f++) folds.add(new ArrayList<>());
        if (labels == null) {
            int[] sizes = new int[k];
            for (int f = 0; f < k; f++) sizes[f] = n / k + (f < n % k ? 1 : 0);
            at = 0;
            for (int f = 0; f < k; f++) for (int j = 0; j < sizes[f]; j++) folds.get(f).add(order[at++]);
        } else {
            for (int i = 0; i < n; i++) folds.get(i % k).add(order[i]);   // dealt in class order: each class spread evenly
        }
        int[][] out = new int[k][];
        for (int f = 0; f < k; f++) {
            out[f] = folds.get(f).stream().mapToInt(Integer::intValue).sorted().toArray();
        }
        return out;
    }

    /** Every index not in {@code part}, in order. */
    static int[] complement(int n, int[] part) {
        boolean[] in = new boolean[n];
        for (int i : part) in[i] = true;
        int[] out = new int[n - part.length];
        int at = 0;
        for (int i = 0; i < n; i++) if (!in[i]) out[at++] = i;
        return out;
    }

    /** One group of all indices, or one per class (in class order). */
    private static List<int[]> groups(int n, int[] labels) {
        if (labels == null) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            return List.of(all);
        }
        TreeMap<Integer, List<Integer>> byClass = new TreeMap<>();
        for (int i = 0; i < n; i++) byClass.computeIfAbsent(labels[i], c -> new ArrayList<>()).add(i);
        List<int[]> out = new ArrayList<>();
        for (List<Integer> g : byClass.values()) out.add(g.stream().mapToInt(Integer::intValue).toArray());
        return out;
    }

    /** As {@code Datasets.randomSplit} with fractions: floors, then the remainder one by one to the parts in order. */
    private static int[] sizes(int n, double[] fractions) {
        int[] sizes = new int[fractions.length];
        int assigned = 0;
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = (int) Math.floor(n * fractions[i]);
            assigned += sizes[i];
        }
        for (int i = 0; assigned < n; i = (i + 1) % sizes.length) {
            if (fractions[i] > 0) {
                sizes[i]++;
                assigned++;
            }
        }
        return sizes;
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
