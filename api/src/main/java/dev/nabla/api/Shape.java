package dev.nabla.api;

import java.util.Arrays;

/**
 * The sizes of a tensor's dimensions, as PyTorch's {@code torch.Size}: an immutable value that prints as
 * {@code [2, 3]} and compares by its sizes.
 *
 * <pre>{@code
 * Shape s = x.shape();            // [64, 1, 28, 28]
 * long batch = s.get(0), w = s.get(-1);
 * if (s.equals(Shape.of(64, 784))) …
 * Tensor y = Tensor.zeros(s);
 * }</pre>
 */
public final class Shape {
    private static final Shape SCALAR = new Shape(new long[0]);

    private final long[] sizes;

    private Shape(long[] sizes) { this.sizes = sizes; }

    /** A shape of the given sizes (none for a 0-d tensor's); sizes must not be negative. */
    public static Shape of(long... sizes) {
        for (long s : sizes) {
            if (s < 0) throw new IllegalArgumentException("Shape.of: expected sizes >= 0, got " + Arrays.toString(sizes));
        }
        return sizes.length == 0 ? SCALAR : new Shape(sizes.clone());
    }

    /** Wraps an array that nobody else writes (ND4J's {@code shape()} returns a fresh one). */
    static Shape wrap(long[] sizes) { return sizes.length == 0 ? SCALAR : new Shape(sizes); }

    /** The number of dimensions, as {@code len(torch.Size)}. */
    public int dim() { return sizes.length; }

    /** The number of dimensions (the same as {@link #dim()}), as {@code len(torch.Size)}. */
    public int size() { return sizes.length; }

    /** The size of dimension {@code i}; negative counts from the end ({@code get(-1)} is the last). */
    public long get(int i) {
        int n = sizes.length;
        if (i < -n || i >= n) {
            throw new IndexOutOfBoundsException("Shape.get: dimension out of range (expected to be in range of [" + (-n) + ", "
                    + (n - 1) + "] for shape " + this + ", but got " + i + ")");
        }
        return sizes[i < 0 ? i + n : i];
    }

    /** The number of elements: the product of the sizes (1 for a 0-d shape). */
    public long numel() {
        long n = 1;
        for (long s : sizes) n *= s;
        return n;
    }

    /** The sizes as a new array (for ND4J and kernel code). */
    public long[] toArray() { return sizes.clone(); }

    /** The sizes as ints, for APIs that take {@code int[]}; an error if one does not fit. */
    public int[] toIntArray() {
        int[] r = new int[sizes.length];
        for (int i = 0; i < r.length; i++) r[i] = Math.toIntExact(sizes[i]);
        return r;
    }

    /** Whether the sizes are exactly these ({@code x.shape().is(2, 3)}). */
    public boolean is(long... sizes) { return Arrays.equals(this.sizes, sizes); }

    /** The sizes of dimensions {@code from} (inclusive) to {@code to} (exclusive), as a tuple slice {@code size[from:to]}. */
    public Shape slice(int from, int to) {
        if (from < 0 || to > sizes.length || from > to) {
            throw new IndexOutOfBoundsException("Shape.slice: expected 0 <= from <= to <= " + sizes.length + " for shape " + this
                    + ", got from=" + from + ", to=" + to);
        }
        return wrap(Arrays.copyOfRange(sizes, from, to));
    }

    @Override public boolean equals(Object o) { return o instanceof Shape s && Arrays.equals(sizes, s.sizes); }

    @Override public int hashCode() { return Arrays.hashCode(sizes); }

    /** {@code [2, 3]}; a 0-d shape prints as {@code []}. */
    @Override public String toString() { return Arrays.toString(sizes); }
}
