package dev.nabla.datasets;

import java.util.Arrays;
import java.util.Random;

/**
 * A random {@code height × width} window of a {@code [C, H, W]} image, after padding each border with
 * {@code padding} zeros, as {@code torchvision.transforms.RandomCrop(size, padding)}. Keeps the dtype.
 *
 * <pre>{@code
 * new RandomCrop(32, 4)   // CIFAR-10 augmentation
 * }</pre>
 */
public final class RandomCrop implements ArrayTransform {
    private final int height;
    private final int width;
    private final int padding;

    public RandomCrop(int size) { this(size, size, 0); }

    public RandomCrop(int size, int padding) { this(size, size, padding); }

    public RandomCrop(int height, int width, int padding) {
        if (height < 1 || width < 1 || padding < 0) {
            throw new IllegalArgumentException("RandomCrop: expected a positive size and padding >= 0, got size ("
                    + height + ", " + width + ") and padding " + padding);
        }
        this.height = height;
        this.width = width;
        this.padding = padding;
    }

    @Override public Image apply(Image x) {
        if (x.dim() != 3) throw new IllegalArgumentException("RandomCrop: expected a [C, H, W] image, got " + Arrays.toString(x.shape));
        int c = (int) x.size(0), h = (int) x.size(1), w = (int) x.size(2);
        int ph = h + 2 * padding, pw = w + 2 * padding;
        if (height > ph || width > pw) {
            throw new IllegalArgumentException("RandomCrop: crop size (" + height + ", " + width
                    + ") is larger than the padded image (" + ph + ", " + pw + ")");
        }
        Random r = Transform.random();
        int top = r.nextInt(ph - height + 1) - padding;
        int left = r.nextInt(pw - width + 1) - padding;
        float[] in = x.v;
        float[] out = new float[c * height * width];
        for (int k = 0; k < c; k++) {
            for (int i = 0; i < height; i++) {
                int si = top + i;
                if (si < 0 || si >= h) continue;
                for (int j = 0; j < width; j++) {
                    int sj = left + j;
                    if (sj >= 0 && sj < w) out[(k * height + i) * width + j] = in[(k * h + si) * w + sj];
                }
            }
        }
        return new Image(out, new long[] {c, height, width}, x.dtype);
    }

    @Override public String toString() { return "RandomCrop(size=(" + height + ", " + width + "), padding=" + padding + ")"; }
}
