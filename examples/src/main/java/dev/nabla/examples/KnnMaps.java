package dev.nabla.examples;

import dev.nabla.api.DType;
import dev.nabla.api.Grad;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;

/**
 * k-NN's decision and vote maps (slide 2.2): two overlapping classes in the plane (either side of a wavy
 * border, mixed near it, as the slide's two classes); the class
 * predicted over the plane with K = 1 (every training point its own island) and K = 51, and the vote map
 * for K = 51 (the share of the 51 neighbours in class 1); then the train and test error as K goes 1 … 1000,
 * within the slide's 0–0.3: zero training error at K = 1, the test error falling and rising again
 * (overfitting on the left, underfitting on the right).
 * Options: --train N (2000 points), --test N (2000), --map P (160 pixels a side), --seed S (0), --out DIR.
 * Writes knn-maps.png (training set, prediction K=1, votes K=51, prediction K=51) and knn-curve.png.
 */
public final class KnnMaps {
    private KnnMaps() {}

    record Result(int boundaryK1, int boundaryK51, Knn.Curve curve, double bayesError) {}

    public static void main(String[] args) {
        Figures.Args a = Figures.args("knnmaps", args).only("--train", "--test", "--map", "--seed");
        run(a.integer("--train", 2000), a.integer("--test", 2000), a.integer("--map", 160), a.integer("--seed", 0), a.out());
    }

    static Result run(int nTrain, int nTest, int mapSize, long seed, Path out) {
        Nabla.manualSeed(seed);
        try (var g = Grad.disabled()) {
            Tensor[] train = wavy(nTrain), test = wavy(nTest);
            double bayes = bayesError();
            System.out.printf(Locale.ROOT, "two overlapping classes in [-3, 3]^2 on either side of a wavy border, "
                    + "P(y = 1 | x) = sigmoid(%s (x_v - %s sin(1.5 x_u))); %d training and %d test points; Bayes error %.2f%%%n",
                    SHARPNESS, AMPLITUDE, nTrain, nTest, 100 * bayes);

            Maps maps = new Maps(3, mapSize);
            double[][] shares = voteShares(train[0], train[1], maps.grid(), 1, 51);
            double[] k1 = shares[0], k51 = shares[1];
            Maps.save(List.of(maps.points(train[0], train[1].toDoubleArray()), maps.prediction(k1), maps.votes(k51), maps.prediction(k51)),
                    out.resolve("knn-maps.png"), 4);
            int b1 = Maps.boundary(k1, maps.size()), b51 = Maps.boundary(k51, maps.size());
            System.out.printf(Locale.ROOT, "decision boundary across the %dx%d map: %d pixel edges with K = 1, %d with K = 51%n", maps.size(),
                    maps.size(), b1, b51);

            Knn.Curve curve = Knn.curve(train[0], train[1], train[0], train[1], test[0], test[1], 2);
            System.out.println("     K  train error  test error");
            for (int i = 0; i < curve.ks().length; i++) {
                System.out.printf(Locale.ROOT, "%6d  %10.2f%%  %9.2f%%%n", curve.ks()[i], 100 * curve.trainError()[i], 100 * curve.testError()[i]);
            }
            System.out.println("slide (line 1583): the train and test error against K = 1 ... 1000 on an axis from 0 to 0.3, "
                    + "\"Underfitting\" to the right, \"Overfitting\" to the left");
            XYChart c = Figures.chart("k-NN on two overlapping classes", "K", "error");
            c.getStyler().setXAxisLogarithmic(true).setYAxisMin(0.0).setYAxisMax(0.3);
            double[] ks = Arrays.stream(curve.ks()).asDoubleStream().toArray();
            Figures.line(c, "Train", ks, curve.trainError());
            Figures.line(c, "Test", ks, curve.testError());
            Figures.save(c, out.resolve("knn-curve.png"));
            return new Result(b1, b51, curve, bayes);
        }
    }

    /**
     * n points uniform in [−3, 3]² with labels drawn from P(y = 1 | x) = σ(SHARPNESS · (x_v − AMPLITUDE · sin(1.5 x_u))):
     * two classes on either side of a wavy border, overlapping near it.
     */
    static Tensor[] wavy(int n) {
        Tensor x = Tensor.rand(n, 2).mul(6).sub(3);
        Tensor p = probability(x.index(":, 0"), x.index(":, 1"));
        Tensor y = Tensor.rand(n).lt(p).to(DType.INT64);
        return new Tensor[] {x, y};
    }

    static final double SHARPNESS = 3, AMPLITUDE = 1.2;

    static Tensor probability(Tensor u, Tensor v) { return v.sub(u.mul(1.5).sin().mul(AMPLITUDE)).mul(SHARPNESS).sigmoid(); }

    /** The Bayes error E[min(p, 1 − p)] over the square, on a 1000 × 1000 grid. */
    static double bayesError() {
        Tensor g = Tensor.linspace(-3, 3, 1000);
        Tensor u = g.unsqueeze(1).expand(1000, 1000), v = g.unsqueeze(0).expand(1000, 1000);
        Tensor p = probability(u, v);
        return Tensor.where(p.lt(0.5), p, p.rsub(1)).mean().item();
    }

    /**
     * For each K of {@code ks}, the share of class 1 among the K training points nearest to each query: squared
     * distances as one matrix product per block of queries, each row sorted once.
     */
    static double[][] voteShares(Tensor x, Tensor y, Tensor queries, int... ks) {
        int n = (int) x.size(0), m = (int) queries.size(0);
        long[] labels = y.toLongArray();
        double[][] share = new double[ks.length][m];
        Tensor xx = x.pow(2).sum(1);
        long[] keys = new long[n];
        for (int start = 0; start < m; start += 1000) {
            Tensor q = queries.narrow(0, start, Math.min(1000, m - start));
            Tensor d = q.pow(2).sum(1, true).add(xx).sub(q.mm(x.t()).mul(2)).clamp(0, Double.MAX_VALUE);
            float[] dist = d.toFloatArray();
            d.nd().close();
            for (int i = 0; i < q.size(0); i++) {
                for (int j = 0; j < n; j++) keys[j] = ((long) Float.floatToIntBits(dist[i * n + j]) << 32) | j;
                Arrays.sort(keys);
                int ones = 0, next = 0;
                for (int j = 1; next < ks.length; j++) {
                    ones += (int) labels[(int) (keys[j - 1] & 0xffffffffL)];
                    if (j == ks[next]) share[next++][start + i] = (double) ones / j;
                }
            }
        }
        return share;
    }

}
