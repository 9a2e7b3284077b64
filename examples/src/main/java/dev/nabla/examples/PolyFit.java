package dev.nabla.examples;

import dev.nabla.api.DType;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;

/**
 * Under- and over-fitting (the course's polynomial fitting): sin on [−π, π] from a few noisy points, fitted
 * (evenly spaced) by polynomials of degree 0 … D in closed form (lstsq), then with a ridge penalty ρ‖α‖² (solve), then over
 * many training sets to split the error into bias² and variance.
 * Options: --points N (12), --degree D (11), --noise σ (0.2), --sets S (50), --seed (0), --out DIR.
 * Writes fits.png, errors.png, ridge.png, bias-variance.png and several-sets.png.
 */
public final class PolyFit {
    private PolyFit() {}

    record Options(int points, int degree, double noise, int sets, long seed) {}

    /** Errors per degree (train, test), per ridge ρ (train, test) and bias² / variance per degree. */
    record Result(double[] trainError, double[] testError, double[] rhos, double[] ridgeTrain, double[] ridgeTest,
            double[] bias2, double[] variance) {}

    public static void main(String[] args) {
        Figures.Args a = Figures.args("polyfit", args).only("--points", "--degree", "--noise", "--sets", "--seed");
        run(new Options(a.integer("--points", 12), a.integer("--degree", 11), a.real("--noise", 0.2), a.integer("--sets", 50),
                a.integer("--seed", 0)), a.out());
    }

    /** The design matrix [n, D + 1] with columns (x/π)^0 … (x/π)^D. */
    static Tensor features(Tensor x, int degree) {
        Tensor z = x.div(Math.PI);
        List<Tensor> columns = new ArrayList<>();
        for (int d = 0; d <= degree; d++) columns.add(z.pow(d));
        return Tensor.stack(columns, 1);
    }

    /** The coefficients minimising ‖Xα − y‖² + ρ‖α‖²: α = (XᵀX + ρI)⁻¹ Xᵀy; plain least squares for ρ = 0. */
    static Tensor fit(Tensor x, Tensor y, int degree, double rho) {
        Tensor X = features(x, degree);
        if (rho == 0) return X.lstsq(y);
        Tensor A = X.t().mm(X).add(Tensor.eye(degree + 1).to(DType.FLOAT64).mul(rho));
        return A.solve(X.t().mv(y));
    }

    static Tensor predict(Tensor alpha, Tensor x) { return features(x, (int) alpha.size(0) - 1).mv(alpha); }

    static double mse(Tensor a, Tensor b) { return a.sub(b).pow(2).mean().item(); }

    /** n points on [−π, π], evenly spaced or uniformly drawn, with y = sin x + N(0, σ²). */
    static Tensor[] sample(int n, double noise, boolean evenly) {
        Tensor x = evenly ? Tensor.linspace(-Math.PI, Math.PI, n).to(DType.FLOAT64)
                : Tensor.rand(DType.FLOAT64, n).mul(2 * Math.PI).sub(Math.PI);
        return new Tensor[] {x, x.sin().add(Tensor.randn(DType.FLOAT64, n).mul(noise))};
    }

    static Result run(Options o, Path out) {
        Nabla.manualSeed(o.seed());
        int D = o.degree();
        Tensor grid = Tensor.linspace(-Math.PI, Math.PI, 500).to(DType.FLOAT64), truth = grid.sin();
        Tensor[] train = sample(o.points(), o.noise(), true);
        Tensor[] test = sample(1000, o.noise(), false);

        // 1. degree 0 … D on one training set
        System.out.printf(Locale.ROOT, "%d evenly spaced training points, y = sin(x) + N(0, %.2f²); 1000 test points%n", o.points(), o.noise());
        System.out.println("degree  train mse  test mse");
        double[] trainErr = new double[D + 1], testErr = new double[D + 1], degrees = new double[D + 1];
        XYChart fits = Figures.chart("Polynomial fits", "x", "y");
        Figures.points(fits, "train", train[0].toDoubleArray(), train[1].toDoubleArray());
        Figures.line(fits, "sin", grid.toDoubleArray(), truth.toDoubleArray());
        for (int d = 0; d <= D; d++) {
            Tensor alpha = fit(train[0], train[1], d, 0);
            degrees[d] = d;
            trainErr[d] = mse(predict(alpha, train[0]), train[1]);
            testErr[d] = mse(predict(alpha, test[0]), test[1]);
            System.out.printf(Locale.ROOT, "%6d  %9.5f  %8.5f%n", d, trainErr[d], testErr[d]);
            if (d == 1 || d == 3 || d == D) {
                double[] p = predict(alpha, grid).clamp(-2, 2).toDoubleArray();
                Figures.line(fits, "degree " + d, grid.toDoubleArray(), p);
            }
        }
        XYChart errors = Figures.chart("Under- and over-fitting", "degree", "mean squared error");
        errors.getStyler().setYAxisLogarithmic(true);
        Figures.line(errors, "train", degrees, floor(trainErr));
        Figures.line(errors, "test", degrees, testErr);

        // 2. the highest degree with a ridge penalty
        double[] rhos = {0, 1e-8, 1e-6, 1e-4, 1e-2, 1, 100};
        double[] ridgeTrain = new double[rhos.length], ridgeTest = new double[rhos.length];
        System.out.println("degree " + D + " with a ridge penalty");
        System.out.println("     rho  train mse  test mse");
        XYChart ridge = Figures.chart("Degree " + D + " with a ridge penalty", "x", "y");
        Figures.points(ridge, "train", train[0].toDoubleArray(), train[1].toDoubleArray());
        for (int i = 0; i < rhos.length; i++) {
            Tensor alpha = fit(train[0], train[1], D, rhos[i]);
            ridgeTrain[i] = mse(predict(alpha, train[0]), train[1]);
            ridgeTest[i] = mse(predict(alpha, test[0]), test[1]);
            System.out.printf(Locale.ROOT, "%8.0e  %9.5f  %8.5f%n", rhos[i], ridgeTrain[i], ridgeTest[i]);
            if (i == 0 || i == 3 || i == rhos.length - 1) {
                Figures.line(ridge, "rho " + rhos[i], grid.toDoubleArray(), predict(alpha, grid).clamp(-2, 2).toDoubleArray());
            }
        }

        // 3. bias and variance over several training sets
        int sets = o.sets();
        double[] bias2 = new double[D + 1], variance = new double[D + 1];
        XYChart several = Figures.chart("Degree 1 and degree " + D + " on 10 training sets", "x", "y");
        List<Tensor[]> trainSets = new ArrayList<>();
        for (int s = 0; s < sets; s++) trainSets.add(sample(o.points(), o.noise(), true));
        System.out.println("over " + sets + " training sets, against sin on a 500-point grid");
        System.out.println("degree     bias²  variance");
        for (int d = 0; d <= D; d++) {
            List<Tensor> predictions = new ArrayList<>();
            for (int s = 0; s < sets; s++) {
                Tensor p = predict(fit(trainSets.get(s)[0], trainSets.get(s)[1], d, 0), grid);
                predictions.add(p);
                if ((d == 1 || d == D) && s < 10) {
                    var line = Figures.line(several, s == 0 ? "degree " + d : "degree " + d + " #" + s, grid.toDoubleArray(),
                            p.clamp(-2, 2).toDoubleArray());
                    line.setShowInLegend(s == 0);
                    line.setLineColor(d == 1 ? java.awt.Color.BLUE : java.awt.Color.RED);
                }
            }
            Tensor all = Tensor.stack(predictions, 0);                   // [sets, 500]
            Tensor mean = all.mean(0);
            bias2[d] = mse(mean, truth);
            variance[d] = all.var(new int[] {0}, false, false).mean().item();
            System.out.printf(Locale.ROOT, "%6d  %8.5f  %8.5f%n", d, bias2[d], variance[d]);
        }
        XYChart bv = Figures.chart("Bias-variance", "degree", "mean squared error");
        bv.getStyler().setYAxisLogarithmic(true);
        Figures.line(bv, "bias²", degrees, floor(bias2));
        Figures.line(bv, "variance", degrees, floor(variance));

        Figures.save(fits, out.resolve("fits.png"));
        Figures.save(errors, out.resolve("errors.png"));
        Figures.save(ridge, out.resolve("ridge.png"));
        Figures.save(bv, out.resolve("bias-variance.png"));
        Figures.save(several, out.resolve("several-sets.png"));
        return new Result(trainErr, testErr, rhos, ridgeTrain, ridgeTest, bias2, variance);
    }

    /** Keeps values positive for a log axis. */
    private static double[] floor(double[] v) {
        double[] r = v.clone();
        for (int i = 0; i < r.length; i++) r[i] = Math.max(r[i], 1e-4);
        return r;
    }
}
