package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three grids are written, 4 rows of 12 digits, and the channel views colour rows 1-3 red, green, blue. */
class ImageTensorsTest {
    @Test void writesTheThreeGrids(@TempDir Path dir) throws Exception {
        String out = Console.run("images", "--out", dir.toString());
        assertThat(out).contains("digits: [48, 1, 28, 28]", "channels: [48, 3, 28, 28]");
        BufferedImage digits = ImageIO.read(dir.resolve("digits.png").toFile());
        BufferedImage transposed = ImageIO.read(dir.resolve("transposed.png").toFile());
        BufferedImage rgb = ImageIO.read(dir.resolve("channels.png").toFile());
        for (BufferedImage img : new BufferedImage[] {digits, transposed, rgb}) {
            assertThat(img.getWidth()).isEqualTo(12 * 30 + 2);
            assertThat(img.getHeight()).isEqualTo(4 * 30 + 2);
        }
        // the transposed grid shows each digit mirrored on its diagonal
        for (int i = 0; i < 28; i++) {
            for (int j = 0; j < 28; j++) {
                assertThat(transposed.getRaster().getSample(2 + j, 2 + i, 0)).isEqualTo(digits.getRaster().getSample(2 + i, 2 + j, 0));
            }
        }
        int[] sums = new int[12]; // per grid row, per channel
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                int p = rgb.getRGB(x, y), row = Math.min((y - 2) / 30, 3);
                if (y < 2) continue;
                sums[row * 3] += (p >> 16) & 255;
                sums[row * 3 + 1] += (p >> 8) & 255;
                sums[row * 3 + 2] += p & 255;
            }
        }
        assertThat(sums[0]).isPositive();
        assertThat(sums[1] + sums[2]).isZero();
        assertThat(sums[4]).isPositive();
        assertThat(sums[3] + sums[5]).isZero();
        assertThat(sums[8]).isPositive();
        assertThat(sums[6] + sums[7]).isZero();
        assertThat(sums[9]).isEqualTo(sums[10]).isEqualTo(sums[11]).isPositive();
    }
}
