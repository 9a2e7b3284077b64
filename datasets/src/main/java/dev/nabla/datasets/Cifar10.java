package dev.nabla.datasets;

import dev.nabla.datasets.Download.Resource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * CIFAR-10 (50,000 train, 10,000 test, 32×32 RGB, 10 classes), as {@code torchvision.datasets.CIFAR10},
 * read from the binary version's files in {@code root/cifar-10-batches-bin/} (or in {@code root} when it is that folder)
 * ({@code data_batch_1.bin} … {@code data_batch_5.bin}, {@code test_batch.bin}).
 *
 * <pre>{@code
 * var train = new Cifar10(Path.of("data"), true, new Compose(new RandomCrop(32, 4), new RandomHorizontalFlip(),
 *         new ToTensor(), new Normalize(new double[] {0.4914, 0.4822, 0.4465}, new double[] {0.2470, 0.2435, 0.2616})), true);
 * }</pre>
 */
public final class Cifar10 extends ImageDataset {
    public static final List<URI> MIRRORS = List.of(URI.create("https://www.cs.toronto.edu/~kriz/"));

    static final CifarFiles.Spec SPEC = new CifarFiles.Spec("Cifar10", "cifar-10-batches-bin",
            Resource.sha256("cifar-10-binary.tar.gz", "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd", null),
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"),
            List.of("test_batch.bin"), 1, 0,
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"));

    public Cifar10(Path root, boolean train) throws IOException { this(root, train, null); }

    public Cifar10(Path root, boolean train, Transform transform) throws IOException { this(root, train, transform, false); }

    /** With {@code download}, the archive is fetched from {@link #MIRRORS}, verified and extracted. */
    public Cifar10(Path root, boolean train, Transform transform, boolean download) throws IOException {
        super(CifarFiles.load(SPEC, root, train, download, MIRRORS), transform);
    }

    /** A missing archive is fetched from {@code mirror} (a base URL), verified and extracted. */
    public Cifar10(Path root, boolean train, Transform transform, URI mirror) throws IOException {
        super(CifarFiles.load(SPEC, root, train, true, List.of(mirror)), transform);
    }
}
