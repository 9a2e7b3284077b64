package dev.nabla.training;

import dev.nabla.api.DType;
import dev.nabla.api.Grad;
import dev.nabla.api.Tensor;
import java.util.Arrays;

/** Checks and reads the inputs of the metrics (under no-grad), with errors that name the metric. */
@SuppressWarnings("try")   // the Grad.disabled() scopes are not referenced in their bodies
final class MetricInputs {
    private MetricInputs() {}

    /** Predicted and target class indices of one batch. */
    record Classes(int[] predicted, int[] target) {}

    /** Class scores [N, C] as a row-major array, with C. */
    record Scores(double[] scores, int numClasses, int[] target) {}

    /** Regression predictions and targets of one batch, row-major, with the number of outputs per sample. */
    record Values(double[] predicted, double[] target, int outputs) {}

    private static String shape(Tensor t) { return t.dtype().toString().toLowerCase().replace("torch.", "") + " " + t.shape(); }

    private static boolean integral(Tensor t) { return !t.dtype().isFloatingPoint() && t.dtype() != DType.BOOL; }

    /**
     * Scores [N, C] (argmax taken; the first maximum on ties, as torch.argmax) or indices [N] (an integer dtype)
     * against int64 targets [N]; {@code numClasses} is checked when it is positive.
     */
    static Classes classes(String metric, Tensor predictions, Tensor targets, int numClasses) {
        int[] target = targets(metric, targets, numClasses);
        int[] predicted;
        if (predictions.dim() == 2) {
            Scores s = scores(metric, predictions, targets, numClasses, 1);
            predicted = new int[target.length];
            int c = s.numClasses();
            for (int i = 0; i < predicted.length; i++) {
                int best = 0;
                for (int j = 1; j < c; j++) if (s.scores()[i * c + j] > s.scores()[i * c + best]) best = j;
                predicted[i] = best;
            }
        } else if (predictions.dim() == 1 && integral(predictions)) {
            sameN(metric, predictions, targets);
            predicted = read(metric, "predictions", predictions, numClasses);
        } else {
            throw new IllegalArgumentException(metric + ": expected predictions as class scores [N, C] or class indices [N] of an "
                    + "integer dtype, got " + shape(predictions) + (predictions.dim() == 1 ? "; for indices use predictions.to(DType.INT64)" : ""));
        }
        return new Classes(predicted, target);
    }

    /** Scores [N, C] with C >= minClasses (and C == numClasses when that is positive) against int64 targets [N]. */
    static Scores scores(String metric, Tensor predictions, Tensor targets, int numClasses, int minClasses) {
        if (predictions.dim() != 2 || predictions.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(metric + ": expected predictions as class scores [N, C], got " + shape(predictions));
        }
        sameN(metric, predictions, targets);
        int c = (int) predictions.size(1);
        if (numClasses > 0 && c != numClasses) {
            throw new IllegalArgumentException(metric + ": expected class scores [N, " + numClasses + "] for " + numClasses
                    + " classes, got " + shape(predictions));
        }
        if (c < minClasses) {
            throw new IllegalArgumentException(metric + ": expected class scores [N, C] with C >= " + minClasses + ", got " + shape(predictions));
        }
        int[] target = targets(metric, targets, c);
        try (var g = Grad.disabled()) {
            return new Scores(predictions.detach().toDoubleArray(), c, target);
        }
    }

    private static int[] targets(String metric, Tensor targets, int numClasses) {
        if (targets.dim() != 1 || !integral(targets)) {
            throw new IllegalArgumentException(metric + ": expected targets as class indices [N] of dtype int64, got " + shape(targets)
                    + (targets.dim() == 1 ? "; use targets.to(DType.INT64)" : ""));
        }
        return read(metric, "targets", targets, numClasses);
    }

    private static int[] read(String metric, String what, Tensor t, int numClasses) {
        long[] v;
        try (var g = Grad.disabled()) {
            v = t.detach().toLongArray();
        }
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || (numClasses > 0 && v[i] >= numClasses)) {
                throw new IllegalArgumentException(metric + ": " + what + "[" + i + "] = " + v[i] + " is not a class index in [0, "
                        + (numClasses > 0 ? numClasses : "C") + ")");
            }
            out[i] = (int) v[i];
        }
        return out;
    }

    private static void sameN(String metric, Tensor predictions, Tensor targets) {
        if (predictions.size(0) != targets.size(0)) {
            throw new IllegalArgumentException(metric + ": predictions have " + predictions.size(0) + " samples (" + shape(predictions)
                    + ") but targets have " + targets.size(0) + " (" + shape(targets) + ")");
        }
    }

    /** Predictions and targets of the same shape, [N] or [N, k]; {@code outputs} (k, 1 for [N]) is checked when positive. */
    static Values values(String metric, Tensor predictions, Tensor targets, int outputs) {
        if (predictions.dim() < 1 || predictions.dim() > 2 || predictions.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(metric + ": expected predictions [N] or [N, k], got " + shape(predictions));
        }
        if (!predictions.shape().equals(targets.shape()) || targets.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(metric + ": predictions " + shape(predictions) + " and targets " + shape(targets)
                    + " should have the same shape" + (predictions.numel() == targets.numel() ? "; reshape one with view(...)?" : ""));
        }
        int k = predictions.dim() == 1 ? 1 : (int) predictions.size(1);
        if (outputs > 0 && k != outputs) {
            throw new IllegalArgumentException(metric + ": earlier batches had " + outputs + " outputs per sample, this one has " + k
                    + " (" + shape(predictions) + ")");
        }
        try (var g = Grad.disabled()) {
            return new Values(predictions.detach().toDoubleArray(), targets.detach().toDoubleArray(), k);
        }
    }

    static IllegalStateException empty(String metric) {
        return new IllegalStateException(metric + ": no samples yet; call update(predictions, targets) first");
    }
}
