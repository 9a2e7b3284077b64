package dev.nabla.examples;

import dev.nabla.api.Grad;
import dev.nabla.api.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The course's linear regression (systolic blood pressure against age, 15 people), fitted by
 * gradient descent with autograd and checked against the closed-form least-squares line.
 */
public final class Regression {
    private Regression() {}

    public static void main(String[] args) {
        Tensor[] xy = load();
        Tensor x = xy[0], y = xy[1];
        Tensor mu = x.mean(), sigma = x.std();
        Tensor z = x.sub(mu).div(sigma);                     // standardised age

        Tensor w = Tensor.zeros(1).requiresGrad_(), c = Tensor.zeros(1).requiresGrad_();
        for (int step = 0; step <= 500; step++) {
            Tensor loss = z.mul(w).add(c).sub(y).pow(2).mean();
            loss.backward();
            try (var g = Grad.disabled()) {
                w.sub_(w.grad().mul(0.1));
                c.sub_(c.grad().mul(0.1));
                w.grad().zero_();
                c.grad().zero_();
            }
            if (step % 100 == 0) System.out.printf("step %3d  mse %.4f%n", step, loss.item());
        }
        double a = w.item() / sigma.item(), b = c.item() - a * mu.item();

        // closed form: a = cov(x, y) / var(x), b = mean(y) − a·mean(x)
        Tensor dx = x.sub(mu), dy = y.sub(y.mean());
        double aLs = dx.mul(dy).sum().item() / dx.pow(2).sum().item();
        double bLs = y.mean().item() - aLs * mu.item();
        System.out.printf("gradient descent: a = %.6f, b = %.6f%n", a, b);
        System.out.printf("least squares:    a = %.6f, b = %.6f%n", aLs, bLs);
        System.out.printf("RESULT example=regression a=%.6f b=%.6f%n", a, b);
    }

    /** The 15 (age, pressure) rows bundled with the examples, as float64 tensors. */
    static Tensor[] load() {
        List<double[]> rows = new ArrayList<>();
        var in = Regression.class.getResourceAsStream("systolic-blood-pressure-vs-age.dat");
        if (in == null) throw new IllegalStateException("Regression: resource systolic-blood-pressure-vs-age.dat is missing from the classpath");
        try (var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) continue;
                String[] f = line.trim().split("\\s+");
                rows.add(new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1])});
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double[] age = rows.stream().mapToDouble(v -> v[0]).toArray(), bp = rows.stream().mapToDouble(v -> v[1]).toArray();
        return new Tensor[] {Tensor.of(dev.nabla.api.DType.FLOAT64, age), Tensor.of(dev.nabla.api.DType.FLOAT64, bp)};
    }
}
