package dev.nabla.datasets;

import java.util.Arrays;

/**
 * Mirrors a {@code [C, H, W]} image left to right with probability {@code p}, as
 * {@code torchvision.transforms.RandomHorizontalFlip}. Keeps the dtype.
 */
public final class RandomHorizontalFlip implements ArrayTransform {
    private final double p;

    /** With probability 0.5. */
    public RandomHorizontalFlip() { this(0.5); }

    public RandomHorizontalFlip(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("RandomHorizontalFlip: p must be in [0, 1], got " + p);
        this.p = p;
    }

    @Override public Image apply(Image x) {
        if (x.dim() < 2) throw new IllegalArgumentException("RandomHorizontalFlip: expected a [C, H, W] image, got " + Arrays.toString(x.shape));
        if (!(Transform.random().nextDouble() < p)) return x;
        float[] v = x.v.clone();
        int w = (int) x.size(-1);
        for (int row = 0; row < v.length; row += w) {
            for (int i = row, j = row + w - 1; i < j; i++, j--) {
                float t = v[i];
                v[i] = v[j];
                v[j] = t;
            }
        }
        return new Image(v, x.shape, x.dtype);
    }

    @Override public String toString() { return "RandomHorizontalFlip(p=" + p + ")"; }
}
