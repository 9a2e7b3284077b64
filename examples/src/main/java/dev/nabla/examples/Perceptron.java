package dev.nabla.examples;

import dev.nabla.api.DType;
import dev.nabla.api.Grad;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.Mnist;
import dev.nabla.layers.F;
import dev.nabla.layers.Reduction;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.knowm.xchart.XYChart;

/**
 * The course's perceptron on MNIST "0" vs "1" (the bundled sample): one pass per epoch, w ← w + y·x on every
 * mistake, until an epoch changes nothing; the per-epoch table of changes, train and test error; the
 * convergence bound (number of updates ≤ R²/γ², with R the largest ‖x‖ and γ the margin of the final weights).
 * Then a linear SVM on the same data: the hinge loss plus λ‖w‖², trained by gradient descent.
 * Options: --lambda λ (1e-3), --steps N (200), --lr η (0.1), --out DIR. Writes perceptron.png and svm.png.
 */
public final class Perceptron {
    private Perceptron() {}

    record Options(double lambda, int steps, double lr) {}

    record Result(int epochs, int lastChanges, int totalChanges, double bound, double trainError, double testError,
            double svmTrainError, double svmTestError) {}

    public static void main(String[] args) {
        Figures.Args a = Figures.args("perceptron", args).only("--lambda", "--steps", "--lr");
        run(new Options(a.real("--lambda", 1e-3), a.integer("--steps", 200), a.real("--lr", 0.1)), a.out());
    }

    static Result run(Options o, Path out) {
        Nabla.manualSeed(0);
        Tensor[] train = zeroOne(Mnist.sample(true).data(), Mnist.sample(true).targets());
        Tensor[] test = zeroOne(Mnist.sample(false).data(), Mnist.sample(false).targets());
        Tensor x = train[0], y = train[1];
        System.out.printf("MNIST \"0\" (y = -1) vs \"1\" (y = +1): %d train, %d test images%n", x.size(0), test[0].size(0));

        // the perceptron, as in the course
        Tensor w = Tensor.zeros(x.size(1));
        double[] labels = y.toDoubleArray();
        int epoch = 0, changes, total = 0;
        double[] trainErrors = new double[100], testErrors = new double[100];
        System.out.println("epoch  changes  train error  test error");
        try (var g = Grad.disabled()) {
            do {
                changes = 0;
                for (int i = 0; i < x.size(0); i++) {
                    Tensor xi = x.select(0, i);
                    double yi = labels[i];
                    if (xi.dot(w).item() * yi <= 0) {
                        w = w.add(xi.mul(yi));
                        changes++;
                    }
                }
                total += changes;
                trainErrors[epoch] = error(x.mv(w), y);
                testErrors[epoch] = error(test[0].mv(w), test[1]);
                epoch++;
                System.out.printf(Locale.ROOT, "%5d  %7d  %10.2f%%  %9.2f%%%n", epoch, changes, 100 * trainErrors[epoch - 1],
                        100 * testErrors[epoch - 1]);
            } while (changes > 0 && epoch < trainErrors.length);
        }
        // the convergence bound: at most R²/γ² updates, for any unit vector that separates with margin γ
        double r = x.pow(2).sum(1).max().sqrt().item();
        double gamma = x.mv(w).mul(y).min().item() / w.norm().item();
        double bound = r * r / (gamma * gamma);
        System.out.printf(Locale.ROOT, "%d updates in %d epochs; bound R²/γ² = %.1f² / %.4f² = %.0f (γ: margin of the final weights)%n",
                total, epoch, r, gamma, bound);

        // the SVM: mean hinge loss + λ‖w‖², full-batch gradient descent
        Tensor v = Tensor.zeros(x.size(1)).requiresGrad_(), b = Tensor.zeros(1).requiresGrad_();
        double[] steps = new double[o.steps()], losses = new double[o.steps()];
        for (int s = 0; s < o.steps(); s++) {
            Tensor loss = F.hingeLoss(x.mv(v).add(b), y, Reduction.MEAN).add(v.pow(2).sum().mul(o.lambda()));
            loss.backward();
            try (var g = Grad.disabled()) {
                v.sub_(v.grad().mul(o.lr()));
                b.sub_(b.grad().mul(o.lr()));
                v.grad().zero_();
                b.grad().zero_();
            }
            steps[s] = s;
            losses[s] = loss.item();
        }
        double svmTrain, svmTest;
        try (var g = Grad.disabled()) {
            svmTrain = error(x.mv(v).add(b), y);
            svmTest = error(test[0].mv(v).add(b), test[1]);
        }
        System.out.printf(Locale.ROOT, "SVM (hinge loss + %.0e‖w‖², %d steps of gradient descent, lr %.2f): loss %.4f, "
                + "train error %.2f%%, test error %.2f%%%n", o.lambda(), o.steps(), o.lr(), losses[o.steps() - 1], 100 * svmTrain,
                100 * svmTest);

        double[] epochs = new double[epoch];
        for (int e = 0; e < epoch; e++) epochs[e] = e + 1;
        XYChart c = Figures.chart("Perceptron on MNIST 0 vs 1", "epoch", "error (%)");
        Figures.line(c, "train", epochs, Arrays.stream(trainErrors, 0, epoch).map(e -> 100 * e).toArray());
        Figures.line(c, "test", epochs, Arrays.stream(testErrors, 0, epoch).map(e -> 100 * e).toArray());
        Figures.save(c, out.resolve("perceptron.png"));
        XYChart s = Figures.chart("Linear SVM by gradient descent", "step", "hinge loss + λ‖w‖²");
        Figures.line(s, "loss", steps, losses);
        Figures.save(s, out.resolve("svm.png"));
        return new Result(epoch, changes, total, bound, trainErrors[epoch - 1], testErrors[epoch - 1], svmTrain, svmTest);
    }

    /** The images of 0s and 1s, flattened to [n, 784] in [0, 1], with labels −1 for "0" and +1 for "1". */
    static Tensor[] zeroOne(Tensor images, Tensor labels) {
        long[] l = labels.toLongArray();
        long[] keep = java.util.stream.IntStream.range(0, l.length).filter(i -> l[i] <= 1).asLongStream().toArray();
        Tensor index = Tensor.of(keep);
        Tensor x = images.indexSelect(0, index).to(DType.FLOAT32).div(255).flatten(1, -1);
        Tensor y = labels.indexSelect(0, index).to(DType.FLOAT32).mul(2).sub(1);
        return new Tensor[] {x, y};
    }

    /** The share of scores on the wrong side of 0. */
    static double error(Tensor scores, Tensor y) {
        return scores.mul(y).le(0).sum().item() / y.size(0);
    }
}
