package dev.nabla.examples;

import dev.nabla.api.DType;
import dev.nabla.api.Grad;
import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.Mnist;
import dev.nabla.layers.F;
import dev.nabla.layers.Linear;
import dev.nabla.layers.Reduction;
import dev.nabla.layers.Tanh;
import dev.nabla.training.SGD;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.knowm.xchart.XYChart;

/**
 * The course's MLP with hand-written forward and backward passes (slide 3.6): 784 → 50 → 10, σ = tanh,
 * loss = Σ‖x₂ − t‖² to one-hot targets × 0.9, weights drawn from N(0, ε²) with ε = 1e-6, full-batch
 * gradient descent with η = 0.1 / N on the first N bundled MNIST training digits, inputs normalised by
 * their mean and std. The hand-written gradients are checked against autograd's; then the same network
 * is trained again the way one usually writes it, with Linear / Tanh modules, autograd and SGD.
 * Options: --train N (1000), --test N (2000), --hidden H (50), --steps S (1000), --seed (0), --out DIR.
 * Writes mlp.png.
 */
public final class Mlp {
    private Mlp() {}

    record Options(int train, int test, int hidden, int steps, long seed) {}

    record Result(double maxGradientDifference, boolean gradientsClose, double handTrainError, double handTestError,
            double autogradTrainError, double autogradTestError) {}

    static final double ZETA = 0.9, EPSILON = 1e-6;

    public static void main(String[] args) {
        Figures.Args a = Figures.args("mlp", args).only("--train", "--test", "--hidden", "--steps", "--seed");
        run(new Options(a.integer("--train", 1000), a.integer("--test", 2000), a.integer("--hidden", 50), a.integer("--steps", 1000),
                a.integer("--seed", 0)), a.out());
    }

    static Tensor sigma(Tensor x) { return x.tanh(); }

    static Tensor dsigma(Tensor x) { return x.exp().add(x.neg().exp()).pow(-2).mul(4); }   // tanh' = 4 / (eˣ + e⁻ˣ)²

    static Tensor loss(Tensor v, Tensor t) { return v.sub(t).pow(2).sum(); }

    static Tensor dloss(Tensor v, Tensor t) { return v.sub(t).mul(2); }

    /** The weights and biases, and the gradients the backward pass accumulates into. */
    record Net(Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
        static Net normal(int in, int hidden, int out, double std) {
            return new Net(Tensor.randn(hidden, in).mul(std), Tensor.randn(hidden).mul(std), Tensor.randn(out, hidden).mul(std),
                    Tensor.randn(out).mul(std));
        }

        static Net zerosLike(Net n) { return new Net(n.w1.zerosLike(), n.b1.zerosLike(), n.w2.zerosLike(), n.b2.zerosLike()); }

        Tensor[] all() { return new Tensor[] {w1, b1, w2, b2}; }
    }

    /** The forward pass over a batch x [N, 784]: x0, s1, x1, s2, x2 (one row per sample). */
    static Tensor[] forwardPass(Net n, Tensor x) {
        Tensor x0 = x;
        Tensor s1 = x0.mm(n.w1().t()).add(n.b1());
        Tensor x1 = sigma(s1);
        Tensor s2 = x1.mm(n.w2().t()).add(n.b2());
        Tensor x2 = sigma(s2);
        return new Tensor[] {x0, s1, x1, s2, x2};
    }

    /** The backward pass: adds the loss's gradients, summed over the batch, into {@code d}. */
    static void backwardPass(Net n, Tensor t, Tensor[] f, Net d) {
        Tensor x0 = f[0], s1 = f[1], x1 = f[2], s2 = f[3], x2 = f[4];
        Tensor dlDx2 = dloss(x2, t);
        Tensor dlDs2 = dsigma(s2).mul(dlDx2);
        Tensor dlDx1 = dlDs2.mm(n.w2());
        Tensor dlDs1 = dsigma(s1).mul(dlDx1);
        d.w2().add_(dlDs2.t().mm(x1));
        d.b2().add_(dlDs2.sum(0));
        d.w1().add_(dlDs1.t().mm(x0));
        d.b1().add_(dlDs1.sum(0));
    }

    static Result run(Options o, Path out) {
        Nabla.manualSeed(o.seed());
        Tensor xTrain = pixels(Mnist.sample(true).data()).narrow(0, 0, o.train());
        Tensor xTest = pixels(Mnist.sample(false).data()).narrow(0, 0, o.test());
        Tensor yTrain = Mnist.sample(true).targets().narrow(0, 0, o.train()), yTest = Mnist.sample(false).targets().narrow(0, 0, o.test());
        double mu = xTrain.mean().item(), std = xTrain.std().item();
        xTrain = xTrain.sub(mu).div(std);
        xTest = xTest.sub(mu).div(std);
        Tensor tTrain = oneHot(yTrain).mul(ZETA);
        double eta = 1e-1 / o.train();
        System.out.printf(Locale.ROOT, "MNIST, %d training and %d test digits; 784 -> %d -> 10, tanh, MSE to one-hot x %.1f, eta %.0e%n",
                o.train(), o.test(), o.hidden(), ZETA, eta);

        // 1. hand-written passes, their gradients checked against autograd's (in float64, at the start and at a random point)
        Net net = Net.normal(784, o.hidden(), 10, EPSILON);
        Tensor x64 = xTrain.to(DType.FLOAT64), t64 = tTrain.to(DType.FLOAT64);
        double maxDiff = 0;
        boolean close = true;
        for (Net at : new Net[] {net, Net.normal(784, o.hidden(), 10, 0.1)}) {
            Tensor[] p = Arrays.stream(at.all()).map(t -> t.to(DType.FLOAT64)).toArray(Tensor[]::new);
            Net at64 = new Net(p[0], p[1], p[2], p[3]), d = Net.zerosLike(at64);
            try (var g = Grad.disabled()) {
                backwardPass(at64, t64, forwardPass(at64, x64), d);
            }
            for (Tensor t : p) t.requiresGrad_();
            loss(forwardPass(at64, x64)[4], t64).backward();
            Tensor[] hand = d.all();
            for (int i = 0; i < p.length; i++) {
                maxDiff = Math.max(maxDiff, hand[i].sub(p[i].grad()).abs().max().item());
                close &= Logistic.allClose(hand[i], p[i].grad());
            }
        }
        System.out.printf(Locale.ROOT, "hand-written vs autograd gradients: largest difference %.2e, equal within tolerance (|a - b| <= 1e-6 + 1e-4 |b|): %s%n",
                maxDiff, close);

        System.out.println("hand-written backward pass, full-batch gradient descent");
        System.out.println(" step      loss  train error  test error");
        double[] steps = new double[o.steps()], handCurve = new double[o.steps()], autoCurve = new double[o.steps()];
        double handTrain = 0, handTest = 0;
        try (var g = Grad.disabled()) {
            for (int s = 0; s < o.steps(); s++) {
                Net d = Net.zerosLike(net);
                Tensor[] f = forwardPass(net, xTrain);
                backwardPass(net, tTrain, f, d);
                handCurve[s] = loss(f[4], tTrain).item();
                steps[s] = s;
                for (int i = 0; i < 4; i++) net.all()[i].sub_(d.all()[i].mul(eta));
                if ((s + 1) % (o.steps() / 5) == 0 || s == o.steps() - 1) {
                    handTrain = error(forwardPass(net, xTrain)[4], yTrain);
                    handTest = error(forwardPass(net, xTest)[4], yTest);
                    System.out.printf(Locale.ROOT, "%5d  %8.2f  %10.2f%%  %9.2f%%%n", s + 1, handCurve[s], 100 * handTrain, 100 * handTest);
                }
            }
        }

        // 2. the same network with modules, autograd and an optimizer
        Module model = new Sequential(new Linear(784, o.hidden()), new Tanh(), new Linear(o.hidden(), 10), new Tanh());
        Optimizer optimizer = new SGD(model.parameters(), eta);
        System.out.println("Linear / Tanh modules, autograd, SGD (PyTorch's default initialisation)");
        System.out.println(" step      loss  train error  test error");
        double autoTrain = 0, autoTest = 0;
        for (int s = 0; s < o.steps(); s++) {
            Tensor l = F.mseLoss(model.forward(xTrain), tTrain, Reduction.SUM);
            optimizer.zeroGrad();
            l.backward();
            optimizer.step();
            autoCurve[s] = l.item();
            if ((s + 1) % (o.steps() / 5) == 0 || s == o.steps() - 1) {
                try (var g = Grad.disabled()) {
                    autoTrain = error(model.forward(xTrain), yTrain);
                    autoTest = error(model.forward(xTest), yTest);
                }
                System.out.printf(Locale.ROOT, "%5d  %8.2f  %10.2f%%  %9.2f%%%n", s + 1, autoCurve[s], 100 * autoTrain, 100 * autoTest);
            }
        }

        XYChart c = Figures.chart("MLP on MNIST: training loss", "step", "sum of squared errors");
        c.getStyler().setYAxisLogarithmic(true);
        Figures.line(c, "hand-written backward", steps, handCurve);
        Figures.line(c, "autograd + SGD", steps, autoCurve);
        Figures.save(c, out.resolve("mlp.png"));
        return new Result(maxDiff, close, handTrain, handTest, autoTrain, autoTest);
    }

    static Tensor pixels(Tensor images) { return images.to(DType.FLOAT32).div(255).flatten(1, -1); }

    static Tensor oneHot(Tensor labels) {
        Tensor t = Tensor.zeros(labels.size(0), 10);
        long[] l = labels.toLongArray();
        for (int i = 0; i < l.length; i++) t.index(i + ", " + l[i]).fill_(1);
        return t;
    }

    static double error(Tensor output, Tensor labels) { return output.argmax(1).ne(labels).sum().item() / labels.size(0); }
}
