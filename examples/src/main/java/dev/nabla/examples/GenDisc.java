package dev.nabla.examples;

import dev.nabla.api.Tensor;
import java.awt.Color;
import java.nio.file.Path;
import java.util.Locale;
import org.knowm.xchart.XYChart;

/**
 * Generative vs discriminative (the course's basketball players): tell female from male players by height.
 * Generative: one Gaussian per class (mean and std of its heights) and Bayes' rule; the boundary is where
 * both posteriors are ½. Discriminative: the threshold with the fewest training errors. On the 24 heights
 * as transcribed from the slide this gives 188.88 and 189.00 (the slide quotes 189.23 and 187.5). Writes
 * gendisc.png (densities, posterior, both thresholds) to out/gendisc/ (or --out DIR).
 */
public final class GenDisc {
    private GenDisc() {}

    /** The Bayes boundary with its training errors, and the best threshold with its training errors. */
    record Result(double bayes, int bayesErrors, double threshold, int thresholdErrors) {}

    public static void main(String[] args) {
        run(Figures.args("gendisc", args).only().out());
    }

    static Result run(Path out) {
        Tensor[] table = Figures.columns("basketball-heights.dat");
        Tensor height = table[0], male = table[1].eq(1);
        Tensor h0 = height.index(male.logicalNot()), h1 = height.index(male);
        double n = height.size(0);

        // generative: p(x | y) Gaussian with the class's mean and (maximum-likelihood) std, P(y) the class frequency
        double mu0 = h0.mean().item(), s0 = h0.var(new int[] {0}, false, false).sqrt().item();
        double mu1 = h1.mean().item(), s1 = h1.var(new int[] {0}, false, false).sqrt().item();
        double p0 = h0.size(0) / n, p1 = h1.size(0) / n;
        System.out.printf(Locale.ROOT, "female: %d players, mean %.2f cm, std %.2f cm%n", h0.size(0), mu0, s0);
        System.out.printf(Locale.ROOT, "male:   %d players, mean %.2f cm, std %.2f cm%n", h1.size(0), mu1, s1);
        // P(male | x) = ½ where log p(x|0) + log P(0) = log p(x|1) + log P(1): a x² + b x + c = 0
        double a = 1 / (2 * s0 * s0) - 1 / (2 * s1 * s1), b = mu1 / (s1 * s1) - mu0 / (s0 * s0);
        double c = mu0 * mu0 / (2 * s0 * s0) - mu1 * mu1 / (2 * s1 * s1) + Math.log(s0 / s1) + Math.log(p1 / p0);
        double bayes = Math.abs(a) < 1e-12 ? -c / b : root(a, b, c, mu0, mu1);
        int bayesErrors = errors(height, male, bayes);
        System.out.printf(Locale.ROOT, "generative (Gaussians + Bayes' rule): male above %.2f cm, %d/%d training errors%n", bayes,
                bayesErrors, (int) n);

        // discriminative: try the midpoints between consecutive heights, keep the one with the fewest errors
        double[] sorted = height.toDoubleArray();
        java.util.Arrays.sort(sorted);
        double best = Double.NaN;
        int bestErrors = Integer.MAX_VALUE;
        for (int i = 0; i + 1 < sorted.length; i++) {
            if (sorted[i] == sorted[i + 1]) continue;
            double t = (sorted[i] + sorted[i + 1]) / 2;
            int e = errors(height, male, t);
            if (e < bestErrors) {
                best = t;
                bestErrors = e;
            }
        }
        System.out.printf(Locale.ROOT, "discriminative (best threshold):     male above %.2f cm, %d/%d training errors%n", best, bestErrors,
                (int) n);

        Tensor x = Tensor.linspace(160, 215, 551).to(dev.nabla.api.DType.FLOAT64);
        Tensor d0 = gaussian(x, mu0, s0).mul(p0), d1 = gaussian(x, mu1, s1).mul(p1);
        Tensor posterior = d1.div(d0.add(d1));
        XYChart chart = Figures.chart("Basketball players: female (0) or male (1) from height", "height (cm)", "");
        double scale = 1 / d0.add(d1).max().item();                    // densities scaled to a peak of 1
        Figures.line(chart, "p(x, female)", x.toDoubleArray(), d0.mul(scale).toDoubleArray()).setLineColor(Color.RED);
        Figures.line(chart, "p(x, male)", x.toDoubleArray(), d1.mul(scale).toDoubleArray()).setLineColor(Color.BLUE);
        Figures.line(chart, "P(male | x)", x.toDoubleArray(), posterior.toDoubleArray()).setLineColor(Color.BLACK);
        Figures.points(chart, "female players", h0.toDoubleArray(), new double[(int) h0.size(0)]).setMarkerColor(Color.RED);
        Figures.points(chart, "male players", h1.toDoubleArray(), Tensor.ones(h1.size(0)).toDoubleArray()).setMarkerColor(Color.BLUE);
        Figures.line(chart, String.format(Locale.ROOT, "Bayes %.2f", bayes), new double[] {bayes, bayes}, new double[] {0, 1})
                .setLineColor(Color.GRAY);
        Figures.line(chart, String.format(Locale.ROOT, "threshold %.2f", best), new double[] {best, best}, new double[] {0, 1})
                .setLineColor(Color.GREEN.darker());
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        Figures.save(chart, out.resolve("gendisc.png"));
        System.out.printf(Locale.ROOT, "RESULT example=gendisc bayes=%.2f threshold=%.2f%n", bayes, best);
        return new Result(bayes, bayesErrors, best, bestErrors);
    }

    /** The root of a x² + b x + c between the two means. */
    private static double root(double a, double b, double c, double mu0, double mu1) {
        double sq = Math.sqrt(b * b - 4 * a * c), r1 = (-b + sq) / (2 * a), r2 = (-b - sq) / (2 * a);
        double lo = Math.min(mu0, mu1), hi = Math.max(mu0, mu1);
        return r1 >= lo && r1 <= hi ? r1 : r2;
    }

    /** Players on the wrong side of "male above t". */
    private static int errors(Tensor height, Tensor male, double t) {
        return (int) height.gt(t).ne(male).sum().item();
    }

    private static Tensor gaussian(Tensor x, double mu, double sigma) {
        return x.sub(mu).div(sigma).pow(2).mul(-0.5).exp().div(sigma * Math.sqrt(2 * Math.PI));
    }
}
