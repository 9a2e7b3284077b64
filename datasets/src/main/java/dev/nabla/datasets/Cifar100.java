package dev.nabla.datasets;

import dev.nabla.datasets.Download.Resource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * CIFAR-100 (50,000 train, 10,000 test, 32×32 RGB, 100 fine classes), as
 * {@code torchvision.datasets.CIFAR100}, read from the binary version's {@code train.bin} / {@code test.bin}
 * in {@code root/cifar-100-binary/} (or in {@code root} when it is that folder); the labels are the fine ones.
 *
 * <pre>{@code
 * var test = new Cifar100(Path.of("data"), false, new ToTensor(), true);
 * }</pre>
 */
public final class Cifar100 extends ImageDataset {
    public static final List<URI> MIRRORS = List.of(URI.create("https://www.cs.toronto.edu/~kriz/"));

    /** The publisher gives only an MD5 for this archive. */
    static final CifarFiles.Spec SPEC = new CifarFiles.Spec("Cifar100", "cifar-100-binary",
            new Resource("cifar-100-binary.tar.gz", null, "03b5dce01913d631647c71ecec9e9cb8", null),
            List.of("train.bin"), List.of("test.bin"), 2, 1, List.of(
                    "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle", "bottle",
                    "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle", "caterpillar", "cattle",
                    "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab", "crocodile", "cup", "dinosaur",
                    "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster", "house", "kangaroo", "keyboard",
                    "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man", "maple_tree", "motorcycle", "mountain",
                    "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear", "pickup_truck", "pine_tree",
                    "plain", "plate", "poppy", "porcupine", "possum", "rabbit", "raccoon", "ray", "road", "rocket",
                    "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail", "snake", "spider",
                    "squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank", "telephone", "television", "tiger", "tractor",
                    "train", "trout", "tulip", "turtle", "wardrobe", "whale", "willow_tree", "wolf", "woman", "worm"));

    public Cifar100(Path root, boolean train) throws IOException { this(root, train, null); }

    public Cifar100(Path root, boolean train, Transform transform) throws IOException { this(root, train, transform, false); }

    /** With {@code download}, the archive is fetched from {@link #MIRRORS}, verified and extracted. */
    public Cifar100(Path root, boolean train, Transform transform, boolean download) throws IOException {
        super(CifarFiles.load(SPEC, root, train, download, MIRRORS), transform);
    }

    /** A missing archive is fetched from {@code mirror} (a base URL), verified and extracted. */
    public Cifar100(Path root, boolean train, Transform transform, URI mirror) throws IOException {
        super(CifarFiles.load(SPEC, root, train, true, List.of(mirror)), transform);
    }
}
