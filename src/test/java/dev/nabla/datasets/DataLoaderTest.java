package dev.nabla.datasets;

import dev.nabla.api.Shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nabla.api.DType;
import dev.nabla.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    /** x[i] = [i, 10 i], y[i] = i. */
    static TensorDataset counting(int n) {
        float[][] x = new float[n][];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            x[i] = new float[] {i, 10 * i};
            y[i] = i;
        }
        return new TensorDataset(Tensor.of(x), Tensor.of(y));
    }

    static List<Long> order(Iterable<Batch> loader) {
        List<Long> out = new ArrayList<>();
        for (Batch b : loader) for (long v : b.y().toLongArray()) out.add(v);
        return out;
    }

    @Test void batchesInOrderWithoutShuffle() {
        var loader = new DataLoader<>(counting(10), 4);
        assertThat(loader.size()).isEqualTo(3);
        List<Batch> batches = new ArrayList<>();
        loader.forEach(batches::add);
        assertThat(batches).hasSize(3);
        assertThat(batches.get(0).x().shape()).isEqualTo(Shape.of(4, 2));
        assertThat(batches.get(2).x().shape()).isEqualTo(Shape.of(2, 2));
        assertThat(batches.get(2).x().toFloatArray()).containsExactly(8, 80, 9, 90);
        assertThat(order(loader)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    @Test void dropLastDropsTheIncompleteBatch() {
        var loader = new DataLoader<>(counting(10), 4, false, DataLoader.Options.DEFAULT.withDropLast(true));
        assertThat(loader.size()).isEqualTo(2);
        assertThat(order(loader)).hasSize(8);
        assertThat(new DataLoader<>(counting(8), 4, false, DataLoader.Options.DEFAULT.withDropLast(true)).size()).isEqualTo(2);
    }

    @Test void shuffleIsSeededAndNewEveryEpoch() {
        var opts = DataLoader.Options.DEFAULT.withSeed(7);
        var a = new DataLoader<>(counting(50), 8, true, opts);
        var b = new DataLoader<>(counting(50), 8, true, opts);
        List<Long> a1 = order(a), a2 = order(a), b1 = order(b), b2 = order(b);
        assertThat(a1).isEqualTo(b1);
        assertThat(a2).isEqualTo(b2);
        assertThat(a1).isNotEqualTo(a2);
        assertThat(new HashSet<>(a1)).hasSize(50);
        assertThat(new HashSet<>(a2)).hasSize(50);
        assertThat(order(new DataLoader<>(counting(50), 8, true, DataLoader.Options.DEFAULT.withSeed(8)))).isNotEqualTo(a1);
    }

    @Test void workersGiveTheSameBatchesInTheSameOrder() {
        Transform noise = new Lambda(x -> x.add(Tensor.of((float) Transform.random().nextGaussian(), 0f)));
        var ds = new Subset<>(new MappedDataset(counting(103), noise), IntStream.range(0, 103).toArray());
        var serial = new DataLoader<>(ds, 10, true, DataLoader.Options.DEFAULT.withSeed(3));
        var parallel = new DataLoader<>(ds, 10, true, DataLoader.Options.DEFAULT.withSeed(3).withNumWorkers(2));
        for (int epoch = 0; epoch < 2; epoch++) {
            List<float[]> s = new ArrayList<>(), p = new ArrayList<>();
            for (Batch b : serial) s.add(b.x().toFloatArray());
            for (Batch b : parallel) p.add(b.x().toFloatArray());
            assertThat(p).hasSize(11);
            for (int i = 0; i < s.size(); i++) assertThat(p.get(i)).containsExactly(s.get(i));
        }
        parallel.close();
    }

    @Test void workerExceptionsAreRethrownInTheCaller() {
        Dataset<Sample> bad = new Dataset<>() {
            @Override public int size() { return 40; }
            @Override public Sample get(int i) {
                if (i == 25) throw new IllegalStateException("broken sample 25");
                return new Sample(Tensor.of(1f), Tensor.of(1L));
            }
        };
        var loader = new DataLoader<>(bad, 5, false, DataLoader.Options.DEFAULT.withNumWorkers(2));
        var it = loader.iterator();
        for (int i = 0; i < 5; i++) it.next();
        assertThatThrownBy(it::next).isInstanceOf(IllegalStateException.class).hasMessage("broken sample 25")
                .satisfies(e -> assertThat(e.getSuppressed()[0]).hasMessageContaining("worker thread").hasMessageContaining("batch 5"));
        assertThat(it.hasNext()).isFalse();
        // the next epoch works again up to the bad batch
        assertThat(loader.iterator().next().size()).isEqualTo(5);
    }

    @Test void defaultCollationStacksSamplesAndChecksShapes() {
        Dataset<Sample> ds = new Dataset<>() {
            @Override public int size() { return 3; }
            @Override public Sample get(int i) { return new Sample(Tensor.full(new long[] {2, 2}, i), Tensor.scalar(DType.INT64, i)); }
        };
        Batch b = new DataLoader<>(ds, 3).iterator().next();
        assertThat(b.x().shape()).isEqualTo(Shape.of(3, 2, 2));
        assertThat(b.y().dtype()).isEqualTo(DType.INT64);
        assertThat(b.y().toLongArray()).containsExactly(0, 1, 2);
        Dataset<Sample> ragged = new Dataset<>() {
            @Override public int size() { return 2; }
            @Override public Sample get(int i) { return new Sample(Tensor.zeros(i + 1), null); }
        };
        assertThatThrownBy(() -> new DataLoader<>(ragged, 2).iterator().next())
                .hasMessageContaining("equal shapes").hasMessageContaining("[2]");
    }

    @Test void customCollate() {
        var loader = new DataLoader<>(counting(6), 3, false, DataLoader.Options.DEFAULT,
                items -> new Batch(Tensor.of((float) items.size()), null));
        assertThat(order2(loader)).containsExactly(3f, 3f);
    }

    private static List<Float> order2(Iterable<Batch> loader) {
        List<Float> out = new ArrayList<>();
        for (Batch b : loader) out.add(b.x().toFloatArray()[0]);
        return out;
    }

    @Test void subsetConcatAndRandomSplit() {
        TensorDataset ds = counting(10);
        var sub = new Subset<>(ds, new int[] {7, 2});
        assertThat(sub.get(0).y().item()).isEqualTo(7.0);
        assertThat(sub.batch(new int[] {1, 0}).y().toLongArray()).containsExactly(2, 7);
        var cat = new ConcatDataset<>(ds, sub);
        assertThat(cat.size()).isEqualTo(12);
        assertThat(cat.get(11).y().item()).isEqualTo(2.0);
        assertThatThrownBy(() -> cat.get(12)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("size 12");

        var parts = Datasets.randomSplit(ds, new int[] {7, 3}, 1);
        assertThat(parts.get(0).size()).isEqualTo(7);
        Set<Integer> seen = new HashSet<>();
        for (var p : parts) for (int i : p.indices()) seen.add(i);
        assertThat(seen).hasSize(10);
        assertThat(Datasets.randomSplit(ds, new int[] {7, 3}, 1).get(0).indices()).containsExactly(parts.get(0).indices());
        var byFraction = Datasets.randomSplit(counting(11), new double[] {0.5, 0.5}, 2);
        assertThat(byFraction.get(0).size() + byFraction.get(1).size()).isEqualTo(11);
        assertThat(byFraction.get(0).size()).isEqualTo(6);
        assertThatThrownBy(() -> Datasets.randomSplit(ds, new int[] {5, 3}, 1)).hasMessageContaining("does not equal");
        assertThatThrownBy(() -> Datasets.randomSplit(ds, new double[] {0.5, 0.2}, 1)).hasMessageContaining("add up to");
    }

    @Test void tensorDatasetChecksSizes() {
        assertThatThrownBy(() -> new TensorDataset(Tensor.zeros(3, 2), Tensor.zeros(4)))
                .hasMessageContaining("same first dimension").hasMessageContaining("[3, 2]");
    }

    @Test void badArguments() {
        assertThatThrownBy(() -> new DataLoader<>(counting(3), 0)).hasMessageContaining("batchSize must be >= 1, got 0");
        assertThatThrownBy(() -> DataLoader.Options.DEFAULT.withNumWorkers(-1)).hasMessageContaining("numWorkers");
    }

    /** A dataset whose inputs go through a transform. */
    record MappedDataset(TensorDataset base, Transform t) implements Dataset<Sample> {
        @Override public int size() { return base.size(); }
        @Override public Sample get(int i) {
            Sample s = base.get(i);
            return new Sample(t.apply(s.x()), s.y());
        }
    }

    @Test void loaderIsUsableFromManyEpochs() {
        var loader = new DataLoader<>(counting(5), 2, true);
        for (int e = 0; e < 3; e++) assertThat(order(loader)).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L);
        assertThat(Arrays.stream(new int[0]).count()).isZero();
    }
}
