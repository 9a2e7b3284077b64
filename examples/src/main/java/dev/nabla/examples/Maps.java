package dev.nabla.examples;

import dev.nabla.api.Tensor;
import dev.nabla.datasets.ImageGrid;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The slides' 2-d panels (training points, votes, predictions of a two-class rule) as RGB images
 * {@code [3, size, size]} over the square [−half, half]², saved side by side as one PNG.
 *
 * <pre>{@code
 * Maps m = new Maps(3.5, 200);
 * Maps.save(List.of(m.points(x, y), m.votes(share)), out.resolve("knn-maps.png"), 2);
 * }</pre>
 */
final class Maps {
    private static final double[] BLUE = {0.25, 0.45, 0.95}, RED = {0.95, 0.3, 0.25};

    private final double half;
    private final int size;

    Maps(double half, int size) {
        this.half = half;
        this.size = size;
    }

    int size() { return size; }

    /** The centres of the size × size pixels as [size², 2] queries (row by row, y from top to bottom). */
    Tensor grid() {
        float[] q = new float[2 * size * size];
        for (int r = 0; r < size; r++) {
            for (int c = 0; c < size; c++) {
                q[2 * (r * size + c)] = (float) coordinate(c);
                q[2 * (r * size + c) + 1] = (float) -coordinate(r);
            }
        }
        return Tensor.of(q).view(size * size, 2);
    }

    private double coordinate(int pixel) { return -half + 2 * half * (pixel + 0.5) / size; }

    /** The share of class 1 per pixel ([size²] in [0, 1]) as a blend from blue (0) to red (1). */
    Tensor votes(double[] share) {
        float[] img = new float[3 * size * size];
        for (int p = 0; p < size * size; p++) {
            for (int ch = 0; ch < 3; ch++) img[ch * size * size + p] = (float) (BLUE[ch] + (RED[ch] - BLUE[ch]) * share[p]);
        }
        return Tensor.of(img).view(3, size, size);
    }

    /** The predicted class per pixel (share above ½ is class 1) in pale blue or pale red. */
    Tensor prediction(double[] share) {
        double[] c = Arrays.stream(share).map(s -> s > 0.5 ? 1 : 0).toArray();
        return votes(c).mul(0.6).add(0.4);
    }

    /** Points [n, 2] with labels 0 / 1 as 2 × 2 dots on white. */
    Tensor points(Tensor x, double[] y) {
        float[] img = new float[3 * size * size];
        Arrays.fill(img, 1f);
        float[] xy = x.toFloatArray();
        for (int i = 0; i < y.length; i++) {
            int c = (int) Math.floor((xy[2 * i] + half) / (2 * half) * size), r = (int) Math.floor((half - xy[2 * i + 1]) / (2 * half) * size);
            double[] colour = y[i] > 0.5 ? RED : BLUE;
            for (int dr = 0; dr < 2; dr++) {
                for (int dc = 0; dc < 2; dc++) {
                    int rr = r + dr, cc = c + dc;
                    if (rr < 0 || cc < 0 || rr >= size || cc >= size) continue;
                    for (int ch = 0; ch < 3; ch++) img[ch * size * size + rr * size + cc] = (float) colour[ch];
                }
            }
        }
        return Tensor.of(img).view(3, size, size);
    }

    /** The panels, {@code perRow} to a row, as one PNG. */
    static void save(List<Tensor> panels, Path png, int perRow) {
        try {
            ImageGrid.save(Tensor.stack(panels, 0), png, perRow, 4, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("wrote " + png);
    }

    /** How many horizontally neighbouring pixels of a map differ in class: the length of its decision boundary. */
    static int boundary(double[] share, int size) {
        int n = 0;
        for (int r = 0; r < size; r++) for (int c = 0; c + 1 < size; c++) if ((share[r * size + c] > 0.5) != (share[r * size + c + 1] > 0.5)) n++;
        return n;
    }
}
