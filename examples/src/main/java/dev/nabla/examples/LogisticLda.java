package dev.nabla.examples;

import dev.nabla.api.DType;
import dev.nabla.api.Grad;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;

/**
 * Logistic regression by the slide's own gradient (slide 3.5), written with Nabla's tensors and no autograd:
 *
 * <pre>
 * def gradient(x, y, w, b):
 *     u = y * ( - y * (x.mv(w) + b)).sigmoid_()
 *     v = x * u.view(-1, 1) # Broadcasting
 *     return - v.sum(0), - u.sum()
 * </pre>
 *
 * on 100 training points of two Gaussian classes with a shared covariance, w drawn from N(0, 1), b = 0,
 * η = 0.1; the decision boundary after n = 0, 10, 10², 10³, 10⁴ steps, and LDA's boundary (Gaussian classes
 * with a shared covariance, Bayes' rule) beside them. Prints the train error and the angle between the
 * logistic direction w and LDA's.
 * Options: --steps N (10000: the last of the boundaries drawn), --seed S (0), --out DIR. Writes logistic-lda.png.
 */
public final class LogisticLda {
    private LogisticLda() {}

    static final int[] STEPS = {0, 10, 100, 1000, 10000};
    static final double ETA = 0.1;

    /** After each of {@link #STEPS}: the train error and the angle (degrees) to LDA's direction; then LDA's train error. */
    record Result(int[] steps, double[] trainError, double[] angle, double ldaTrainError) {}

    public static void main(String[] args) {
        Figures.Args a = Figures.args("logistic-lda", args).only("--steps", "--seed");
        run(a.integer("--steps", 10000), a.integer("--seed", 0), a.out());
    }

    /** The slide's gradient of ℒ(w, b) = −Σₙ log σ(yₙ(w·xₙ + b)): (∂ℒ/∂w, ∂ℒ/∂b). */
    static Tensor[] gradient(Tensor x, Tensor y, Tensor w, double b) {
        Tensor u = y.mul(y.neg().mul(x.mv(w).add(b)).sigmoid());
        Tensor v = x.mul(u.view(-1, 1));                                     // broadcasting
        return new Tensor[] {v.sum(0).neg(), u.sum().neg()};
    }

    /** n points, labels ±1 at random; means ±(0.3, −0.1), covariance [[0.1, 0.06], [0.06, 0.1]]. */
    static Tensor[] data(int n) {
        Tensor y = Tensor.randint(0, 2, n).mul(2).sub(1).to(DType.FLOAT64);
        Tensor z = Tensor.randn(DType.FLOAT64, n, 2);
        Tensor l = Tensor.of(new double[][] {{Math.sqrt(0.1), 0}, {0.06 / Math.sqrt(0.1), Math.sqrt(0.1 - 0.06 * 0.06 / 0.1)}});   // LLᵀ
        Tensor mean = Tensor.of(0.3, -0.1).to(DType.FLOAT64);
        return new Tensor[] {z.mm(l.t().to(DType.FLOAT64)).add(y.unsqueeze(1).mul(mean.unsqueeze(0))), y};
    }

    /** LDA: class means, pooled covariance Σ; w = Σ⁻¹(μ₊ − μ₋), b = −w·(μ₊ + μ₋)/2 + log(n₊/n₋). */
    static Tensor[] lda(Tensor x, Tensor y) {
        Tensor pos = y.gt(0), neg = pos.logicalNot();
        Tensor xp = rows(x, pos), xn = rows(x, neg);
        Tensor mp = xp.mean(0), mn = xn.mean(0);
        Tensor cp = xp.sub(mp), cn = xn.sub(mn);
        Tensor sigma = cp.t().mm(cp).add(cn.t().mm(cn)).div(x.size(0) - 2);
        Tensor w = sigma.solve(mp.sub(mn).unsqueeze(1)).squeeze(1);
        double b = -w.dot(mp.add(mn)).item() / 2 + Math.log((double) xp.size(0) / xn.size(0));
        return new Tensor[] {w, Tensor.scalar(DType.FLOAT64, b)};
    }

    /** The rows of x where mask is true. */
    static Tensor rows(Tensor x, Tensor mask) {
        double[] m = mask.to(DType.FLOAT64).toDoubleArray();
        return x.indexSelect(0, Tensor.of(java.util.stream.IntStream.range(0, m.length).filter(i -> m[i] != 0).asLongStream().toArray()));
    }

    static double error(Tensor x, Tensor y, Tensor w, double b) { return x.mv(w).add(b).mul(y).le(0).sum().item() / y.size(0); }

    static double angle(Tensor u, Tensor v) {
        double cos = u.dot(v).item() / (u.norm().item() * v.norm().item());
        return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cos))));
    }

    static Result run(int maxSteps, long seed, Path out) {
        int[] steps = java.util.Arrays.stream(STEPS).filter(n -> n <= maxSteps).toArray();
        Nabla.manualSeed(seed);
        try (var g = Grad.disabled()) {
            Tensor[] d = data(100);
            Tensor x = d[0], y = d[1];
            Tensor[] lda = lda(x, y);
            double ldaError = error(x, y, lda[0], lda[1].item());
            Tensor w = Tensor.empty(DType.FLOAT64, x.size(1)).normal_(0, 1);
            double b = 0;
            System.out.println("100 training points, two Gaussian classes with a shared covariance; the slide's gradient, eta = " + ETA);
            System.out.println("slide (line 2853): \"With 100 training points and eta = 10^-1.\" boundaries at n = 0, 10, 10^2, 10^3, 10^4 "
                    + "and LDA (pictures, no numbers)");
            System.out.println("    n     w                      b         train error  angle to LDA's w");
            XYChart c = Figures.chart("Logistic regression by gradient descent, and LDA", "x_1", "x_2");
            Tensor pos = y.gt(0);
            Tensor xp = rows(x, pos), xn = rows(x, pos.logicalNot());
            Figures.points(c, "y = +1", xp.index(":, 0").toDoubleArray(), xp.index(":, 1").toDoubleArray()).setMarkerColor(Color.RED);
            Figures.points(c, "y = -1", xn.index(":, 0").toDoubleArray(), xn.index(":, 1").toDoubleArray()).setMarkerColor(Color.BLUE);
            double[] errors = new double[steps.length], angles = new double[steps.length];
            int done = 0;
            for (int k = 0; k < steps.length; k++) {
                for (; done < steps[k]; done++) {
                    Tensor[] grad = gradient(x, y, w, b);
                    w = w.sub(grad[0].mul(ETA));
                    b -= ETA * grad[1].item();
                }
                errors[k] = error(x, y, w, b);
                angles[k] = angle(w, lda[0]);
                double[] p = w.toDoubleArray();
                System.out.printf(Locale.ROOT, "%5d  (%8.3f, %8.3f)  %8.3f  %10.2f%%  %8.2f degrees%n", steps[k], p[0], p[1], b, 100 * errors[k],
                        angles[k]);
                boundary(c, "n = " + steps[k], p, b, new Color(0, 0, 0, 60 + 195 * k / (STEPS.length - 1)));
            }
            double[] q = lda[0].toDoubleArray();
            System.out.printf(Locale.ROOT, "  LDA  (%8.3f, %8.3f)  %8.3f  %10.2f%%%n", q[0], q[1], lda[1].item(), 100 * ldaError);
            boundary(c, "LDA", q, lda[1].item(), new Color(0, 160, 0)).setLineStyle(new java.awt.BasicStroke(2f, 0, 0, 10f,
                    new float[] {6f, 4f}, 0f));
            c.getStyler().setXAxisMin(-1.2).setXAxisMax(1.2).setYAxisMin(-1.2).setYAxisMax(1.2);
            Figures.save(c, out.resolve("logistic-lda.png"));
            return new Result(steps, errors, angles, ldaError);
        }
    }

    /** The line w·x + b = 0 across [−1.2, 1.2]. */
    private static org.knowm.xchart.XYSeries boundary(XYChart c, String name, double[] w, double b, Color colour) {
        List<Double> us = new ArrayList<>(), vs = new ArrayList<>();
        for (double t : Figures.grid(-1.2, 1.2, 241)) {
            boolean steep = Math.abs(w[1]) < Math.abs(w[0]);
            double u = steep ? -(w[1] * t + b) / w[0] : t, v = steep ? t : -(w[0] * t + b) / w[1];
            if (Math.abs(u) <= 1.2 && Math.abs(v) <= 1.2) {
                us.add(u);
                vs.add(v);
            }
        }
        if (us.isEmpty()) {                                           // off the picture: keep the legend entry
            us.add(Double.NaN);
            vs.add(Double.NaN);
        }
        var s = Figures.line(c, name, us.stream().mapToDouble(Double::doubleValue).toArray(), vs.stream().mapToDouble(Double::doubleValue).toArray());
        s.setLineColor(colour);
        return s;
    }
}
