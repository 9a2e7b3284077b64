package dev.nabla.datasets;

import dev.nabla.api.Shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nabla.api.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The course's slide: 48 digits as a 4×12 grid, transposed in place, two channels zeroed through a view. */
class ImageGridTest {
    @TempDir Path tmp;

    private static Tensor digits48() {
        return new DataLoader<>(Mnist.sample(), 48).iterator().next().x(); // [48, 1, 28, 28] in [0, 1]
    }

    /** Asserts the grid image holds image k of {@code x} ([B, C, H, W]) at row k / 12, column k % 12. */
    private static void assertGrid(Tensor grid, Tensor x, int padding) {
        int b = (int) x.size(0), c = (int) x.size(1), h = (int) x.size(2), w = (int) x.size(3);
        assertThat(grid.shape()).isEqualTo(Shape.of(c, 4 * (h + padding) + padding, 12 * (w + padding) + padding));
        float[] g = grid.toFloatArray(), v = x.toFloatArray();
        int gh = (int) grid.size(1), gw = (int) grid.size(2);
        for (int k = 0; k < b; k++) {
            int y0 = (k / 12) * (h + padding) + padding, x0 = (k % 12) * (w + padding) + padding;
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        float expected = ImageGrid.toByte(v[((k * c + ch) * h + i) * w + j]) / 255f;
                        assertThat(g[(ch * gh + y0 + i) * gw + x0 + j]).isEqualTo(expected);
                    }
                }
            }
        }
        for (int ch = 0; ch < c; ch++) for (int j = 0; j < gw; j++) assertThat(g[ch * gh * gw + j]).isZero(); // top padding
    }

    @Test void greyGridOf48Digits() throws IOException {
        Tensor x = digits48();
        Path png = tmp.resolve("digits.png");
        ImageGrid.save(x, png, 12, 2, false);
        Tensor back = Images.read(png);
        assertGrid(back, x, 2);
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.toList()).containsExactly(png); // no temporary file left
        }
        copyForViewing(png, "mnist-48-grey.png");
    }

    @Test void transposedViewsAndZeroedChannelsInRgb() throws IOException {
        Tensor x = digits48().expand(48, 3, 28, 28).clone();
        x.narrow(1, 1, 2).fill_(0);          // zero green and blue through a view: red digits
        Tensor t = x.transpose(2, 3);       // rows and columns swapped, a view
        Path png = tmp.resolve("red-transposed.png");
        ImageGrid.save(t, png, 12, 2, false);
        Tensor back = Images.read(png);
        assertThat(back.size(0)).isEqualTo(3);
        assertGrid(back, t.contiguous(), 2);
        assertThat(back.narrow(0, 1, 2).sum().item()).isZero();
        copyForViewing(png, "mnist-48-red-transposed.png");
    }

    @Test void normalizeStretchesToTheFullRange() throws IOException {
        Tensor x = Tensor.of(new float[] {-1, 0, 1, 3}).reshape(1, 1, 2, 2);
        Path png = tmp.resolve("n.png");
        ImageGrid.save(x, png, 8, 2, true);
        Tensor back = Images.read(png);
        assertThat(back.shape()).isEqualTo(Shape.of(1, 2, 2)); // one image: no padding, as make_grid
        assertThat(back.mul(255).toFloatArray()).containsExactly(0, 64, 128, 255);
        assertThatThrownBy(() -> ImageGrid.save(Tensor.zeros(2, 2, 4, 4), png)).hasMessageContaining("C = 1 or 3");
    }

    /** Keeps a copy under target/png for a person to look at. */
    private static void copyForViewing(Path png, String name) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "png"));
        Files.copy(png, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
