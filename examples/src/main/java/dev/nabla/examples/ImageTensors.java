package dev.nabla.examples;

import dev.nabla.api.DType;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.Cifar10;
import dev.nabla.datasets.ImageGrid;
import dev.nabla.datasets.Mnist;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Images as tensors (slide 1.5), the slide's CIFAR session: the training images as one float tensor in [0, 1],
 * the first 48 saved as a 4×12 grid, then {@code x.transpose_(2, 3)} (rows and columns swapped in place) saved
 * again, then {@code x.narrow(1, 1, 2).fill_(0)} (green and blue killed through a view) saved a third time.
 * On CIFAR-10 when its binary files are under {@code --data DIR} ({@code DIR/cifar-10-batches-bin/}, by default
 * ../shared/data); otherwise on the bundled MNIST sample, grey expanded to three channels, and it says so.
 * Writes cifar-4x12.png, cifar-4x12-rotated.png, cifar-4x12-rotated-and-red.png (mnist-… on MNIST) to
 * out/images/ (or --out DIR).
 */
public final class ImageTensors {
    private ImageTensors() {}

    /** What was shown and where: the dataset's name ("cifar" or "mnist") and the three PNGs. */
    record Result(String name, Path grid, Path rotated, Path red) {}

    public static void main(String[] args) {
        Figures.Args a = Figures.args("images", args).only("--data");
        run(Path.of(a.text("--data", "../shared/data")), a.out());
    }

    static Result run(Path data, Path out) {
        String name;
        Tensor x;
        if (Files.isDirectory(data.resolve("cifar-10-batches-bin"))) {
            name = "cifar";
            try {
                x = new Cifar10(data, true).data();
            } catch (IOException e) {
                throw new UncheckedIOException("images: cannot read CIFAR-10 under " + data, e);
            }
            System.out.println("CIFAR-10 from " + data.resolve("cifar-10-batches-bin") + "; Nabla's reader gives [N, 3, 32, 32] "
                    + "directly (torchvision's train_data is [N, 32, 32, 3], hence the slide's transpose(1, 3).transpose(2, 3))");
            x = x.to(DType.FLOAT32);
        } else {
            name = "mnist";
            System.out.println("CIFAR-10 is not under " + data.resolve("cifar-10-batches-bin") + " (it cannot be fetched here): the bundled "
                    + "MNIST sample (10,000 real digits) instead, grey expanded to three channels");
            Tensor grey = Mnist.sample().data();
            x = grey.expand(grey.size(0), 3, grey.size(2), grey.size(3)).to(DType.FLOAT32);
        }
        x = x.div(255);
        System.out.println(">>> print(x.type(), x.size(), x.min().item(), x.max().item())");
        System.out.printf(Locale.ROOT, "%s torch.Size(%s) %s %s%n", type(x), x.shape(), x.min().item(), x.max().item());
        System.out.println("slide (line 1155): torch.FloatTensor torch.Size([50000, 3, 32, 32]) 0.0 1.0");

        x = x.narrow(0, 0, 48).clone();                              // narrows to the first images (a copy: the rest can go)
        Path grid = save(x, out.resolve(name + "-4x12.png"));
        x.transpose_(2, 3);                                          // switches the row and column indexes
        Path rotated = save(x, out.resolve(name + "-4x12-rotated.png"));
        x.narrow(1, 1, 2).fill_(0);                                  // kills the green and blue channels
        Path red = save(x, out.resolve(name + "-4x12-rotated-and-red.png"));
        return new Result(name, grid, rotated, red);
    }

    /** As PyTorch's {@code x.type()}. */
    private static String type(Tensor x) {
        return switch (x.dtype()) {
            case FLOAT32 -> "torch.FloatTensor";
            case FLOAT64 -> "torch.DoubleTensor";
            default -> x.dtype().toString();
        };
    }

    private static Path save(Tensor images, Path png) {
        try {
            ImageGrid.save(images, png, 12, 2, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("wrote " + png);
        return png;
    }
}
