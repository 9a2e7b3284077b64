package dev.nabla.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nabla.api.Tensor;
import dev.nabla.datasets.Dataset;
import dev.nabla.datasets.Sample;
import dev.nabla.datasets.Subset;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProtocolsTest {
    private static final Dataset<Sample> DATA = TrainingFixtures.train(300);
    private static final int[] LABELS = Splits.labels("test", DATA);

    @TempDir Path dir;

    @Test void theHoldoutTestSetIsSealedAfterOneEvaluation() {
        Holdout<Sample> h = Holdout.split(DATA, 0.6, 0.2, 0.2, 1);
        assertThat(h.train().size()).isEqualTo(180);
        assertThat(h.validation().size()).isEqualTo(60);
        assertThat(h.testSize()).isEqualTo(60);
        assertThat(h.testUsed()).isFalse();
        int[] testIdx = h.test(Subset::indices);
        assertThat(h.testUsed()).isTrue();
        assertThatThrownBy(() -> h.test(Subset::size)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already evaluated").hasMessageContaining("avoided at all costs");
        Set<Integer> all = new HashSet<>();
        for (int[] part : List.of(h.train().indices(), h.validation().indices(), testIdx)) for (int i : part) assertThat(all.add(i)).isTrue();
        assertThat(all).hasSize(300);
        assertThat(Holdout.split(DATA, 0.6, 0.2, 0.2, 1).train().indices()).containsExactly(h.train().indices());
        assertThat(Holdout.split(DATA, 0.6, 0.2, 0.2, 2).train().indices()).isNotEqualTo(h.train().indices());
    }

    @Test void aStratifiedHoldoutKeepsTheClassProportions() {
        Holdout<Sample> h = Holdout.stratified(DATA, 0.5, 0.25, 0.25, 3);
        int[] perClass = counts(IntStream.range(0, 300).toArray());
        int[] train = counts(h.train().indices()), val = counts(h.validation().indices());
        for (int c = 0; c < 10; c++) {
            assertThat((double) train[c]).isCloseTo(perClass[c] * 0.5, within(1.0));
            assertThat((double) val[c]).isCloseTo(perClass[c] * 0.25, within(1.0));
        }
        assertThat(h.train().size() + h.validation().size() + h.testSize()).isEqualTo(300);
    }

    @Test void kFoldsAreDisjointBalancedAndCoverTheData() {
        Dataset<Sample> ds = TrainingFixtures.train(103);
        for (boolean stratified : new boolean[] {false, true}) {
            List<Fold<Sample>> folds = new KFold(5, 7, stratified).split(ds);
            assertThat(folds).hasSize(5);
            Set<Integer> seen = new HashSet<>();
            for (Fold<Sample> f : folds) {
                assertThat(f.validation().size()).isBetween(20, 21);
                assertThat(f.train().size() + f.validation().size()).isEqualTo(103);
                for (int i : f.validation().indices()) assertThat(seen.add(i)).isTrue();
                Set<Integer> train = new HashSet<>();
                for (int i : f.train().indices()) train.add(i);
                for (int i : f.validation().indices()) assertThat(train).doesNotContain(i);
            }
            assertThat(seen).hasSize(103);
            assertThat(new KFold(5, 7, stratified).split(ds).get(2).validation().indices()).containsExactly(folds.get(2).validation().indices());
        }
        int[] all = counts(IntStream.range(0, 300).toArray());
        for (Fold<Sample> f : new KFold(3, 1, true).split(DATA)) {
            int[] c = counts(f.validation().indices());
            for (int k = 0; k < 10; k++) assertThat((double) c[k]).isCloseTo(all[k] / 3.0, within(1.0));
        }
    }

    @Test void crossValidationReportsEachFoldWithMeanAndStd() {
        RunSummary cv = CrossValidation.run(new KFold(4, 5, true), DATA, f -> knnError(f.train(), f.validation(), 3));
        assertThat(cv.values()).hasSize(4).allSatisfy(v -> assertThat(v).isBetween(0.0, 0.5));
        double mean = cv.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(cv.mean()).isCloseTo(mean, within(1e-12));
        assertThat(cv.perRunTable()).contains("fold 1", "fold 4", "mean", "±");
    }

    @Test void repeatedRunsSummarizeWorstMedianBestMeanAndStd() {
        RunSummary s = RepeatedRuns.run(5, 10, seed -> Tensor.rand(1).item());
        assertThat(RepeatedRuns.run(5, 10, seed -> Tensor.rand(1).item()).values()).isEqualTo(s.values());   // seeded per run
        double[] v = s.values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        assertThat(s.worst()).isEqualTo(v[4]);
        assertThat(s.median()).isEqualTo(v[2]);
        assertThat(s.best()).isEqualTo(v[0]);
        RunSummary fixed = new RunSummary("error", List.of("a", "b", "c", "d"), List.of(0.010, 0.013, 0.0082, 0.010));
        assertThat(fixed.std()).isCloseTo(Math.sqrt(variance(0.010, 0.013, 0.0082, 0.010)), within(1e-12));
        assertThat(fixed.table()).isEqualTo(String.format("error over 4 runs%nworst    1.30%%%nmedian   1.00%%%nbest     0.82%%%nmean     1.03%% ± 0.20%%%n"));
    }

    @Test void aCapacitySweepGivesATableAndAPlot() throws Exception {
        Holdout<Sample> h = Holdout.split(DATA, 0.6, 0.2, 0.2, 9);
        CapacitySweep s = CapacitySweep.run("k", new double[] {1, 3, 7, 15, 31},
                k -> new CapacitySweep.Errors(knnError(h.train(), h.train(), (int) k), knnError(h.train(), h.validation(), (int) k)));
        assertThat(s.points()).hasSize(5);
        assertThat(s.points().get(0).trainError()).isZero();     // 1-NN recalls its training set
        assertThat(s.table().lines()).hasSize(6);
        assertThat(s.table()).startsWith("       k  train error  test error");
        Path png = dir.resolve("capacity.png");
        s.plot(png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(560);
        if (System.getenv("NABLA_KEEP_PLOTS") != null) Files.copy(png, Path.of(System.getenv("NABLA_KEEP_PLOTS"), "capacity.png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static double variance(double... v) {
        double m = Arrays.stream(v).average().orElseThrow(), s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return s / (v.length - 1);
    }

    private static int[] counts(int[] indices) {
        int[] c = new int[10];
        for (int i : indices) c[LABELS[i]]++;
        return c;
    }

    /** The error rate of k-nearest-neighbours (Euclidean, majority vote, ties to the smaller class). */
    private static double knnError(Dataset<Sample> train, Dataset<Sample> test, int k) {
        float[][] tx = new float[train.size()][];
        int[] ty = new int[train.size()];
        for (int i = 0; i < tx.length; i++) {
            tx[i] = train.get(i).x().toFloatArray();
            ty[i] = (int) train.get(i).y().item();
        }
        int wrong = 0;
        for (int j = 0; j < test.size(); j++) {
            float[] q = test.get(j).x().toFloatArray();
            double[] d = new double[tx.length];
            for (int i = 0; i < tx.length; i++) {
                double s = 0;
                for (int p = 0; p < q.length; p++) s += (q[p] - tx[i][p]) * (q[p] - tx[i][p]);
                d[i] = s;
            }
            Integer[] order = IntStream.range(0, tx.length).boxed().sorted((a, b) -> Double.compare(d[a], d[b])).toArray(Integer[]::new);
            int[] votes = new int[10];
            for (int i = 0; i < k; i++) votes[ty[order[i]]]++;
            int best = 0;
            for (int c = 1; c < 10; c++) if (votes[c] > votes[best]) best = c;
            if (best != (int) test.get(j).y().item()) wrong++;
        }
        return (double) wrong / test.size();
    }
}
