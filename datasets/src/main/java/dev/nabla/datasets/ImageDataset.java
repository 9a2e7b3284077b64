package dev.nabla.datasets;

import dev.nabla.api.DType;
import dev.nabla.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Labelled images kept as one array of bytes, the base of {@link Mnist}, {@link FashionMnist},
 * {@link KMnist}, {@link Cifar10} and {@link Cifar100}.
 *
 * <p>{@link #get(int)} gives the image as a uint8 {@code [C, H, W]} tensor passed through the transform
 * (as torchvision gives a PIL image; use {@link ToTensor} to get floats in [0, 1]) and the label as an
 * int64 scalar. {@link #batch(int[])} copies rows in bulk, and folds a transform made of {@link ToTensor}
 * and {@link Normalize} into a lookup table, so that loading is never the bottleneck of training.
 */
public class ImageDataset implements Dataset<Sample> {
    /** Images {@code [n, c, h, w]} as bytes, labels in {@code 0 … classes.size() - 1}. */
    record Raw(byte[] images, int n, int c, int h, int w, byte[] labels, List<String> classes) {
        Raw {
            if ((long) n * c * h * w != images.length || labels.length != n) throw new IllegalArgumentException("Raw: sizes");
        }

        Raw slice(int from, int to) {
            int per = c * h * w;
            return new Raw(Arrays.copyOfRange(images, from * per, to * per), to - from, c, h, w,
                    Arrays.copyOfRange(labels, from, to), classes);
        }
    }

    private final Raw raw;
    private final Transform transform;
    private final int per;
    private final float[][] lut; // per channel: byte value -> float, when the transform is a chain of PixelMaps
    private final List<ArrayTransform> arrayChain; // when every transform works on Java arrays

    ImageDataset(Raw raw, Transform transform) {
        this.raw = raw;
        this.transform = transform;
        this.per = raw.c * raw.h * raw.w;
        this.lut = lookupTable(transform, raw.c);
        List<ArrayTransform> chain = new ArrayList<>();
        for (Transform t : Compose.flatten(transform)) if (t instanceof ArrayTransform a) chain.add(a);
        this.arrayChain = chain.size() == Compose.flatten(transform).size() ? chain : null;
    }

    private static float[][] lookupTable(Transform transform, int channels) {
        List<Transform> chain = Compose.flatten(transform);
        if (chain.isEmpty() || !(chain.get(0) instanceof ToTensor)) return null;
        for (Transform t : chain) if (!(t instanceof PixelMap)) return null;
        float[][] lut = new float[channels][256];
        for (int c = 0; c < channels; c++) {
            for (int b = 0; b < 256; b++) {
                float v = b;
                for (Transform t : chain) v = ((PixelMap) t).map(c, channels, v);
                lut[c][b] = v;
            }
        }
        return lut;
    }

    @Override public int size() { return raw.n; }

    @Override public Sample get(int index) {
        Collation.checkIndex(this, index, size());
        Tensor x = Collation.uint8(raw.images, index * per, raw.c, raw.h, raw.w);
        if (transform != null) x = transform.apply(x);
        return new Sample(x, Tensor.scalar(DType.INT64, raw.labels[index]));
    }

    /** The label of sample {@code index}, without reading its image. */
    public int label(int index) { return raw.labels[Collation.checkIndex(this, index, size())]; }

    /** The class names, indexed by label. */
    public List<String> classes() { return raw.classes; }

    /** The transform applied to each image, or null. */
    public Transform transform() { return transform; }

    /** The shape of one image, {@code [C, H, W]}. */
    public long[] imageShape() { return new long[] {raw.c, raw.h, raw.w}; }

    /** All images, untransformed: uint8 {@code [N, C, H, W]} (a copy). */
    public Tensor data() { return Collation.uint8(raw.images, 0, raw.n, raw.c, raw.h, raw.w); }

    /** All labels: int64 {@code [N]}. */
    public Tensor targets() {
        long[] y = new long[raw.n];
        for (int i = 0; i < y.length; i++) y[i] = raw.labels[i];
        return Collation.longs(y, raw.n);
    }

    @Override public Batch batch(int[] indices) {
        for (int i : indices) Collation.checkIndex(this, i, size());
        int b = indices.length;
        long[] y = new long[b];
        for (int k = 0; k < b; k++) y[k] = raw.labels[indices[k]];
        Tensor targets = Collation.longs(y, b);
        if (transform == null) {
            byte[] out = new byte[b * per];
            for (int k = 0; k < b; k++) System.arraycopy(raw.images, indices[k] * per, out, k * per, per);
            return new Batch(Collation.uint8(out, 0, b, raw.c, raw.h, raw.w), targets);
        }
        if (lut != null) {
            float[] out = Collation.scratch(b * per);
            int plane = raw.h * raw.w;
            byte[] images = raw.images;
            for (int k = 0; k < b; k++) {
                int src = indices[k] * per, dst = k * per;
                for (int c = 0; c < raw.c; c++) {
                    float[] table = lut[c];
                    for (int p = 0; p < plane; p++, src++, dst++) out[dst] = table[images[src] & 0xff];
                }
            }
            return new Batch(Collation.floatsPooled(out, b * per, b, raw.c, raw.h, raw.w), targets);
        }
        if (arrayChain != null) return new Batch(transformInArrays(indices), targets);
        List<Tensor> xs = new ArrayList<>(b);
        for (int i : indices) {
            SampleRandom.begin(i);
            xs.add(transform.apply(Collation.uint8(raw.images, i * per, raw.c, raw.h, raw.w)));
        }
        return new Batch(Collation.stack(xs), targets);
    }

    /** Runs the built-in transforms on Java arrays, sample by sample, into one batch array. */
    private Tensor transformInArrays(int[] indices) {
        float[] out = null;
        Image first = null;
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            SampleRandom.begin(i);
            Image img = Image.ofBytes(raw.images, i * per, raw.c, raw.h, raw.w);
            for (ArrayTransform t : arrayChain) img = t.apply(img);
            if (first == null) {
                first = img;
                out = new float[indices.length * img.v.length];
            } else if (!Arrays.equals(img.shape, first.shape) || img.dtype != first.dtype) {
                throw new IllegalArgumentException("collate: samples must have equal shapes and dtypes; got "
                        + Arrays.toString(first.shape) + " " + first.dtype + " at entry 0 and " + Arrays.toString(img.shape)
                        + " " + img.dtype + " at entry " + k);
            }
            System.arraycopy(img.v, 0, out, k * img.v.length, img.v.length);
        }
        long[] shape = new long[first.shape.length + 1];
        shape[0] = indices.length;
        System.arraycopy(first.shape, 0, shape, 1, first.shape.length);
        return Collation.fromFloats(out, first.dtype, shape);
    }

    @Override public String toString() {
        return getClass().getSimpleName() + "(size=" + raw.n + ", image=[" + raw.c + ", " + raw.h + ", " + raw.w + "], classes="
                + raw.classes.size() + (transform == null ? "" : ", transform=" + transform) + ")";
    }

    /** Reads images and labels from IDX data, checking counts and label range; names are for errors. */
    static Raw fromIdx(Idx.Data images, String imagesName, Idx.Data labels, String labelsName, List<String> classes)
            throws java.io.IOException {
        if (images.count() != labels.count()) {
            throw new java.io.IOException(imagesName + " has " + images.count() + " images but " + labelsName + " has "
                    + labels.count() + " labels; the two files must come from the same split");
        }
        checkLabels(labels.bytes(), 0, 1, labels.count(), classes.size(), labelsName);
        int[] d = images.dims();
        return new Raw(images.bytes(), d[0], 1, d[1], d[2], labels.bytes(), classes);
    }

    /** Checks every {@code stride}-th byte from {@code offset} is a label below {@code classes}. */
    static void checkLabels(byte[] bytes, int offset, int stride, int count, int classes, String name) throws java.io.IOException {
        for (int i = 0; i < count; i++) {
            int v = bytes[offset + i * stride] & 0xff;
            if (v >= classes) {
                throw new java.io.IOException(name + ": label " + v + " of sample " + i + " is out of range 0.." + (classes - 1));
            }
        }
    }
}
