package dev.nabla.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nabla.api.DType;
import dev.nabla.api.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDatasetsTest {
    @TempDir Path tmp;

    static long[] histogram(ImageDataset ds) {
        long[] h = new long[ds.classes().size()];
        for (int i = 0; i < ds.size(); i++) h[ds.label(i)]++;
        return h;
    }

    static long pixelSum(ImageDataset ds) {
        long s = 0;
        for (double v : ds.data().toDoubleArray()) s += (long) v;
        return s;
    }

    @Test void fashionMnistTrainIsTheRealData() throws IOException {
        TestData.file("fashion-mnist/train-images-idx3-ubyte.gz");
        var train = new FashionMnist(TestData.root(), true);
        assertThat(train.size()).isEqualTo(60_000);
        assertThat(train.imageShape()).containsExactly(1, 28, 28);
        assertThat(histogram(train)).containsOnly(6000L);
        assertThat(pixelSum(train)).isEqualTo(3_431_114_169L);
        assertThat(train.targets().sum().item()).isEqualTo(270_000.0);
        assertThat(train.label(0)).isEqualTo(9);
        assertThat(train.classes().get(9)).isEqualTo("Ankle boot");
        Sample s = train.get(123);
        assertThat(s.x().dtype()).isEqualTo(DType.UINT8);
        assertThat(s.x().sum().item()).isEqualTo(42_314.0);
        assertThat(s.y().dtype()).isEqualTo(DType.INT64);
    }

    @Test void fashionMnistTest() throws IOException {
        TestData.file("fashion-mnist/t10k-images-idx3-ubyte.gz");
        var test = new FashionMnist(TestData.root(), false, new ToTensor());
        assertThat(test.size()).isEqualTo(10_000);
        assertThat(histogram(test)).containsOnly(1000L);
        assertThat(pixelSum(test)).isEqualTo(573_469_082L);
        Tensor x = test.get(0).x();
        assertThat(x.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(x.max().item()).isLessThanOrEqualTo(1.0);
        assertThat(test.get(0).y().item()).isEqualTo(9.0);
    }

    @Test void mnistSampleIsTheBundledTenThousand() throws IOException {
        Mnist all = Mnist.sample();
        assertThat(all.size()).isEqualTo(10_000);
        assertThat(histogram(all)).containsExactly(1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978);
        assertThat(pixelSum(all)).isEqualTo(262_146_600L);
        Mnist train = Mnist.sample(true), test = Mnist.sample(false);
        assertThat(train.size()).isEqualTo(8_000);
        assertThat(test.size()).isEqualTo(2_000);
        assertThat(histogram(train)).containsExactly(799, 913, 801, 813, 781, 689, 809, 865, 747, 783);
        assertThat(test.label(0)).isEqualTo(all.label(8000));
        assertThat(train.get(0).x().dtype()).isEqualTo(DType.FLOAT32);
        // the bundled resource is the shared data's mnist-10k
        Idx.Data shared = Idx.read(TestData.file("mnist-10k/images-idx3-ubyte.gz"), 3);
        long sum = 0;
        for (byte b : shared.bytes()) sum += b & 0xff;
        assertThat(sum).isEqualTo(262_146_600L);
        assertThat(all.get(3).x().mul(255).toFloatArray()).usingComparatorWithPrecision(1e-3f).containsExactly(toFloats(shared.bytes(), 3 * 784, 784));
    }

    private static float[] toFloats(byte[] b, int from, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = b[from + i] & 0xff;
        return f;
    }

    @Test void readsUncompressedFilesToo() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("mnist"));
        writeIdx(dir.resolve("t10k-images-idx3-ubyte"), false, 0x803, new int[] {2, 2, 3}, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, (byte) 255});
        writeIdx(dir.resolve("t10k-labels-idx1-ubyte.gz"), true, 0x801, new int[] {2}, new byte[] {3, 7});
        var ds = new Mnist(tmp, false);
        assertThat(ds.size()).isEqualTo(2);
        assertThat(ds.imageShape()).containsExactly(1, 2, 3);
        assertThat(ds.get(1).x().toFloatArray()).containsExactly(6, 7, 8, 9, 10, 255);
        assertThat(ds.batch(new int[] {1, 0}).y().toLongArray()).containsExactly(7, 3);
    }

    @Test void badFilesNameTheFileAndTheProblem() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("kmnist"));
        Path images = dir.resolve("train-images-idx3-ubyte.gz"), labels = dir.resolve("train-labels-idx1-ubyte.gz");
        byte[] pixels = new byte[3 * 4 * 4];
        writeIdx(images, true, 0x801, new int[] {3, 4, 4}, pixels);
        writeIdx(labels, true, 0x801, new int[] {3}, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> new KMnist(tmp, true)).isInstanceOf(IOException.class)
                .hasMessageContaining(images.toString()).hasMessageContaining("wrong magic number 0x00000801, expected 0x00000803");

        writeIdx(images, true, 0x803, new int[] {3, 4, 4}, new byte[40]);
        assertThatThrownBy(() -> new KMnist(tmp, true)).hasMessageContaining(images.toString())
                .hasMessageContaining("truncated").hasMessageContaining("3×4×4 = 48 bytes").hasMessageContaining("only 40");

        byte[] gz = gzip(idx(0x803, new int[] {3, 4, 4}, pixels));
        Files.write(images, java.util.Arrays.copyOf(gz, gz.length - 12));
        assertThatThrownBy(() -> new KMnist(tmp, true)).hasMessageContaining(images.toString()).hasMessageContaining("truncated");

        writeIdx(images, true, 0x803, new int[] {3, 4, 4}, pixels);
        writeIdx(labels, true, 0x801, new int[] {2}, new byte[] {1, 2});
        assertThatThrownBy(() -> new KMnist(tmp, true)).hasMessageContaining("has 3 images but")
                .hasMessageContaining(labels.toString()).hasMessageContaining("has 2 labels");

        writeIdx(labels, true, 0x801, new int[] {3}, new byte[] {1, 12, 3});
        assertThatThrownBy(() -> new KMnist(tmp, true)).hasMessageContaining(labels.toString())
                .hasMessageContaining("label 12 of sample 1 is out of range 0..9");
    }

    @Test void missingFilesSayWhereToPutThemAndWhereToFetchThem() {
        assertThatThrownBy(() -> new FashionMnist(tmp, false)).isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining(tmp.resolve("fashion-mnist").resolve("t10k-images-idx3-ubyte.gz").toString())
                .hasMessageContaining("into " + tmp.resolve("fashion-mnist"))
                .hasMessageContaining("download = true")
                .hasMessageContaining("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/t10k-images-idx3-ubyte.gz");
    }

    /** The dataset's own folder works as well as its parent, and the advice for missing files never doubles a folder. */
    @Test void theDatasetsOwnFolderWorksAsWellAsItsParent() throws IOException {
        TestData.file("fashion-mnist/t10k-images-idx3-ubyte.gz");
        var own = new FashionMnist(TestData.root().resolve("fashion-mnist"), false);
        assertThat(own.size()).isEqualTo(10_000);
        assertThat(pixelSum(own)).isEqualTo(573_469_082L);

        Path renamed = Files.createDirectories(tmp.resolve("digits"));   // a folder of another name that holds the files
        writeIdx(renamed.resolve("t10k-images-idx3-ubyte.gz"), true, 0x803, new int[] {1, 2, 2}, new byte[] {1, 2, 3, 4});
        writeIdx(renamed.resolve("t10k-labels-idx1-ubyte"), false, 0x801, new int[] {1}, new byte[] {7});
        var ds = new Mnist(renamed, false);
        assertThat(ds.size()).isEqualTo(1);
        assertThat(ds.label(0)).isEqualTo(7);

        String doubled = "fashion-mnist" + java.io.File.separator + "fashion-mnist";
        Path missing = tmp.resolve("fashion-mnist");
        for (int k = 0; k < 2; k++) {   // the folder absent, then present and empty
            assertThatThrownBy(() -> new FashionMnist(missing, false)).isInstanceOf(FileNotFoundException.class)
                    .hasMessageContaining("Put t10k-images-idx3-ubyte.gz (or its uncompressed form) into " + missing + ",")
                    .hasMessageNotContaining(doubled);
            Files.createDirectories(missing);
        }
        assertThatThrownBy(() -> new FashionMnist(tmp.resolve("data"), false)).isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining("into " + tmp.resolve("data").resolve("fashion-mnist") + ",");
    }

    static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) out.writeInt(d);
        out.write(data);
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    static void writeIdx(Path file, boolean gz, int magic, int[] dims, byte[] data) throws IOException {
        byte[] b = idx(magic, dims, data);
        Files.write(file, gz ? gzip(b) : b);
    }
}
