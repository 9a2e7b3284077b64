package dev.nabla.datasets;

import dev.nabla.datasets.Download.Resource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST, Zalando's clothing images (60,000 train, 10,000 test, 28×28 grey, 10 classes), as
 * {@code torchvision.datasets.FashionMNIST}, read from the IDX files in {@code root/fashion-mnist/} ({@code root} may
 * also be that folder itself).
 *
 * <pre>{@code
 * var train = new FashionMnist(Path.of("../shared/data"), true, new Compose(new ToTensor(), new Normalize(0.2860, 0.3530)));
 * }</pre>
 */
public final class FashionMnist extends ImageDataset {
    public static final List<URI> MIRRORS = List.of(URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"));

    static final IdxFiles.Spec SPEC = new IdxFiles.Spec("FashionMnist", "fashion-mnist", MIRRORS,
            Resource.sha256("train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                    "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
            Resource.sha256("train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
                    "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
            Resource.sha256("t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
                    "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
            Resource.sha256("t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
                    "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
            List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"));

    public FashionMnist(Path root, boolean train) throws IOException { this(root, train, null); }

    public FashionMnist(Path root, boolean train, Transform transform) throws IOException { this(root, train, transform, false); }

    /** With {@code download}, missing files are fetched from {@link #MIRRORS} and verified. */
    public FashionMnist(Path root, boolean train, Transform transform, boolean download) throws IOException {
        super(IdxFiles.load(SPEC, root, train, download, MIRRORS), transform);
    }

    /** Missing files are fetched from {@code mirror} (a base URL) and verified. */
    public FashionMnist(Path root, boolean train, Transform transform, URI mirror) throws IOException {
        super(IdxFiles.load(SPEC, root, train, true, List.of(mirror)), transform);
    }
}
