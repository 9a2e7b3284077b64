package dev.nabla.examples;

import dev.nabla.api.DType;
import dev.nabla.api.Tensor;
import java.awt.Color;
import java.nio.file.Path;
import java.util.Locale;
import org.knowm.xchart.XYChart;

/**
 * Gradient descent on a 1-d function (slide 3.5): from the same w₀, w_{t+1} = w_t − η ℒ'(w_t) with η = 0.125
 * (small steps down one side of the minimum) and η = 0.5 (steps that overshoot, the iterates jumping from one
 * side of the minimum to the other). ℒ'(w) comes from autograd. At each iterate the figure draws ℒ and the
 * slide's approximation ℒ̃(w) = ℒ(w_t) + ℒ'(w_t)(w − w_t) + (w − w_t)²/(2η), whose minimum is w_{t+1}.
 * Options: --steps N (11, as the slide's w₀ … w₁₁), --out DIR. Writes gd-0.125.png and gd-0.5.png.
 */
public final class GradientDescent1d {
    private GradientDescent1d() {}

    static final double W0 = -1.5, MINIMUM = 0.5;

    /** The iterates w₀ … w_steps for each η, and the minimiser w* of ℒ near them. */
    record Result(double[] etas, double[][] iterates, double minimum) {}

    public static void main(String[] args) {
        Figures.Args a = Figures.args("gd1d", args).only("--steps");
        run(a.integer("--steps", 11), a.out());
    }

    /**
     * ℒ(w) = √(1 + 3(w − ½)²): a bowl with its minimum at w* = ½, curvature 3 there and at most 3 elsewhere
     * (so η = 0.125 never overshoots, η = 0.5 does near w*, by a factor 1 − 0.5·3 = −0.5), and a bounded slope
     * (so no step runs away).
     */
    static Tensor loss(Tensor w) { return w.sub(MINIMUM).pow(2).mul(3).add(1).sqrt(); }

    static double loss(double w) { return loss(Tensor.of(DType.FLOAT64, w)).item(); }

    static double gradient(double w) {
        Tensor t = Tensor.of(DType.FLOAT64, w).requiresGrad_();
        loss(t).sum().backward();
        return t.grad().item();
    }

    static Result run(int steps, Path out) {
        double[] etas = {0.125, 0.5};
        double[][] iterates = new double[etas.length][steps + 1];
        double minimum = MINIMUM;
        System.out.printf(Locale.ROOT, "L(w) = sqrt(1 + 3 (w - 0.5)^2), minimum at w* = %.1f; w0 = %.1f; L'(w) by autograd%n", minimum, W0);
        System.out.println("slide (lines 2648-2760): the same w0, eta = 0.125 and eta = 0.5, iterates w0 ... w11 drawn on L (no numbers)");
        for (int e = 0; e < etas.length; e++) {
            double[] w = iterates[e];
            w[0] = W0;
            for (int t = 0; t < steps; t++) w[t + 1] = w[t] - etas[e] * gradient(w[t]);
            System.out.printf(Locale.ROOT, "eta = %s%n   t        w_t     L(w_t)   w_t - w*%n", etas[e]);
            for (int t = 0; t <= steps; t++) {
                System.out.printf(Locale.ROOT, "%4d  %9.5f  %9.5f  %9.5f%n", t, w[t], loss(w[t]), w[t] - minimum);
            }
            Figures.save(chart(etas[e], w), out.resolve("gd-" + etas[e] + ".png"));
        }
        return new Result(etas, iterates, minimum);
    }

    private static XYChart chart(double eta, double[] w) {
        XYChart c = Figures.chart("Gradient descent, eta = " + eta, "w", "L(w)");
        double[] grid = Figures.grid(-2, 2.5, 451);
        double[] l = loss(Tensor.of(DType.FLOAT64, grid)).toDoubleArray();
        Figures.line(c, "L", grid, l).setLineColor(Color.BLACK);
        for (int t = 0; t + 1 < w.length; t++) {                    // the approximation at w_t, near w_t and w_{t+1}
            double lo = Math.min(w[t], w[t + 1]) - 0.3, hi = Math.max(w[t], w[t + 1]) + 0.3;
            double[] u = Figures.grid(lo, hi, 60), q = new double[u.length];
            double lt = loss(w[t]), gt = gradient(w[t]);
            for (int i = 0; i < u.length; i++) q[i] = lt + gt * (u[i] - w[t]) + (u[i] - w[t]) * (u[i] - w[t]) / (2 * eta);
            Figures.line(c, "L~ at w" + t, u, q).setLineColor(new Color(70, 130, 220, 120)).setShowInLegend(t == 0);
        }
        double[] lw = new double[w.length];
        for (int t = 0; t < w.length; t++) lw[t] = loss(w[t]);
        Figures.points(c, "w0 ... w" + (w.length - 1), w, lw).setMarkerColor(Color.RED);
        c.getStyler().setYAxisMin(0.0).setYAxisMax(4.0);
        return c;
    }
}
