package dev.nabla.examples;

import dev.nabla.api.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;

/**
 * The course's linear regression by least squares: systolic blood pressure ≈ a · age + b on 15 people,
 * solved with {@code lstsq}; plots the points and the line to out/lstsq/lstsq.png (or --out DIR).
 */
public final class LeastSquares {
    private LeastSquares() {}

    /** The fitted line and its mean squared error. */
    record Result(double a, double b, double mse) {}

    public static void main(String[] args) {
        Path out = Figures.args("lstsq", args).only().out();
        Tensor[] xy = Regression.load();                     // float64 age and pressure
        Tensor age = xy[0], pressure = xy[1];

        Tensor x = Tensor.stack(List.of(age, age.onesLike()), 1);     // [15, 2]: rows (age, 1)
        Tensor ab = x.lstsq(pressure);                       // [2]: the a and b that minimise ‖x·(a, b) − y‖²
        double a = ab.index("0").item(), b = ab.index("1").item();
        double mse = x.mv(ab).sub(pressure).pow(2).mean().item();
        System.out.printf(Locale.ROOT, "least squares: a = %.6f, b = %.6f, mean squared error %.4f%n", a, b, mse);

        XYChart c = Figures.chart("Systolic blood pressure vs age", "age (years)", "systolic blood pressure (mmHg)");
        Figures.points(c, "data", age.toDoubleArray(), pressure.toDoubleArray());
        double[] line = {20, 80};
        Figures.line(c, String.format(Locale.ROOT, "%.2f age + %.2f", a, b), line, new double[] {a * 20 + b, a * 80 + b});
        Figures.save(c, out.resolve("lstsq.png"));
        System.out.printf(Locale.ROOT, "RESULT example=lstsq a=%.6f b=%.6f%n", a, b);
    }
}
