package dev.nabla.datasets;

import dev.nabla.datasets.Download.Resource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Kuzushiji-MNIST, cursive Japanese characters (60,000 train, 10,000 test, 28×28 grey, 10 classes), as
 * {@code torchvision.datasets.KMNIST}, read from the IDX files in {@code root/kmnist/} ({@code root} may also be
 * that folder itself).
 *
 * <pre>{@code
 * var train = new KMnist(Path.of("data"), true, new ToTensor(), true);
 * }</pre>
 */
public final class KMnist extends ImageDataset {
    public static final List<URI> MIRRORS = List.of(URI.create("http://codh.rois.ac.jp/kmnist/dataset/kmnist/"));

    static final IdxFiles.Spec SPEC = new IdxFiles.Spec("KMnist", "kmnist", MIRRORS,
            Resource.sha256("train-images-idx3-ubyte.gz", "51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4", null),
            Resource.sha256("train-labels-idx1-ubyte.gz", "e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17", null),
            Resource.sha256("t10k-images-idx3-ubyte.gz", "edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5", null),
            Resource.sha256("t10k-labels-idx1-ubyte.gz", "20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c", null),
            List.of("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"));

    public KMnist(Path root, boolean train) throws IOException { this(root, train, null); }

    public KMnist(Path root, boolean train, Transform transform) throws IOException { this(root, train, transform, false); }

    /** With {@code download}, missing files are fetched from {@link #MIRRORS} and verified. */
    public KMnist(Path root, boolean train, Transform transform, boolean download) throws IOException {
        super(IdxFiles.load(SPEC, root, train, download, MIRRORS), transform);
    }

    /** Missing files are fetched from {@code mirror} (a base URL) and verified. */
    public KMnist(Path root, boolean train, Transform transform, URI mirror) throws IOException {
        super(IdxFiles.load(SPEC, root, train, true, List.of(mirror)), transform);
    }
}
