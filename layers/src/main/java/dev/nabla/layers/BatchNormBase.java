package dev.nabla.layers;

import dev.nabla.api.DType;
import dev.nabla.api.Module;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;
import java.util.Arrays;

/** What BatchNorm1d and BatchNorm2d share, as PyTorch's {@code _BatchNorm}: parameters, running statistics, forward, repr. */
public abstract class BatchNormBase extends Module {
    private final int numFeatures;
    private final BatchNormOptions options;
    private final Parameter weight, bias;
    private final Tensor runningMean, runningVar, numBatchesTracked;

    BatchNormBase(int numFeatures, BatchNormOptions options) {
        if (numFeatures <= 0) throw new IllegalArgumentException(name() + ": num_features must be positive, got " + numFeatures);
        if (options == null) throw new IllegalArgumentException(name() + ": options must not be null");
        this.numFeatures = numFeatures;
        this.options = options;
        this.weight = options.affine() ? param("weight", Tensor.ones(numFeatures)) : null;
        this.bias = options.affine() ? param("bias", Tensor.zeros(numFeatures)) : null;
        boolean track = options.trackRunningStats();
        this.runningMean = track ? buffer("running_mean", Tensor.zeros(numFeatures)) : null;
        this.runningVar = track ? buffer("running_var", Tensor.ones(numFeatures)) : null;
        this.numBatchesTracked = track ? buffer("num_batches_tracked", Tensor.scalar(DType.INT64, 0)) : null;
    }

    /** Whether this layer takes input of this rank. */
    abstract boolean rankOk(int rank);

    /** The shapes it takes, as shown in errors, e.g. "[N, C] or [N, C, L]". */
    abstract String expectedShape();

    /** A likely fix for a wrong rank. */
    abstract String rankHint(int rank);

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    public Tensor runningMean() { return runningMean; }

    public Tensor runningVar() { return runningVar; }

    public Tensor numBatchesTracked() { return numBatchesTracked; }

    public BatchNormOptions options() { return options; }

    @Override public Tensor forward(Tensor x) {
        if (!rankOk(x.dim())) {
            throw new IllegalArgumentException(repr() + ": expected input " + expected() + ", got " + x.dim() + "-d input "
                    + x.shape() + "; " + rankHint(x.dim()));
        }
        if (x.size(1) != numFeatures) {
            throw new IllegalArgumentException(repr() + ": expected input " + expected() + ", got " + x.shape()
                    + "; the input has " + x.size(1) + " channels in dim 1: use " + name() + "(" + x.size(1)
                    + "), or check the layer before it");
        }
        boolean training = isTraining();
        double momentum = options.momentum() != null ? options.momentum()
                : numBatchesTracked == null ? 0 : 1.0 / (numBatchesTracked.toLongArray()[0] + 1);   // cumulative average
        Tensor y = F.batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, options.eps());
        if (training && numBatchesTracked != null) {
            numBatchesTracked.nd().putScalar(0, (double) (numBatchesTracked.nd().getLong(0) + 1));   // one value: no op call
            numBatchesTracked.markModified();
        }
        return y;
    }

    private String expected() { return expectedShape().replace("C", Integer.toString(numFeatures)); }

    @Override protected String extraRepr() {
        Double m = options.momentum();
        return numFeatures + ", eps=" + Format.num(options.eps()) + ", momentum=" + (m == null ? "None" : Format.num(m)) + ", affine="
                + py(options.affine()) + ", track_running_stats=" + py(options.trackRunningStats());
    }

    private static String py(boolean b) { return b ? "True" : "False"; }
}
