package dev.nabla.examples;

import dev.nabla.api.DType;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.Mnist;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;

/**
 * Feature design (the course's xor): a linear classifier cannot separate xor in (x_u, x_v), but can in
 * (x_u, x_v, x_u·x_v) (least squares with a small ridge ρ). Then, as the slide, MNIST "8" vs the rest with a
 * perceptron whose features are the 784 pixels supplemented with products of random pairs of pixels: the train
 * and test error as the number of features goes from 10³ to 10⁴ (on the bundled 10,000-digit sample).
 * Options: --train N (8000 training digits), --test N (2000), --max-features D (10000), --epochs E (10 passes of
 * the perceptron), --seed S (0), --out DIR.
 * Writes xor.png and features.png.
 */
public final class FeatureDesign {
    private FeatureDesign() {}

    record Options(int train, int test, int maxFeatures, int epochs, long seed) {}

    record Result(double xorLinearError, double xorProductError, int[] features, double[] trainError, double[] testError) {}

    static final double RHO = 1e-3;

    public static void main(String[] args) {
        Figures.Args a = Figures.args("xor", args).only("--train", "--test", "--max-features", "--epochs", "--seed");
        run(new Options(a.integer("--train", 8000), a.integer("--test", 2000), a.integer("--max-features", 10000), a.integer("--epochs", 10),
                a.integer("--seed", 0)), a.out());
    }

    static Result run(Options o, Path out) {
        Nabla.manualSeed(o.seed());

        // 1. xor: y = sign(x_u · x_v) for points uniform in [−1, 1]²
        Tensor[] train = xor(200), test = xor(1000);
        Tensor wLinear = ridge(xorFeatures(train[0], false), train[1]);
        Tensor wProduct = ridge(xorFeatures(train[0], true), train[1]);
        double linear = error(xorFeatures(test[0], false).mv(wLinear), test[1]);
        double product = error(xorFeatures(test[0], true).mv(wProduct), test[1]);
        System.out.println("xor, 200 training and 1000 test points in the four squares [0.1, 0.9]^2 (±1, ±1), y = sign(x_u x_v)");
        System.out.printf(Locale.ROOT, "  features (x_u, x_v, 1):         train error %5.2f%%, test error %5.2f%%%n",
                100 * error(xorFeatures(train[0], false).mv(wLinear), train[1]), 100 * linear);
        System.out.printf(Locale.ROOT, "  features (x_u, x_v, x_u x_v, 1): train error %5.2f%%, test error %5.2f%%%n",
                100 * error(xorFeatures(train[0], true).mv(wProduct), train[1]), 100 * product);
        Figures.save(xorChart(train, wProduct), out.resolve("xor.png"));

        // 2. MNIST "8" vs the rest: the perceptron on the 784 pixels plus products of random pixel pairs
        Tensor xTrain = pixels(Mnist.sample(true).data()).narrow(0, 0, o.train()).to(DType.FLOAT32);
        Tensor yTrain = eight(Mnist.sample(true).targets()).narrow(0, 0, o.train()).to(DType.FLOAT32);
        Tensor xTest = pixels(Mnist.sample(false).data()).narrow(0, 0, o.test()).to(DType.FLOAT32);
        Tensor yTest = eight(Mnist.sample(false).targets()).narrow(0, 0, o.test()).to(DType.FLOAT32);
        System.out.printf(Locale.ROOT, "MNIST \"8\" vs the rest on the bundled sample (10,000 real digits; the slide used MNIST's 60,000), "
                + "%d training and %d test digits (%.1f%% of the test digits are 8s)%n", o.train(), o.test(),
                100 * yTest.gt(0).sum().item() / o.test());
        System.out.printf(Locale.ROOT, "the perceptron, %d epochs, on the 784 pixels plus products of random pairs of pixels (and a constant)%n",
                o.epochs());
        System.out.println("slide (line 2204): train and test error against the number of features, 10^3 to 10^4, on an axis of 0-7%");
        System.out.println("features  train error  test error");
        List<Integer> sizes = new ArrayList<>();
        for (int d : FEATURES) if (d <= o.maxFeatures()) sizes.add(d);
        int[] ds = sizes.stream().mapToInt(Integer::intValue).toArray();
        double[] trainErr = new double[ds.length], testErr = new double[ds.length];
        int pairs = ds[ds.length - 1] - 784;
        Tensor i = Tensor.randint(0, 784, pairs), j = Tensor.randint(0, 784, pairs);
        for (int k = 0; k < ds.length; k++) {
            Tensor ik = i.narrow(0, 0, ds[k] - 784), jk = j.narrow(0, 0, ds[k] - 784);
            Tensor fTrain = features(xTrain, ik, jk), fTest = features(xTest, ik, jk);
            Tensor w = perceptron(fTrain, yTrain, o.epochs());
            trainErr[k] = error(fTrain.mv(w), yTrain);
            testErr[k] = error(fTest.mv(w), yTest);
            fTrain.nd().close();
            fTest.nd().close();
            System.out.printf(Locale.ROOT, "%8d  %10.2f%%  %9.2f%%%n", ds[k], 100 * trainErr[k], 100 * testErr[k]);
        }
        XYChart c = Figures.chart("MNIST 8 vs the rest, perceptron on pixels and products of pixel pairs", "Nb. of features", "E (%)");
        c.getStyler().setXAxisLogarithmic(true).setYAxisMin(0.0).setYAxisMax(7.0);
        double[] x = Arrays.stream(ds).asDoubleStream().toArray();
        Figures.line(c, "Train error", x, Arrays.stream(trainErr).map(e -> 100 * e).toArray());
        Figures.line(c, "Test error", x, Arrays.stream(testErr).map(e -> 100 * e).toArray());
        Figures.save(c, out.resolve("features.png"));
        return new Result(linear, product, ds, trainErr, testErr);
    }

    /** The number of features (the 784 pixels included) along the slide's axis. */
    static final int[] FEATURES = {1000, 2000, 3000, 5000, 7000, 10000};

    /** The 784 pixels, then x[i_k] · x[j_k] for each pair, then a constant feature. */
    static Tensor features(Tensor x, Tensor i, Tensor j) {
        Tensor f = x.indexSelect(1, i).mul(x.indexSelect(1, j));
        return Tensor.cat(List.of(x, f, Tensor.ones(x.dtype(), x.size(0), 1)), 1);
    }

    /**
     * The course's perceptron: w starts at 0; in each epoch the samples in order, and w ← w + y·φ(x) on each
     * mistake (y·w·φ(x) ≤ 0). Sequential by nature, so it runs on the feature rows as plain arrays.
     */
    static Tensor perceptron(Tensor phi, Tensor y, int epochs) {
        int n = (int) phi.size(0), d = (int) phi.size(1);
        float[] f = phi.toFloatArray(), w = new float[d];
        double[] labels = y.toDoubleArray();
        for (int e = 0; e < epochs; e++) {
            int changes = 0;
            for (int s = 0; s < n; s++) {
                double dot = 0;
                int row = s * d;
                for (int q = 0; q < d; q++) dot += w[q] * f[row + q];
                if (dot * labels[s] <= 0) {
                    float sign = (float) labels[s];
                    for (int q = 0; q < d; q++) w[q] += sign * f[row + q];
                    changes++;
                }
            }
            if (changes == 0) break;
        }
        return Tensor.of(w);
    }

    /** Points in the four squares [0.1, 0.9]² · (±1, ±1), y = sign(x_u · x_v). */
    static Tensor[] xor(int n) {
        Tensor signs = Tensor.randint(0, 2, n, 2).mul(2).sub(1).to(DType.FLOAT64);
        Tensor x = Tensor.rand(DType.FLOAT64, n, 2).mul(0.8).add(0.1).mul(signs);
        return new Tensor[] {x, x.index(":, 0").mul(x.index(":, 1")).sign()};
    }

    static Tensor xorFeatures(Tensor x, boolean product) {
        Tensor u = x.index(":, 0"), v = x.index(":, 1");
        return product ? Tensor.stack(List.of(u, v, u.mul(v), u.onesLike()), 1) : Tensor.stack(List.of(u, v, u.onesLike()), 1);
    }

    static Tensor pixels(Tensor images) { return images.to(DType.FLOAT64).div(255).flatten(1, -1); }

    /** +1 for an 8, −1 for any other digit. */
    static Tensor eight(Tensor labels) { return labels.eq(8).to(DType.FLOAT64).mul(2).sub(1); }

    /**
     * The w minimising ‖Φw − y‖² + ρ‖w‖²: (ΦᵀΦ + ρI)⁻¹Φᵀy with no more features than samples, else
     * Φᵀ(ΦΦᵀ + ρI)⁻¹y, the same vector from an n × n system.
     */
    static Tensor ridge(Tensor phi, Tensor y) {
        long n = phi.size(0), d = phi.size(1);
        if (d <= n) return phi.t().mm(phi).add(Tensor.eye(d).to(DType.FLOAT64).mul(RHO)).solve(phi.t().mv(y));
        return phi.t().mv(phi.mm(phi.t()).add(Tensor.eye(n).to(DType.FLOAT64).mul(RHO)).solve(y));
    }

    static double error(Tensor scores, Tensor y) { return scores.mul(y).le(0).sum().item() / y.size(0); }

    /** The points by class and the boundary a·u + b·v + c·uv + d = 0, i.e. v = −(a·u + d) / (b + c·u). */
    private static XYChart xorChart(Tensor[] data, Tensor w) {
        XYChart c = Figures.chart("xor with the feature x_u x_v", "x_u", "x_v");
        Tensor pos = data[1].gt(0), neg = pos.logicalNot();
        Tensor u = data[0].index(":, 0"), v = data[0].index(":, 1");
        Figures.points(c, "y = +1", u.index(pos).toDoubleArray(), v.index(pos).toDoubleArray()).setMarkerColor(Color.RED);
        Figures.points(c, "y = -1", u.index(neg).toDoubleArray(), v.index(neg).toDoubleArray()).setMarkerColor(Color.BLUE);
        double[] p = w.toDoubleArray();
        double pole = -p[1] / p[2];
        for (int branch = 0; branch < 2; branch++) {
            List<Double> us = new ArrayList<>(), vs = new ArrayList<>();
            for (double t : Figures.grid(-1, 1, 801)) {
                if ((branch == 0) != (t < pole)) continue;
                double y = -(p[0] * t + p[3]) / (p[1] + p[2] * t);
                if (Math.abs(y) <= 1) {
                    us.add(t);
                    vs.add(y);
                }
            }
            if (us.size() > 1) {
                Figures.line(c, "boundary" + (branch == 0 ? "" : " "), us.stream().mapToDouble(d -> d).toArray(),
                        vs.stream().mapToDouble(d -> d).toArray()).setLineColor(Color.BLACK).setShowInLegend(branch == 0);
            }
        }
        return c;
    }
}
