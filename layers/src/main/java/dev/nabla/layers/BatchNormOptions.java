package dev.nabla.layers;

/**
 * The options of {@link BatchNorm1d} and {@link BatchNorm2d}, PyTorch's defaults in {@link #DEFAULT}
 * (eps 1e-5, momentum 0.1, affine, tracking running statistics). A null momentum gives the
 * cumulative moving average (factor 1/num_batches_tracked), as PyTorch's {@code momentum=None}.
 *
 * <pre>{@code
 * new BatchNorm2d(32, BatchNormOptions.DEFAULT.withMomentum(0.01).withAffine(false));
 * }</pre>
 */
public record BatchNormOptions(double eps, Double momentum, boolean affine, boolean trackRunningStats) {
    public static final BatchNormOptions DEFAULT = new BatchNormOptions(1e-5, 0.1, true, true);

    public BatchNormOptions {
        if (!(eps > 0)) throw new IllegalArgumentException("BatchNorm: eps must be positive, got " + eps);
        if (momentum != null && !(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("BatchNorm: momentum must be in [0, 1], got " + momentum);
    }

    public BatchNormOptions withEps(double e) { return new BatchNormOptions(e, momentum, affine, trackRunningStats); }

    public BatchNormOptions withMomentum(Double m) { return new BatchNormOptions(eps, m, affine, trackRunningStats); }

    public BatchNormOptions withAffine(boolean a) { return new BatchNormOptions(eps, momentum, a, trackRunningStats); }

    public BatchNormOptions withTrackRunningStats(boolean t) { return new BatchNormOptions(eps, momentum, affine, t); }
}
