package dev.nabla.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nabla.api.DType;
import dev.nabla.api.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Metric values against hand-computed cases (scikit-learn is not installed for /usr/bin/python3 here). */
class MetricsTest {
    // 3 classes; counts [target][predicted] = [[3,1,0],[0,1,1],[0,1,3]]
    static final long[] TARGET = {0, 0, 0, 1, 1, 2, 2, 2, 2, 0};
    static final long[] PRED = {0, 1, 0, 1, 2, 2, 2, 1, 2, 0};

    /** Scores whose argmax is {@code pred}. */
    static Tensor scores(long[] pred, int classes) {
        double[][] s = new double[pred.length][classes];
        for (int i = 0; i < pred.length; i++) {
            for (int c = 0; c < classes; c++) s[i][c] = 0.1 * ((c + i) % classes);
            s[i][(int) pred[i]] = 5;
        }
        return Tensor.of(s);
    }

    /** int64 [n], also for n = 0. */
    static Tensor indices(long[] a) { return a.length == 0 ? Tensor.zeros(DType.INT64, 0) : Tensor.of(a); }

    static long[] slice(long[] a, int from, int to) { return java.util.Arrays.copyOfRange(a, from, to); }

    @Test void accuracyAndErrorRateFromScoresOrIndices() {
        Accuracy a = new Accuracy(), b = new Accuracy();
        a.update(Tensor.of(PRED), Tensor.of(TARGET));
        b.update(scores(PRED, 3), Tensor.of(TARGET));
        assertThat(a.compute()).isEqualTo(0.7);
        assertThat(a.errorRate()).isEqualTo(0.3);
        assertThat(b.compute()).isEqualTo(0.7);
        assertThat(a.correct()).isEqualTo(7);
        a.reset();
        assertThatThrownBy(a::compute).hasMessageContaining("Accuracy: no samples yet");
    }

    @Test void confusionMatrixCountsAndTable() {
        ConfusionMatrix cm = new ConfusionMatrix(3);
        cm.update(Tensor.of(PRED), Tensor.of(TARGET));
        assertThat(cm.counts()).isDeepEqualTo(new long[][] {{3, 1, 0}, {0, 1, 1}, {0, 1, 3}});
        assertThat(cm.total()).isEqualTo(10);
        assertThat(cm.toString()).isEqualTo(String.join("\n",
                "target\\predicted  0  1  2",
                "               0  3  1  0",
                "               1  0  1  1",
                "               2  0  1  3"));
        ConfusionMatrix named = new ConfusionMatrix(3, List.of("cat", "dog", "bird"));
        for (int i = 0; i < 12; i++) named.update(Tensor.of(PRED), Tensor.of(TARGET));
        assertThat(named.toString()).isEqualTo(String.join("\n",
                "target\\predicted   cat   dog  bird",
                "             cat    36    12     0",
                "             dog     0    12    12",
                "            bird     0    12    36"));
    }

    @Test void precisionRecallF1PerClassAndMacro() {
        Precision p = new Precision(3);
        Recall r = new Recall(3);
        F1Score f = new F1Score(3);
        for (Metric m : List.of(p, r, f)) m.update(scores(PRED, 3), Tensor.of(TARGET));
        assertThat(p.perClass()).containsExactly(new double[] {1, 1.0 / 3, 0.75}, within(1e-15));
        assertThat(r.perClass()).containsExactly(new double[] {0.75, 0.5, 0.75}, within(1e-15));
        assertThat(f.perClass()).containsExactly(new double[] {6.0 / 7, 0.4, 0.75}, within(1e-15));
        assertThat(p.compute()).isCloseTo((1 + 1.0 / 3 + 0.75) / 3, within(1e-15));
        assertThat(r.compute()).isCloseTo(2.0 / 3, within(1e-15));
        assertThat(f.compute()).isCloseTo((6.0 / 7 + 0.4 + 0.75) / 3, within(1e-15));
    }

    @Test void zeroOverZeroIsZeroAndAbsentClassesCountInTheMacroAverage() {
        Precision p = new Precision(4);
        Recall r = new Recall(4);
        F1Score f = new F1Score(4);
        for (Metric m : List.of(p, r, f)) m.update(Tensor.of(PRED), Tensor.of(TARGET));   // class 3: never a target, never predicted
        assertThat(p.perClass()[3]).isZero();
        assertThat(r.perClass()[3]).isZero();
        assertThat(f.perClass()[3]).isZero();
        assertThat(r.compute()).isCloseTo(2.0 / 4, within(1e-15));
        Precision never = new Precision(2);   // class 1 is a target but never predicted: precision 0/0 = 0, recall 0
        never.update(Tensor.of(0L, 0L), Tensor.of(0L, 1L));
        assertThat(never.perClass()).containsExactly(0.5, 0);
    }

    @Test void streamingOverBatchesEqualsOneBatch() {
        Accuracy a1 = new Accuracy(), a3 = new Accuracy();
        ConfusionMatrix c1 = new ConfusionMatrix(3), c3 = new ConfusionMatrix(3);
        F1Score f1 = new F1Score(3), f3 = new F1Score(3);
        a1.update(Tensor.of(PRED), Tensor.of(TARGET));
        c1.update(Tensor.of(PRED), Tensor.of(TARGET));
        f1.update(scores(PRED, 3), Tensor.of(TARGET));
        int[] cut = {0, 3, 6, 6, 10};
        for (int b = 0; b + 1 < cut.length; b++) {
            Tensor p = indices(slice(PRED, cut[b], cut[b + 1])), t = indices(slice(TARGET, cut[b], cut[b + 1]));
            a3.update(p, t);
            c3.update(p, t);
            f3.update(cut[b] == cut[b + 1] ? p : scores(slice(PRED, cut[b], cut[b + 1]), 3), t);
        }
        assertThat(a3.compute()).isEqualTo(a1.compute());
        assertThat(c3.counts()).isDeepEqualTo(c1.counts());
        assertThat(f3.perClass()).containsExactly(f1.perClass());

        Random rnd = new Random(3);
        double[][] y = new double[50][2], q = new double[50][2];
        for (int i = 0; i < 50; i++) for (int j = 0; j < 2; j++) { y[i][j] = 100 + rnd.nextGaussian(); q[i][j] = y[i][j] + 0.3 * rnd.nextGaussian(); }
        for (Metric[] pair : new Metric[][] {{new R2Score(), new R2Score()}, {new MeanSquaredError(), new MeanSquaredError()},
                {new MeanAbsoluteError(), new MeanAbsoluteError()}}) {
            pair[0].update(Tensor.zeros(DType.FLOAT64, 0, 2), Tensor.zeros(DType.FLOAT64, 0, 2));   // an empty batch
            pair[0].update(Tensor.of(q).to(DType.FLOAT64), Tensor.of(y).to(DType.FLOAT64));
            for (int from = 0, size = 1; from < 50; from += size, size = size * 2 + 1) {
                int to = Math.min(50, from + size);
                pair[1].update(Tensor.of(java.util.Arrays.copyOfRange(q, from, to)).to(DType.FLOAT64),
                        Tensor.of(java.util.Arrays.copyOfRange(y, from, to)).to(DType.FLOAT64));
            }
            assertThat(pair[1].compute()).as(pair[0].name()).isCloseTo(pair[0].compute(), within(1e-12 * Math.abs(pair[0].compute())));
        }
    }

    @Test void topKCountsTiesInTheTargetsFavour() {
        Tensor s = Tensor.of(new double[][] {
            {0.1, 0.5, 0.3, 0.1},    // target 2: one class higher -> in the top 2
            {0.4, 0.3, 0.2, 0.1},    // target 3: three higher -> out
            {0.2, 0.2, 0.2, 0.2},    // target 3: all tied -> in (even for k = 1)
            {0.5, 0.3, 0.3, 0.0},    // target 2: tied with class 1 for second place -> in
            {0.3, 0.3, 0.3, 0.1}});  // target 3: three higher -> out
        Tensor t = Tensor.of(2L, 3L, 3L, 2L, 3L);
        TopKAccuracy top2 = new TopKAccuracy(2), top1 = new TopKAccuracy(1), top4 = new TopKAccuracy(4);
        Accuracy argmax = new Accuracy();
        for (Metric m : List.of(top2, top1, top4, argmax)) m.update(s, t);
        assertThat(top2.compute()).isEqualTo(0.6);
        assertThat(top2.errorRate()).isEqualTo(0.4);
        assertThat(top1.compute()).isEqualTo(0.2);      // row 2's tie counts
        assertThat(argmax.compute()).isEqualTo(0.0);   // argmax breaks the tie to class 0
        assertThat(top4.compute()).isEqualTo(1.0);
        assertThat(top2.name()).isEqualTo("top2_accuracy");
        assertThatThrownBy(() -> new TopKAccuracy(5).update(s, t)).hasMessage(
                "TopKAccuracy(k=5): expected class scores [N, C] with C >= 5, got float32 [5, 4]");
    }

    @Test void regressionAgainstHandComputation() {
        Tensor y = Tensor.of(DType.FLOAT64, 3, -0.5, 2, 7), p = Tensor.of(DType.FLOAT64, 2.5, 0.0, 2, 8);
        MeanSquaredError mse = new MeanSquaredError();
        MeanAbsoluteError mae = new MeanAbsoluteError();
        R2Score r2 = new R2Score();
        for (Metric m : List.of(mse, mae, r2)) m.update(p, y);
        assertThat(mse.compute()).isEqualTo(0.375);
        assertThat(mae.compute()).isEqualTo(0.5);
        // mean 2.875, SS_tot = 29.1875, SS_res = 1.5
        assertThat(r2.compute()).isCloseTo(1 - 1.5 / 29.1875, within(1e-15));

        R2Score multi = new R2Score();
        multi.update(Tensor.of(new double[][] {{0, 2}, {-1, 2}, {8, -5}}), Tensor.of(new double[][] {{0.5, 1}, {-1, 1}, {7, -6}}));
        // column 0: SS_res 1.25, SS_tot 108.5/3; column 1: SS_res 3, SS_tot 98/3; uniform average
        assertThat(multi.compute()).isCloseTo(((1 - 1.25 / (108.5 / 3)) + (1 - 3 / (98.0 / 3))) / 2, within(1e-12));
        R2Score constant = new R2Score();
        constant.update(Tensor.of(DType.FLOAT64, 2, 2), Tensor.of(DType.FLOAT64, 2, 2));
        assertThat(constant.compute()).isEqualTo(1.0);
        constant.update(Tensor.of(DType.FLOAT64, 1), Tensor.of(DType.FLOAT64, 2));
        assertThat(constant.compute()).isEqualTo(0.0);
        R2Score one = new R2Score();
        one.update(Tensor.of(DType.FLOAT64, 1), Tensor.of(DType.FLOAT64, 2));
        assertThatThrownBy(one::compute).hasMessageContaining("R2Score: needs at least 2 samples, got 1");
    }

    @Test void updatesRecordNoGraph() {
        Tensor w = Tensor.randn(DType.FLOAT64, 4, 3).requiresGrad(true);
        Tensor out = w.mul(2.0);
        Accuracy a = new Accuracy();
        a.update(out, Tensor.of(0L, 1L, 2L, 0L));
        assertThat(dev.nabla.api.Grad.isEnabled()).isTrue();
        assertThat(w.grad()).isNull();
    }

    @Test void shapeAndDtypeErrorsNameTheMetric() {
        assertThatThrownBy(() -> new Accuracy().update(Tensor.of(0L, 1L), Tensor.of(0.0, 1.0)))
                .hasMessage("Accuracy: expected targets as class indices [N] of dtype int64, got float32 [2]; use targets.to(DType.INT64)");
        assertThatThrownBy(() -> new Accuracy().update(Tensor.of(0.0, 1.0), Tensor.of(0L, 1L)))
                .hasMessageStartingWith("Accuracy: expected predictions as class scores [N, C] or class indices [N] of an integer dtype, got float32 [2]");
        assertThatThrownBy(() -> new F1Score(3).update(scores(PRED, 3), Tensor.of(0L, 1L)))
                .hasMessage("F1Score(numClasses=3): predictions have 10 samples (float32 [10, 3]) but targets have 2 (int64 [2])");
        assertThatThrownBy(() -> new ConfusionMatrix(3).update(scores(PRED, 4), Tensor.of(TARGET)))
                .hasMessage("ConfusionMatrix(numClasses=3): expected class scores [N, 3] for 3 classes, got float32 [10, 4]");
        assertThatThrownBy(() -> new Recall(2).update(Tensor.of(0L, 1L), Tensor.of(0L, 2L)))
                .hasMessage("Recall(numClasses=2): targets[1] = 2 is not a class index in [0, 2)");
        assertThatThrownBy(() -> new MeanSquaredError().update(Tensor.zeros(4, 1), Tensor.zeros(4)))
                .hasMessage("MeanSquaredError: predictions float32 [4, 1] and targets float32 [4] should have the same shape; reshape one with view(...)?");
        R2Score r2 = new R2Score();
        r2.update(Tensor.zeros(3, 2), Tensor.ones(3, 2));
        assertThatThrownBy(() -> r2.update(Tensor.zeros(3, 3), Tensor.ones(3, 3)))
                .hasMessage("R2Score: earlier batches had 2 outputs per sample, this one has 3 (float32 [3, 3])");
    }
}
