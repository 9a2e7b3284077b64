package dev.nabla.examples;

import dev.nabla.api.DType;
import dev.nabla.api.Grad;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Feature design for k-NN (slide 3.3): a task with radial symmetry (class 1 inside the circle of radius R,
 * class 0 outside) whose training labels are flipped with probability 0.2. With K = 11, k-NN on the 2-d
 * coordinates follows the flipped labels into islands; k-NN on the radius alone pools neighbours from the
 * whole ring at that radius and copes with the noise. Prints both test errors, against the noisy test labels
 * and against the true classes.
 * Options: --train N (500), --test N (4000), --noise P (0.2), --seed S (0), --out DIR.
 * Writes radius.png: training points, votes (K = 11) and prediction (K = 11), top row with the 2-d coordinates,
 * bottom row with the radius.
 */
public final class RadiusFeature {
    private RadiusFeature() {}

    static final int K = 11;
    static final double RADIUS = Math.sqrt(2 / Math.PI);                      // half of [−1, 1]² inside

    /** Test errors against the noisy labels and against the true classes, with each feature. */
    record Result(double noisyCoordinates, double noisyRadius, double trueCoordinates, double trueRadius) {}

    public static void main(String[] args) {
        Figures.Args a = Figures.args("radius", args).only("--train", "--test", "--noise", "--seed");
        run(a.integer("--train", 500), a.integer("--test", 4000), a.real("--noise", 0.2), a.integer("--seed", 0), a.out());
    }

    static Result run(int nTrain, int nTest, double noise, long seed, Path out) {
        Nabla.manualSeed(seed);
        try (var g = Grad.disabled()) {
            Tensor[] train = disc(nTrain, noise), test = disc(nTest, noise);
            System.out.printf(Locale.ROOT, "class 1 inside the circle of radius %.3f in [-1, 1]^2, labels flipped with probability %.2f; "
                    + "%d training, %d test points; K = %d%n", RADIUS, noise, nTrain, nTest, K);
            double[] coordinates = KnnMaps.voteShares(train[0], train[1], test[0], K)[0];
            double[] radius = KnnMaps.voteShares(radius(train[0]), train[1], radius(test[0]), K)[0];
            Result r = new Result(error(coordinates, test[1]), error(radius, test[1]), error(coordinates, test[2]), error(radius, test[2]));
            System.out.println("                     test error (noisy labels)  (true classes)");
            System.out.printf(Locale.ROOT, "2-d coordinates      %24.2f%%  %13.2f%%%n", 100 * r.noisyCoordinates(), 100 * r.trueCoordinates());
            System.out.printf(Locale.ROOT, "the radius alone     %24.2f%%  %13.2f%%%n", 100 * r.noisyRadius(), 100 * r.trueRadius());
            System.out.printf(Locale.ROOT, "(the noise alone costs %.0f%% against the noisy labels)%n", 100 * noise);
            System.out.println("slide (line 2230): \"Using the radius instead of 2d coordinates allows to cope with label noise.\" "
                    + "(pictures, no numbers)");

            Maps maps = new Maps(1, 160);
            Tensor grid = maps.grid();
            double[] votes2d = KnnMaps.voteShares(train[0], train[1], grid, K)[0];
            double[] votesR = KnnMaps.voteShares(radius(train[0]), train[1], radius(grid), K)[0];
            Tensor points = maps.points(train[0], train[1].toDoubleArray());
            Maps.save(List.of(points, maps.votes(votes2d), maps.prediction(votes2d), points, maps.votes(votesR), maps.prediction(votesR)),
                    out.resolve("radius.png"), 3);
            return r;
        }
    }

    /** n points uniform in [−1, 1]², their noisy labels and their true classes (int64). */
    static Tensor[] disc(int n, double noise) {
        Tensor x = Tensor.rand(n, 2).mul(2).sub(1);
        Tensor truth = radius(x).squeeze(1).lt(RADIUS).to(DType.INT64);
        Tensor flip = Tensor.rand(n).lt(noise).to(DType.INT64);
        Tensor y = truth.add(flip).sub(truth.mul(flip).mul(2));                      // truth xor flip
        return new Tensor[] {x, y, truth};
    }

    /** The radius as the only feature, [n, 1]. */
    static Tensor radius(Tensor x) { return x.pow(2).sum(1, true).sqrt(); }

    static double error(double[] share, Tensor y) {
        long[] labels = y.toLongArray();
        int wrong = 0;
        for (int i = 0; i < labels.length; i++) if ((share[i] > 0.5 ? 1 : 0) != labels[i]) wrong++;
        return (double) wrong / labels.length;
    }
}
