package dev.nabla.examples;

import dev.nabla.api.DType;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.ImageGrid;
import dev.nabla.datasets.Mnist;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Images as tensors (course slide 1.5): 48 MNIST digits as one [48, 1, 28, 28] tensor saved as a 4×12 grid,
 * the same with every image transposed, and the same expanded to three channels where, through views,
 * row 1 keeps only red, row 2 only green, row 3 only blue (row 4 stays grey).
 * Writes digits.png, transposed.png and channels.png to out/images/ (or --out DIR).
 */
public final class ImageTensors {
    private ImageTensors() {}

    public static void main(String[] args) {
        Path out = Figures.args("images", args).only().out();
        Tensor x = Mnist.sample().data().narrow(0, 0, 48).to(DType.FLOAT32).div(255);   // [48, 1, 28, 28] in [0, 1]
        System.out.println("digits: " + x.shape() + ", mean " + fmt(x.mean().item()));

        Tensor transposed = x.transpose(2, 3);                                           // a view: rows become columns
        System.out.println("transposed: " + transposed.shape() + ", x[0, 0, 14, 10] = "
                + fmt(x.index("0, 0, 14, 10").item()) + " = transposed[0, 0, 10, 14] = " + fmt(transposed.index("0, 0, 10, 14").item()));

        Tensor rgb = x.expand(48, 3, 28, 28).clone();                                    // grey to three channels
        rgb.narrow(0, 0, 12).narrow(1, 1, 2).fill_(0);                                   // row 1: green and blue off
        rgb.narrow(0, 12, 12).narrow(1, 0, 1).fill_(0);                                  // row 2: red and blue off
        rgb.narrow(0, 12, 12).narrow(1, 2, 1).fill_(0);
        rgb.narrow(0, 24, 12).narrow(1, 0, 2).fill_(0);                                  // row 3: red and green off
        Tensor channelMeans = rgb.mean(new int[] {0, 2, 3}, false);
        System.out.println("channels: " + rgb.shape() + ", mean per channel " + channelMeans);

        save(x, out.resolve("digits.png"));
        save(transposed, out.resolve("transposed.png"));
        save(rgb, out.resolve("channels.png"));
    }

    private static void save(Tensor images, Path png) {
        try {
            ImageGrid.save(images, png, 12, 2, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("wrote " + png);
    }

    private static String fmt(double v) { return String.format(Locale.ROOT, "%.4f", v); }
}
