package dev.nabla.datasets;

import dev.nabla.api.AtomicFile;
import dev.nabla.api.Tensor;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * Saves a batch of images as one PNG grid, as torchvision's {@code save_image} / {@code make_grid}.
 *
 * <pre>{@code
 * ImageGrid.save(batch.x().narrow(0, 0, 48), Path.of("digits.png"), 12, 2, true);   // 4 rows of 12
 * }</pre>
 */
public final class ImageGrid {
    private ImageGrid() {}

    /**
     * Writes {@code images} ({@code [B, C, H, W]}, or one {@code [C, H, W]}; C = 1 for grey, 3 for RGB) as a
     * grid of {@code nrow} images per row, {@code padding} black pixels around and between them. Values are
     * taken in [0, 1] (clamped), or with {@code normalize} shifted and scaled from the batch's [min, max].
     * Written to a temporary file, then moved to {@code png}.
     */
    public static void save(Tensor images, Path png, int nrow, int padding, boolean normalize) throws IOException {
        write(grid(images, nrow, padding, normalize), png);
    }

    /** {@link #save(Tensor, Path, int, int, boolean)} with 8 per row, padding 2, no normalisation. */
    public static void save(Tensor images, Path png) throws IOException { save(images, png, 8, 2, false); }

    /** The grid as an image (grey for one channel, RGB for three), as {@code make_grid}. */
    public static BufferedImage grid(Tensor images, int nrow, int padding, boolean normalize) {
        if (images.dim() == 3) images = images.unsqueeze(0);
        if (images.dim() != 4 || (images.size(1) != 1 && images.size(1) != 3)) {
            throw new IllegalArgumentException("ImageGrid: expected images [B, C, H, W] or [C, H, W] with C = 1 or 3, got "
                    + images.shape());
        }
        if (nrow < 1 || padding < 0) {
            throw new IllegalArgumentException("ImageGrid: expected nrow >= 1 and padding >= 0, got nrow " + nrow + ", padding " + padding);
        }
        int b = (int) images.size(0), c = (int) images.size(1), h = (int) images.size(2), w = (int) images.size(3);
        if (b == 0) throw new IllegalArgumentException("ImageGrid: no images to save");
        float[] v = images.detach().toFloatArray();
        if (normalize) {
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (float x : v) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
            float range = Math.max(hi - lo, 1e-5f);
            for (int i = 0; i < v.length; i++) v[i] = (v[i] - lo) / range;
        }
        if (b == 1) padding = 0; // as make_grid: a single image is returned as it is
        int cols = Math.min(nrow, b), rows = (b + cols - 1) / cols;
        int cellH = h + padding, cellW = w + padding;
        int gh = rows * cellH + padding, gw = cols * cellW + padding;
        BufferedImage img = new BufferedImage(gw, gh, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        WritableRaster raster = img.getRaster();
        int[] px = new int[c == 1 ? 1 : 3];
        for (int k = 0; k < b; k++) {
            int y0 = (k / cols) * cellH + padding, x0 = (k % cols) * cellW + padding;
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    for (int ch = 0; ch < c; ch++) px[ch] = toByte(v[((k * c + ch) * h + i) * w + j]);
                    raster.setPixel(x0 + j, y0 + i, px);
                }
            }
        }
        return img;
    }

    /** As {@code save_image}: {@code clamp(v · 255 + 0.5, 0, 255)} truncated to a byte. */
    static int toByte(float v) {
        float s = v * 255f + 0.5f;
        return s <= 0 || Float.isNaN(s) ? 0 : s >= 255 ? 255 : (int) s;
    }

    static void write(BufferedImage img, Path png) throws IOException {
        AtomicFile.write(png, tmp -> {
            if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException("ImageGrid: no PNG writer in this JDK");
        });
    }
}
