package dev.nabla.examples;

import dev.nabla.api.DType;
import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.Batch;
import dev.nabla.datasets.Compose;
import dev.nabla.datasets.ConcatDataset;
import dev.nabla.datasets.DataLoader;
import dev.nabla.datasets.Dataset;
import dev.nabla.datasets.Mnist;
import dev.nabla.datasets.Normalize;
import dev.nabla.datasets.Sample;
import dev.nabla.datasets.ToTensor;
import dev.nabla.datasets.Transform;
import dev.nabla.layers.F;
import dev.nabla.training.Holdout;
import dev.nabla.training.RepeatedRuns;
import dev.nabla.training.RunSummary;
import dev.nabla.training.SGD;
import java.util.Locale;

/**
 * The course's evaluation protocols on the bundled MNIST sample: the convnet over several seeds
 * (worst / median / best, as the course's table of 100 runs), and model selection on a validation
 * split with the test set sealed until one final evaluation.
 *
 * <pre>mvn -q compile exec:java -Dexec.args="protocols --runs 5 --epochs 10"</pre>
 */
public final class Protocols {
    private Protocols() {}

    record Result(RunSummary runs, double chosenLr, double validationError, double testError) {}

    public static void main(String[] args) {
        int runs = 5, epochs = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("protocols: unknown option '" + args[i] + "'; expected --runs N, --epochs N");
            }
        }
        Result r = run(runs, epochs);
        System.out.printf(Locale.ROOT, "RESULT example=protocols runs=%d median_test_error=%.4f chosen_lr=%s test_error=%.4f%n", runs,
                r.runs().median(), r.chosenLr(), r.testError());
    }

    static Result run(int runs, int epochs) {
        // 1. The same experiment over several seeds: the spread a single number hides.
        RunSummary summary = RepeatedRuns.run(runs, 1, seed ->
                ConvNet.run(new ConvNet.Options("mnist", null, false, epochs, seed, 100, 0.1)).testError());
        System.out.println("\nThe convnet on the bundled sample, " + epochs + " epochs, over " + runs + " seeds:");
        System.out.println(summary.perRunTable());

        // 2. Model selection: the learning rate chosen on a validation split; the test set opened once.
        Nabla.manualSeed(7);
        Tensor pixels = Mnist.sample(true, x -> x).data().to(DType.FLOAT32).div(255);
        Transform t = new Compose(new ToTensor(), new Normalize(pixels.mean().item(), pixels.std().item()));
        Dataset<Sample> all = new ConcatDataset<>(Mnist.sample(true, t), Mnist.sample(false, t));
        Holdout<Sample> h = Holdout.stratified(all, 0.6, 0.2, 0.2, 7);
        double bestLr = Double.NaN, bestError = Double.POSITIVE_INFINITY;
        Module best = null;
        for (double lr : new double[] {0.01, 0.03, 0.1}) {
            Nabla.manualSeed(7);
            Module model = ConvNet.network();
            train(model, new DataLoader<>(h.train(), 100, true), lr, epochs);
            double err = ConvNet.testError(model, new DataLoader<>(h.validation(), 1000));
            System.out.printf(Locale.ROOT, "lr %.2f: validation error %.2f%%%n", lr, 100 * err);
            if (err < bestError) {
                bestError = err;
                bestLr = lr;
                best = model;
            }
        }
        Module chosen = best;
        double testError = h.test(test -> ConvNet.testError(chosen, new DataLoader<>(test, 1000)));
        System.out.printf(Locale.ROOT, "chosen lr %.2f (validation %.2f%%); the sealed test set, opened once: %.2f%%%n", bestLr,
                100 * bestError, 100 * testError);
        return new Result(summary, bestLr, bestError, testError);
    }

    private static void train(Module model, DataLoader<?> loader, double lr, int epochs) {
        Optimizer opt = new SGD(model.parameters(), lr);
        model.train();
        for (int e = 0; e < epochs; e++) {
            for (Batch b : loader) {
                Tensor loss = F.crossEntropy(model.forward(b.x()), b.y());
                opt.zeroGrad();
                loss.backward();
                opt.step();
            }
        }
    }
}
