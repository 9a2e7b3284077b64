package dev.nabla.datasets;

import java.util.Arrays;

/**
 * {@code (x - mean[c]) / std[c]} per channel of a float {@code [C, H, W]} image, as
 * {@code torchvision.transforms.Normalize}; one mean and std apply to every channel.
 *
 * <pre>{@code
 * new Normalize(0.1307, 0.3081)                                   // MNIST
 * new Normalize(new double[] {0.4914, 0.4822, 0.4465}, new double[] {0.2470, 0.2435, 0.2616})  // CIFAR-10
 * }</pre>
 */
public final class Normalize implements PixelMap {
    private final float[] mean;
    private final float[] std;

    public Normalize(double mean, double std) { this(new double[] {mean}, new double[] {std}); }

    public Normalize(double[] mean, double[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("Normalize: expected as many means as stds (at least one), got mean "
                    + Arrays.toString(mean) + " and std " + Arrays.toString(std));
        }
        this.mean = new float[mean.length];
        this.std = new float[std.length];
        for (int c = 0; c < mean.length; c++) {
            if (!(std[c] > 0)) throw new IllegalArgumentException("Normalize: std must be positive, got " + Arrays.toString(std));
            this.mean[c] = (float) mean[c];
            this.std[c] = (float) std[c];
        }
    }

    @Override public Image apply(Image x) {
        if (!x.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("Normalize: expected a floating-point image, got " + x.dtype
                    + "; put a ToTensor before it");
        }
        int channels = x.dim() >= 3 ? (int) x.size(-3) : 1;
        checkChannels(channels, x);
        float[] v = x.v.clone();
        int plane = x.dim() >= 3 ? (int) (x.size(-1) * x.size(-2)) : v.length;
        for (int start = 0, c = 0; start < v.length; start += plane, c = (c + 1) % channels) {
            for (int i = start; i < start + plane; i++) v[i] = map(c, channels, v[i]);
        }
        return new Image(v, x.shape, x.dtype);
    }

    private void checkChannels(int channels, Image x) {
        if (mean.length != 1 && mean.length != channels) {
            throw new IllegalArgumentException("Normalize: " + mean.length + " means for an image with " + channels
                    + " channels " + Arrays.toString(x.shape) + "; expected [C, H, W] with C = " + mean.length);
        }
    }

    @Override public float map(int channel, int channels, float v) {
        int c = mean.length == 1 ? 0 : channel;
        if (mean.length != 1 && mean.length != channels) {
            throw new IllegalArgumentException("Normalize: " + mean.length + " means for images with " + channels + " channels");
        }
        return (v - mean[c]) / std[c];
    }

    @Override public String toString() {
        return "Normalize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
    }
}
