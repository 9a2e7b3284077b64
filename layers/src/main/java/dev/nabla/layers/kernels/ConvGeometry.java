package dev.nabla.layers.kernels;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The geometry of a 2-d convolution window sweep, with the im2col gather and col2im scatter that
 * the project's convolution kernels are built on.
 *
 * <p>The column matrix is {@code [C·kh·kw, N·OH·OW]}: row (c, i, j), column (n, oh, ow). A
 * precomputed table gives, for each row and output position, the offset into one sample's
 * {@code [C, H, W]} block (−1 for padding), so that both loops are long gathers / scatters.
 */
record ConvGeometry(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int padTop, int padLeft,
                    int dh, int dw, int oh, int ow) {
    private static final int THREADS = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 8));
    private static final Map<ConvGeometry, int[]> TABLES = new LinkedHashMap<>(16, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<ConvGeometry, int[]> e) { return size() > 64; }
    };

    /** Rows of the column matrix. */
    int k() { return c * kh * kw; }

    /** Output positions per sample. */
    int p() { return oh * ow; }

    /** Elements of one input sample. */
    int chw() { return c * h * w; }

    /** The output size of a sweep along one dimension (PyTorch's formula), padding given as the total of both sides. */
    static int outSize(int in, int k, int stride, int padTotal, int dilation) {
        return (in + padTotal - dilation * (k - 1) - 1) / stride + 1;
    }

    /** The offset table, shared by every geometry that differs only in the batch size. */
    int[] table() {
        ConvGeometry key = new ConvGeometry(1, c, h, w, kh, kw, sh, sw, padTop, padLeft, dh, dw, oh, ow);
        synchronized (TABLES) {
            int[] t = TABLES.get(key);
            if (t != null) return t;
        }
        int p = p();
        int[] t = new int[k() * p];
        for (int ci = 0; ci < c; ci++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int row = (ci * kh + i) * kw + j;
                    for (int y = 0; y < oh; y++) {
                        int ih = y * sh - padTop + i * dh;
                        for (int x = 0; x < ow; x++) {
                            int iw = x * sw - padLeft + j * dw;
                            boolean in = ih >= 0 && ih < h && iw >= 0 && iw < w;
                            t[row * p + y * ow + x] = in ? (ci * h + ih) * w + iw : -1;
                        }
                    }
                }
            }
        }
        synchronized (TABLES) {
            TABLES.put(key, t);
        }
        return t;
    }

    /** Runs {@code body} over the samples 0 … n − 1, split over a few threads. */
    void forSamples(java.util.function.IntConsumer body) {
        int threads = Math.min(THREADS, n);
        if (threads <= 1) {
            for (int s = 0; s < n; s++) body.accept(s);
            return;
        }
        IntStream.range(0, threads).parallel().forEach(t -> {
            for (int s = t * n / threads; s < (t + 1) * n / threads; s++) body.accept(s);
        });
    }

    /** col[row, s·P + q] = x[s, table[row, q]] (0 for padding). */
    void im2col(float[] x, float[] col) {
        int[] t = table();
        int k = k(), p = p(), np = n * p, chw = chw();
        forSamples(s -> {
            int src = s * chw;
            for (int r = 0; r < k; r++) {
                int dst = r * np + s * p, tr = r * p;
                for (int q = 0; q < p; q++) {
                    int o = t[tr + q];
                    col[dst + q] = o < 0 ? 0f : x[src + o];
                }
            }
        });
    }

    void im2col(double[] x, double[] col) {
        int[] t = table();
        int k = k(), p = p(), np = n * p, chw = chw();
        forSamples(s -> {
            int src = s * chw;
            for (int r = 0; r < k; r++) {
                int dst = r * np + s * p, tr = r * p;
                for (int q = 0; q < p; q++) {
                    int o = t[tr + q];
                    col[dst + q] = o < 0 ? 0 : x[src + o];
                }
            }
        });
    }

    /** dx[s, table[row, q]] += col[row, s·P + q]: the adjoint of {@link #im2col}. */
    void col2im(float[] col, float[] dx) {
        int[] t = table();
        int k = k(), p = p(), np = n * p, chw = chw();
        forSamples(s -> {
            int dst = s * chw;
            for (int r = 0; r < k; r++) {
                int src = r * np + s * p, tr = r * p;
                for (int q = 0; q < p; q++) {
                    int o = t[tr + q];
                    if (o >= 0) dx[dst + o] += col[src + q];
                }
            }
        });
    }

    void col2im(double[] col, double[] dx) {
        int[] t = table();
        int k = k(), p = p(), np = n * p, chw = chw();
        forSamples(s -> {
            int dst = s * chw;
            for (int r = 0; r < k; r++) {
                int src = r * np + s * p, tr = r * p;
                for (int q = 0; q < p; q++) {
                    int o = t[tr + q];
                    if (o >= 0) dx[dst + o] += col[src + q];
                }
            }
        });
    }
}
