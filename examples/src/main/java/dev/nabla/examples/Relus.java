package dev.nabla.examples;

import dev.nabla.api.DType;
import dev.nabla.api.Tensor;
import java.nio.file.Path;
import java.util.Locale;
import org.knowm.xchart.XYChart;

/**
 * Universal approximation with ReLUs (slide 3.4): sin on [−A, A] as a sum Σₙ αₙ σ(x − aₙ) of translated ReLUs,
 * built as the slide's argument does rather than trained: knots a₀ < … < a_N evenly spaced, αₙ the change of
 * slope of the piecewise-linear interpolant at aₙ, and the constant sin(a₀) from the pair
 * sin(a₀)·(σ(x − a₀ + 1) − σ(x − a₀)), so that the sum is exactly a one-hidden-layer perceptron x ↦ ω·σ(wx + b)
 * with w = 1, b = −a, ω = α. The largest error on [−A, A] falls as the knots are added, within the
 * interpolation bound h²/8 · max|sin''| = h²/8.
 * Options: --a A (6), --out DIR. Writes relus.png.
 */
public final class Relus {
    private Relus() {}

    static final int[] SEGMENTS = {2, 4, 8, 16, 32, 64, 128};

    /** For each number of segments N: the hidden units used (N + 2) and the largest error on [−A, A]. */
    record Result(double a, int[] segments, int[] units, double[] maxError) {}

    /** The hidden layer's offsets a (the units are σ(x − aₖ)) and output weights ω. */
    record Net(Tensor offsets, Tensor weights) {
        Tensor forward(Tensor x) { return x.unsqueeze(1).sub(offsets.unsqueeze(0)).relu().mv(weights); }
    }

    public static void main(String[] args) {
        Figures.Args a = Figures.args("relus", args).only("--a");
        run(a.real("--a", 6), a.out());
    }

    /** The slide's construction for sin on [−A, A] with N even segments. */
    static Net build(double a, int n) {
        double h = 2 * a / n;
        double[] knots = new double[n + 1], y = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            knots[i] = -a + i * h;
            y[i] = Math.sin(knots[i]);
        }
        double[] offsets = new double[n + 2], weights = new double[n + 2];
        offsets[0] = knots[0] - 1;                            // the constant sin(a₀) on [a₀, ∞), from two units
        weights[0] = y[0];
        offsets[1] = knots[0];
        double previous = 0;
        for (int i = 0; i < n; i++) {                         // the slope of segment i starts at knot i
            double slope = (y[i + 1] - y[i]) / h;
            offsets[i + 1] = knots[i];
            weights[i + 1] = (i == 0 ? -y[0] : 0) + slope - previous;
            previous = slope;
        }
        offsets[n + 1] = knots[n];                            // flat beyond the interval, not needed on it
        weights[n + 1] = -previous;
        return new Net(Tensor.of(DType.FLOAT64, offsets), Tensor.of(DType.FLOAT64, weights));
    }

    static Result run(double a, Path out) {
        Tensor x = Tensor.linspace(-a, a, 10001).to(DType.FLOAT64);
        Tensor target = x.sin();
        int[] units = new int[SEGMENTS.length];
        double[] errors = new double[SEGMENTS.length];
        System.out.printf(Locale.ROOT, "sin(x) on [-%s, %s] as a sum of ReLUs sigma(x - a_n), the slide's construction%n", a, a);
        System.out.println("slide (line 2416): max_{x in [-A, A]} |sin(x) - sum_n alpha_n sigma(x - a_n)| <= epsilon (no numbers)");
        System.out.println("segments  units  max error  bound h^2/8");
        XYChart c = Figures.chart("sin as a sum of ReLUs", "x", "y");
        Figures.line(c, "sin", x.toDoubleArray(), target.toDoubleArray());
        for (int k = 0; k < SEGMENTS.length; k++) {
            Net net = build(a, SEGMENTS[k]);
            Tensor f = net.forward(x);
            units[k] = (int) net.weights().size(0);
            errors[k] = f.sub(target).abs().max().item();
            double h = 2 * a / SEGMENTS[k];
            System.out.printf(Locale.ROOT, "%8d  %5d  %9.5f  %11.5f%n", SEGMENTS[k], units[k], errors[k], h * h / 8);
            if (SEGMENTS[k] >= 4 && SEGMENTS[k] <= 16) Figures.line(c, units[k] + " ReLUs", x.toDoubleArray(), f.toDoubleArray());
        }
        Figures.save(c, out.resolve("relus.png"));
        return new Result(a, SEGMENTS.clone(), units, errors);
    }
}
