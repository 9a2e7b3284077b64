package dev.nabla.examples;

import dev.nabla.api.Grad;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import dev.nabla.layers.F;
import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;

/**
 * Logistic regression by gradient descent with the course's hand-written gradient: for labels y in {−1, 1},
 * L(w, b) = mean log(1 + exp(−y (w·x + b))), ∂L/∂w = mean −y σ(−y (w·x + b)) x, ∂L/∂b = mean −y σ(−y (w·x + b)).
 * At every step the hand-written gradient is compared with the one autograd computes from the loss.
 * Two Gaussian classes in the plane, 500 training and 500 test points.
 * Options: --steps N (300), --lr η (1.0), --seed S (0), --out DIR. Writes logistic.png and logistic-loss.png.
 */
public final class Logistic {
    private Logistic() {}

    record Result(double loss, double trainError, double testError, double maxGradientDifference, boolean gradientsClose) {}

    public static void main(String[] args) {
        Figures.Args a = Figures.args("logistic", args).only("--steps", "--lr", "--seed");
        run(a.integer("--steps", 300), a.real("--lr", 1.0), a.integer("--seed", 0), a.out());
    }

    /** n points: y = −1 around (−1, 0), y = +1 around (1, 1), unit variance. */
    static Tensor[] data(int n) {
        Tensor y = Tensor.randint(0, 2, n).mul(2).sub(1).to(Nabla.defaultDtype());
        Tensor centre = Tensor.stack(List.of(y, y.add(1).div(2)), 1);          // (y, (y + 1) / 2)
        return new Tensor[] {centre.add(Tensor.randn(n, 2)), y};
    }

    static Result run(int steps, double lr, long seed, Path out) {
        Nabla.manualSeed(seed);
        Tensor[] train = data(500), test = data(500);
        Tensor x = train[0], y = train[1];

        Tensor w = Tensor.zeros(2).requiresGrad_(), b = Tensor.zeros(1).requiresGrad_();
        double maxDiff = 0, loss = Double.NaN;
        boolean close = true;
        double[] curve = new double[steps], index = new double[steps];
        for (int s = 0; s < steps; s++) {
            // the loss, with autograd recording
            Tensor u = y.mul(x.mv(w).add(b));
            Tensor l = F.softplus(u.neg()).mean();                        // log(1 + exp(−u)), averaged
            l.backward();
            try (var g = Grad.disabled()) {
                // the course's gradient, by hand
                Tensor v = y.neg().mul(u.neg().sigmoid());                     // ∂ℓ_n/∂(w·x_n + b)
                Tensor gw = x.t().mv(v).div(x.size(0)), gb = v.mean().view(1);
                maxDiff = Math.max(maxDiff, Math.max(gw.sub(w.grad()).abs().max().item(), gb.sub(b.grad()).abs().max().item()));
                close &= allClose(gw, w.grad()) && allClose(gb, b.grad());
                w.sub_(gw.mul(lr));
                b.sub_(gb.mul(lr));
                w.grad().zero_();
                b.grad().zero_();
            }
            loss = l.item();
            curve[s] = loss;
            index[s] = s;
            if (s % 50 == 0 || s == steps - 1) System.out.printf(Locale.ROOT, "step %3d  loss %.5f%n", s, loss);
        }
        double trainError, testError;
        try (var g = Grad.disabled()) {
            trainError = error(x.mv(w).add(b), y);
            testError = error(test[0].mv(w).add(b), test[1]);
        }
        double[] p = w.detach().toDoubleArray();
        double c = b.item();
        System.out.printf(Locale.ROOT, "w = (%.4f, %.4f), b = %.4f; train error %.2f%%, test error %.2f%%%n", p[0], p[1], c,
                100 * trainError, 100 * testError);
        System.out.printf(Locale.ROOT, "hand-written vs autograd gradient over %d steps: largest difference %.2e, "
                + "equal within float tolerance (|a - b| <= 1e-6 + 1e-4 |b|): %s%n", steps, maxDiff, close);

        XYChart chart = Figures.chart("Logistic regression", "x_1", "x_2");
        Tensor pos = y.gt(0), neg = pos.logicalNot();
        Figures.points(chart, "y = +1", x.index(":, 0").index(pos).toDoubleArray(), x.index(":, 1").index(pos).toDoubleArray())
                .setMarkerColor(Color.RED);
        Figures.points(chart, "y = -1", x.index(":, 0").index(neg).toDoubleArray(), x.index(":, 1").index(neg).toDoubleArray())
                .setMarkerColor(Color.BLUE);
        double[] x1 = {-4, 4};
        Figures.line(chart, "w·x + b = 0", x1, new double[] {-(p[0] * x1[0] + c) / p[1], -(p[0] * x1[1] + c) / p[1]})
                .setLineColor(Color.BLACK);
        Figures.save(chart, out.resolve("logistic.png"));
        XYChart lc = Figures.chart("Logistic loss during gradient descent", "step", "loss");
        Figures.line(lc, "train loss", index, curve);
        Figures.save(lc, out.resolve("logistic-loss.png"));
        return new Result(loss, trainError, testError, maxDiff, close);
    }

    /** |a − b| ≤ 1e-6 + 1e-4·|b| everywhere, as {@code torch.allclose(a, b, rtol=1e-4, atol=1e-6)}. */
    static boolean allClose(Tensor a, Tensor b) {
        return a.sub(b).abs().le(b.abs().mul(1e-4).add(1e-6)).logicalNot().sum().item() == 0;
    }

    static double error(Tensor scores, Tensor y) { return scores.mul(y).le(0).sum().item() / y.size(0); }
}
