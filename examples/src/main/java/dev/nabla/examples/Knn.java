package dev.nabla.examples;

import dev.nabla.api.DType;
import dev.nabla.api.Grad;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.Mnist;
import java.awt.Color;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;

/**
 * k-nearest neighbours (the course's curve): train and test error as K goes 1 … 1000, on a 2-d two-class
 * problem (four Gaussian blobs, xor-like) and on the bundled MNIST sample. With K = 1 every training point
 * is its own nearest neighbour: zero training error. (On the 2-d problem, a K near the training size takes in
 * the two neighbouring blobs of the other class, and the error climbs past 50%.)
 * Options: --train N (8000 MNIST training digits), --test N (2000), --queries N (2000 training digits whose
 * error is measured), --seed S (0), --out DIR. Writes knn-2d-points.png, knn-2d.png and knn-mnist.png.
 */
public final class Knn {
    private Knn() {}

    static final int[] KS = {1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500, 700, 1000};

    record Options(int train, int test, int queries, long seed) {}

    /** Error per K (in {@link #KS} up to the training size) on the training queries and on the test set. */
    record Curve(int[] ks, double[] trainError, double[] testError) {}

    record Result(Curve plane, Curve mnist) {}

    public static void main(String[] args) {
        Figures.Args a = Figures.args("knn", args).only("--train", "--test", "--queries", "--seed");
        run(new Options(a.integer("--train", 8000), a.integer("--test", 2000), a.integer("--queries", 2000), a.integer("--seed", 0)),
                a.out());
    }

    static Result run(Options o, Path out) {
        Nabla.manualSeed(o.seed());
        try (var g = Grad.disabled()) {
            // 1. a 2-d problem: class 0 around (−1, −1) and (1, 1), class 1 around (−1, 1) and (1, −1)
            Tensor[] train = blobs(1000), test = blobs(1000);
            System.out.println("2-d, 1000 training and 1000 test points, four blobs of std 0.6");
            Curve plane = curve(train[0], train[1], train[0], train[1], test[0], test[1], 2);
            print(plane);
            XYChart points = Figures.chart("Two classes in the plane (training set)", "x_u", "x_v");
            Tensor isOne = train[1].eq(1);
            Figures.points(points, "class 0", train[0].index(":, 0").index(isOne.logicalNot()).toDoubleArray(),
                    train[0].index(":, 1").index(isOne.logicalNot()).toDoubleArray()).setMarkerColor(Color.BLUE);
            Figures.points(points, "class 1", train[0].index(":, 0").index(isOne).toDoubleArray(),
                    train[0].index(":, 1").index(isOne).toDoubleArray()).setMarkerColor(Color.RED);
            Figures.save(points, out.resolve("knn-2d-points.png"));
            Figures.save(plot(plane, "k-NN on the 2-d problem"), out.resolve("knn-2d.png"));

            // 2. MNIST: raw pixels, Euclidean distance
            Tensor xTrain = pixels(Mnist.sample(true).data()).narrow(0, 0, o.train());
            Tensor yTrain = Mnist.sample(true).targets().narrow(0, 0, o.train());
            Tensor xTest = pixels(Mnist.sample(false).data()).narrow(0, 0, o.test());
            Tensor yTest = Mnist.sample(false).targets().narrow(0, 0, o.test());
            int q = Math.min(o.queries(), o.train());
            System.out.printf(Locale.ROOT, "MNIST, %d training digits (error measured on the first %d), %d test digits%n", o.train(), q,
                    o.test());
            Curve mnist = curve(xTrain, yTrain, xTrain.narrow(0, 0, q), yTrain.narrow(0, 0, q), xTest, yTest, 10);
            print(mnist);
            Figures.save(plot(mnist, "k-NN on MNIST"), out.resolve("knn-mnist.png"));
            return new Result(plane, mnist);
        }
    }

    /** n points, half per class, each class a mixture of two Gaussian blobs. */
    static Tensor[] blobs(int n) {
        Tensor y = Tensor.cat(List.of(Tensor.zeros(DType.INT64, n / 2), Tensor.ones(DType.INT64, n - n / 2)), 0);
        Tensor side = Tensor.randint(0, 2, n).mul(2).sub(1).to(DType.FLOAT32);      // ±1: which blob of the class
        Tensor sign = y.mul(-2).add(1).to(DType.FLOAT32);                           // class 0: +1, class 1: −1
        Tensor centres = Tensor.stack(List.of(side, side.mul(sign)), 1);                     // (s, s) or (s, −s)
        return new Tensor[] {centres.add(Tensor.randn(n, 2).mul(0.6)), y};
    }

    static Tensor pixels(Tensor images) { return images.to(DType.FLOAT32).div(255).flatten(1, -1); }

    static Curve curve(Tensor xTrain, Tensor yTrain, Tensor xTrainQ, Tensor yTrainQ, Tensor xTest, Tensor yTest, int classes) {
        int[] ks = Arrays.stream(KS).filter(k -> k <= xTrain.size(0)).toArray();
        return new Curve(ks, errors(xTrain, yTrain, xTrainQ, yTrainQ, ks, classes), errors(xTrain, yTrain, xTest, yTest, ks, classes));
    }

    /**
     * The error of the K-nearest-neighbour vote for each K: squared distances ‖q‖² + ‖x‖² − 2 q·x as one
     * matrix product, neighbours sorted per query, votes counted along the sorted list (a tie goes to the
     * class that reached the count first, i.e. the nearer one).
     */
    static double[] errors(Tensor x, Tensor y, Tensor queries, Tensor answers, int[] ks, int classes) {
        int n = (int) x.size(0), m = (int) queries.size(0), kMax = ks[ks.length - 1];
        long[] labels = y.toLongArray(), truth = answers.toLongArray();
        int[] wrong = new int[ks.length];
        Tensor xx = x.pow(2).sum(1);
        for (int start = 0; start < m; start += 500) {                              // 500 queries at a time
            Tensor q = queries.narrow(0, start, Math.min(500, m - start));
            Tensor d = q.pow(2).sum(1, true).add(xx).sub(q.mm(x.t()).mul(2)).clamp(0, Double.MAX_VALUE);
            float[] dist = d.toFloatArray();
            long[] keys = new long[n];
            for (int i = 0; i < q.size(0); i++) {
                for (int j = 0; j < n; j++) keys[j] = ((long) Float.floatToIntBits(dist[i * n + j]) << 32) | j;
                Arrays.sort(keys);
                int[] votes = new int[classes];
                int best = -1, next = 0;
                for (int k = 1; k <= kMax; k++) {
                    int c = (int) labels[(int) (keys[k - 1] & 0xffffffffL)];
                    votes[c]++;
                    if (best < 0 || votes[c] > votes[best]) best = c;
                    if (k == ks[next]) {
                        if (best != truth[start + i]) wrong[next]++;
                        next++;
                    }
                }
            }
        }
        return Arrays.stream(wrong).mapToDouble(w -> (double) w / m).toArray();
    }

    private static void print(Curve c) {
        System.out.println("     K  train error  test error");
        for (int i = 0; i < c.ks().length; i++) {
            System.out.printf(Locale.ROOT, "%6d  %10.2f%%  %9.2f%%%n", c.ks()[i], 100 * c.trainError()[i], 100 * c.testError()[i]);
        }
    }

    private static XYChart plot(Curve c, String title) {
        XYChart chart = Figures.chart(title, "K", "error (%)");
        chart.getStyler().setXAxisLogarithmic(true);
        double[] k = Arrays.stream(c.ks()).asDoubleStream().toArray();
        Figures.line(chart, "train", k, Arrays.stream(c.trainError()).map(e -> 100 * e).toArray());
        Figures.line(chart, "test", k, Arrays.stream(c.testError()).map(e -> 100 * e).toArray());
        return chart;
    }
}
