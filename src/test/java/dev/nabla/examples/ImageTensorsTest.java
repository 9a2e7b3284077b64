package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slide's CIFAR session on the bundled MNIST sample (no CIFAR-10 under the empty data folder): 4 rows of 12,
 * transpose_ mirrors every image on its diagonal in place, and the narrowed fill_ leaves only the red channel.
 */
class ImageTensorsTest {
    @Test void theSlidesSessionOnMnist(@TempDir Path data, @TempDir Path dir) throws Exception {
        String out = Console.run("images", "--data", data.toString(), "--out", dir.toString());
        assertThat(out).contains("the bundled MNIST sample", "torch.FloatTensor torch.Size([10000, 3, 28, 28]) 0.0 1.0",
                "slide (line 1155): torch.FloatTensor torch.Size([50000, 3, 32, 32]) 0.0 1.0");
        BufferedImage grid = ImageIO.read(dir.resolve("mnist-4x12.png").toFile());
        BufferedImage rotated = ImageIO.read(dir.resolve("mnist-4x12-rotated.png").toFile());
        BufferedImage red = ImageIO.read(dir.resolve("mnist-4x12-rotated-and-red.png").toFile());
        for (BufferedImage img : new BufferedImage[] {grid, rotated, red}) {
            assertThat(img.getWidth()).isEqualTo(12 * 30 + 2);
            assertThat(img.getHeight()).isEqualTo(4 * 30 + 2);
        }
        long ink = 0, other = 0;
        for (int cell = 0; cell < 48; cell++) {
            int x0 = 2 + 30 * (cell % 12), y0 = 2 + 30 * (cell / 12);
            for (int i = 0; i < 28; i++) {
                for (int j = 0; j < 28; j++) {
                    int p = grid.getRGB(x0 + j, y0 + i), t = rotated.getRGB(x0 + i, y0 + j), r = red.getRGB(x0 + i, y0 + j);
                    assertThat(t).isEqualTo(p);                                       // rotated[j, i] = grid[i, j]
                    assertThat((r >> 16) & 255).isEqualTo((t >> 16) & 255);           // red kept
                    ink += (r >> 16) & 255;
                    other += ((r >> 8) & 255) + (r & 255);                            // green and blue killed
                }
            }
        }
        assertThat(ink).isPositive();
        assertThat(other).isZero();
    }
}
