package dev.nabla.examples;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Runs one example by name: {@code mvn -q compile exec:java -Dexample=NAME}; {@code list} lists them. */
public final class Examples {
    private static final Map<String, Consumer<String[]>> EXAMPLES = new LinkedHashMap<>();
    private static final Map<String, String> ABOUT = new LinkedHashMap<>();

    static {
        add("convnet", ConvNet::main, "the course's MNIST convnet (the main example; --data DIR, --download, --dataset fashion)");
        // a lambda, not SparkConvNet::main: Spark (a provided dependency) is needed only when this one runs
        add("spark", args -> SparkConvNet.main(args), "the convnet on Fashion-MNIST in a Spark DataFrame, data-parallel in local[2] (needs Spark: see README)");
        add("protocols", Protocols::main, "evaluation protocols: the convnet over seeds (worst/median/best), model selection with a sealed test set");
        add("kfold", CrossValidationExample::main, "model selection by k-fold cross-validation: K of k-NN on MNIST, per-fold errors, then the sealed test");
        add("regression", Regression::main, "linear regression by gradient descent on the course's blood-pressure table");
        add("tensors", Tensors::main, "the slides' tensor snippets (1.4-1.5) with their own inputs, printing what the slides print; then more, as PyTorch prints it");
        add("images", ImageTensors::main, "the slide's CIFAR session: 48 images as a 4x12 grid, transpose_(2, 3), green and blue killed (MNIST without CIFAR-10; --data DIR)");
        add("lstsq", LeastSquares::main, "linear regression on the blood-pressure table by least squares (lstsq), with a plot");
        add("polyfit", PolyFit::main, "polynomial fits of sin: under- and over-fitting, ridge penalties, bias and variance (plots)");
        add("knn", Knn::main, "k-nearest neighbours on a 2-d problem and on MNIST: train and test error as K goes 1 ... 1000");
        add("knnmaps", KnnMaps::main, "k-NN's maps on two overlapping classes: predictions for K = 1 and 51, votes for K = 51, error vs K");
        add("gendisc", GenDisc::main, "generative (Gaussians + Bayes' rule) vs discriminative (best threshold) on basketball heights");
        add("perceptron", Perceptron::main, "the perceptron on MNIST 0 vs 1 until no change, its convergence bound, and a hinge-loss SVM");
        add("xor", FeatureDesign::main, "feature design: xor separable with x_u x_v; MNIST 8 vs the rest, the perceptron on pixels and pixel-pair products");
        add("radius", RadiusFeature::main, "feature design for k-NN: a radial task with label noise, K = 11, the 2-d coordinates vs the radius");
        add("logistic", Logistic::main, "logistic regression by gradient descent with the course's hand-written gradient, checked against autograd");
        add("logistic-lda", LogisticLda::main, "logistic regression by the slide's gradient(x, y, w, b), 100 points, eta 0.1, beside LDA's boundary");
        add("candidates", Candidates::main, "1,000 candidates answering 10 questions at random: how often one scores perfectly (0.6236)");
        add("relus", Relus::main, "universal approximation: sin as a sum of ReLUs built as the slide does, the error falling with the units");
        add("gd1d", GradientDescent1d::main, "gradient descent on a 1-d function from the same w0 with eta = 0.125 and 0.5, iterates on the curve");
        add("mlp", Mlp::main, "an MLP with the course's hand-written forward and backward passes, checked against autograd, then with SGD");
    }

    private static void add(String name, Consumer<String[]> main, String about) {
        EXAMPLES.put(name, main);
        ABOUT.put(name, about);
    }

    private Examples() {}

    public static void main(String[] args) {
        String name = args.length == 0 ? "list" : args[0];
        Consumer<String[]> main = EXAMPLES.get(name);
        if (main == null) {
            if (!name.equals("list")) System.out.println("Unknown example '" + name + "'. The examples are:");
            ABOUT.forEach((k, v) -> System.out.printf("  %-12s %s%n", k, v));
            if (!name.equals("list")) System.exit(2);
            return;
        }
        String[] rest = new String[args.length - 1];
        System.arraycopy(args, 1, rest, 0, rest.length);
        main.accept(rest);
    }
}
