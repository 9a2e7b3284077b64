package dev.nabla.datasets;

import dev.nabla.datasets.Download.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The MNIST handwritten digits (60,000 train, 10,000 test, 28×28 grey, 10 classes), as
 * {@code torchvision.datasets.MNIST}, read from the IDX files in {@code root/mnist/} (gzipped or not; {@code root}
 * may also be that folder itself).
 * {@link #sample()} is a real sample of 10,000 digits bundled with the library.
 *
 * <pre>{@code
 * var train = Mnist.sample(true);                                  // 8,000 digits, floats in [0, 1]
 * var full = new Mnist(Path.of("data"), true, new ToTensor(), true); // downloads into data/mnist/
 * }</pre>
 */
public final class Mnist extends ImageDataset {
    /** Where the files are fetched from, in order. */
    public static final List<URI> MIRRORS = List.of(
            URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"), URI.create("http://yann.lecun.com/exdb/mnist/"));

    static final IdxFiles.Spec SPEC = new IdxFiles.Spec("Mnist", "mnist", MIRRORS,
            Resource.sha256("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                    "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            Resource.sha256("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                    "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            Resource.sha256("t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            Resource.sha256("t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
                    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
            List.of("0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven",
                    "8 - eight", "9 - nine"));

    /** The number of bundled digits, and how many of them {@code sample(true)} gives. */
    public static final int SAMPLE_SIZE = 10_000, SAMPLE_TRAIN = 8_000;

    public Mnist(Path root, boolean train) throws IOException { this(root, train, null); }

    public Mnist(Path root, boolean train, Transform transform) throws IOException { this(root, train, transform, false); }

    /** With {@code download}, missing files are fetched from {@link #MIRRORS} and verified. */
    public Mnist(Path root, boolean train, Transform transform, boolean download) throws IOException {
        super(IdxFiles.load(SPEC, root, train, download, MIRRORS), transform);
    }

    /** Missing files are fetched from {@code mirror} (a base URL) and verified. */
    public Mnist(Path root, boolean train, Transform transform, URI mirror) throws IOException {
        super(IdxFiles.load(SPEC, root, train, true, List.of(mirror)), transform);
    }

    private Mnist(Raw raw, Transform transform) { super(raw, transform); }

    /** The 10,000 bundled digits (about 1,000 per class, shuffled), as floats in [0, 1]. */
    public static Mnist sample() { return new Mnist(SampleHolder.RAW, new ToTensor()); }

    /** The first 8,000 bundled digits ({@code train}) or the last 2,000, as floats in [0, 1]. */
    public static Mnist sample(boolean train) { return sample(train, new ToTensor()); }

    /** The first 8,000 bundled digits ({@code train}) or the last 2,000, through {@code transform}. */
    public static Mnist sample(boolean train, Transform transform) {
        Raw all = SampleHolder.RAW;
        return new Mnist(train ? all.slice(0, SAMPLE_TRAIN) : all.slice(SAMPLE_TRAIN, SAMPLE_SIZE), transform);
    }

    /** The bundled sample, read once. */
    private static final class SampleHolder {
        static final Raw RAW = read();

        private static Raw read() {
            String dir = "mnist-10k/";
            try (InputStream images = resource(dir + "images-idx3-ubyte.gz");
                 InputStream labels = resource(dir + "labels-idx1-ubyte.gz")) {
                return fromIdx(Idx.read(images, "images-idx3-ubyte.gz (bundled)", 3), "images-idx3-ubyte.gz (bundled)",
                        Idx.read(labels, "labels-idx1-ubyte.gz (bundled)", 1), "labels-idx1-ubyte.gz (bundled)", SPEC.classes());
            } catch (IOException e) {
                throw new UncheckedIOException("Mnist.sample: the bundled digits are unreadable", e);
            }
        }

        private static InputStream resource(String name) throws IOException {
            InputStream in = Mnist.class.getResourceAsStream(name);
            if (in == null) throw new IOException("resource dev/nabla/datasets/" + name + " is missing from the classpath");
            return in;
        }
    }
}
