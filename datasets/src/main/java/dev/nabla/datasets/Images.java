package dev.nabla.datasets;

import dev.nabla.api.Tensor;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Reads image files (PNG, JPEG, BMP, GIF: what {@code javax.imageio} reads) into tensors.
 *
 * <pre>{@code
 * Tensor img = Images.read(Path.of("digits.png"));   // [C, H, W] floats in [0, 1]
 * }</pre>
 */
public final class Images {
    private Images() {}

    /**
     * The image as a float32 tensor {@code [C, H, W]} in [0, 1]: C = 1 for grey, 3 for colour, 4 with an
     * alpha channel; palette images are expanded to RGB(A).
     */
    public static Tensor read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new java.io.FileNotFoundException("Images.read: " + file + " not found");
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) throw new IOException("Images.read: " + file + " is not an image format javax.imageio can read");
        int h = img.getHeight(), w = img.getWidth();
        boolean alpha = img.getColorModel().hasAlpha();
        if (img.getColorModel() instanceof IndexColorModel || img.getRaster().getNumBands() < img.getColorModel().getNumComponents()) {
            int c = alpha ? 4 : 3;
            float[] out = new float[c * h * w];
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    int argb = img.getRGB(j, i);
                    int p = i * w + j;
                    out[p] = ((argb >> 16) & 0xff) / 255f;
                    out[h * w + p] = ((argb >> 8) & 0xff) / 255f;
                    out[2 * h * w + p] = (argb & 0xff) / 255f;
                    if (alpha) out[3 * h * w + p] = (argb >>> 24) / 255f;
                }
            }
            return Collation.floats(out, c, h, w);
        }
        Raster r = img.getRaster();
        int c = r.getNumBands();
        float[] out = new float[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            float max = (1 << r.getSampleModel().getSampleSize(ch)) - 1;
            int[] samples = r.getSamples(0, 0, w, h, ch, (int[]) null);
            for (int p = 0; p < samples.length; p++) out[ch * h * w + p] = samples[p] / max;
        }
        return Collation.floats(out, c, h, w);
    }
}
