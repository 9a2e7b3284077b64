package dev.nabla.datasets;

import static dev.nabla.datasets.IdxDatasetsTest.gzip;
import static dev.nabla.datasets.IdxDatasetsTest.idx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nabla.api.DType;
import dev.nabla.api.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader: gzip integrity (CRC-32, length, trailing data), declared sizes, and the public {@link Idx#read(Path)}. */
class IdxTest {
    @TempDir Path tmp;

    /** The first 200 Fashion-MNIST test images as an IDX file, and gzipped. */
    static byte[] plain, gz;

    @BeforeAll static void realData() throws IOException {
        Idx.Data all = Idx.read(TestData.file("fashion-mnist/t10k-images-idx3-ubyte.gz"), 3);
        plain = idx(0x803, new int[] {200, 28, 28}, Arrays.copyOf(all.bytes(), 200 * 784));
        gz = gzip(plain);
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(tmp.resolve(name), content);
    }

    @Test void readsTheRealDataGzippedAndPlain() throws IOException {
        Idx.Data a = Idx.read(write("a-idx3-ubyte.gz", gz), 3), b = Idx.read(write("a-idx3-ubyte", plain), 3);
        assertThat(a.dims()).containsExactly(200, 28, 28);
        assertThat(a.bytes()).isEqualTo(b.bytes()).isEqualTo(Arrays.copyOfRange(plain, 16, plain.length));
    }

    @Test void corruptCrcTrailerIsRejected() throws IOException {
        byte[] bad = gz.clone();
        bad[bad.length - 8] ^= 1;   // the first byte of the CRC-32
        Path f = write("crc-idx3-ubyte.gz", bad);
        assertThatThrownBy(() -> Idx.read(f, 3)).isInstanceOf(IOException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("CRC");
    }

    @Test void wrongLengthTrailerIsRejected() throws IOException {
        byte[] bad = gz.clone();
        bad[bad.length - 4] ^= 1;   // the first byte of ISIZE
        Path f = write("isize-idx3-ubyte.gz", bad);
        assertThatThrownBy(() -> Idx.read(f, 3)).isInstanceOf(IOException.class).hasMessageContaining(f.toString());
    }

    /**
     * Every single flipped bit inside the deflate data is an error, never wrong pixels; among the flips tried are
     * some that inflate without complaint to the full declared length with wrong bytes (which only the CRC catches).
     */
    @Test void flippedBitsInTheDeflateDataAreRejected() throws IOException {
        int silent = 0;
        Path f = tmp.resolve("flip-idx3-ubyte.gz");
        for (int k = 0; k < 64; k++) {
            int pos = 20 + (int) ((long) k * (gz.length - 40) / 64);
            byte[] bad = gz.clone();
            bad[pos] ^= (byte) (1 << (k % 8));
            if (inflatesWithWrongBytes(bad)) silent++;
            Files.write(f, bad);
            assertThatThrownBy(() -> Idx.read(f, 3)).as("bit %d of byte %d", k % 8, pos)
                    .isInstanceOf(IOException.class).hasMessageContaining(f.toString());
        }
        assertThat(silent).as("flips that inflate to the declared length with wrong bytes").isGreaterThan(0);
    }

    /** True if the raw deflate data of a single-member gzip with a 10-byte header inflates to plain's length but differs. */
    private static boolean inflatesWithWrongBytes(byte[] gzBytes) {
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(gzBytes, 10, gzBytes.length - 10);
            byte[] out = new byte[plain.length];
            int n = 0;
            while (n < out.length) {
                int k = inf.inflate(out, n, out.length - n);
                if (k == 0 && (inf.finished() || inf.needsInput() || inf.needsDictionary())) break;
                n += k;
            }
            return n == out.length && !Arrays.equals(out, plain);
        } catch (DataFormatException e) {
            return false;
        } finally {
            inf.end();
        }
    }

    @Test void trailingGarbageAfterTheGzipMemberIsRejected() throws IOException {
        byte[] bad = Arrays.copyOf(gz, gz.length + 5);
        System.arraycopy(new byte[] {'j', 'u', 'n', 'k', '\n'}, 0, bad, gz.length, 5);
        Path f = write("trailing-idx3-ubyte.gz", bad);
        assertThatThrownBy(() -> Idx.read(f, 3)).isInstanceOf(IOException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("after");
    }

    @Test void dataBeyondTheDeclaredSizeIsRejected() throws IOException {
        byte[] longer = Arrays.copyOf(plain, plain.length + 784);
        Path p = write("long-idx3-ubyte", longer), g = write("long-idx3-ubyte.gz", gzip(longer));
        for (Path f : new Path[] {p, g}) {
            assertThatThrownBy(() -> Idx.read(f, 3)).isInstanceOf(IOException.class)
                    .hasMessageContaining(f.toString()).hasMessageContaining("more data than the header declares");
        }
    }

    /** Python's gzip reads concatenated members as one stream; so does the reader (each member checked). */
    @Test void concatenatedMembersAreOneStream() throws IOException {
        int cut = 16 + 77 * 784 + 5;
        byte[] a = gzip(Arrays.copyOfRange(plain, 0, cut)), b = gzip(Arrays.copyOfRange(plain, cut, plain.length));
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        assertThat(Idx.read(write("two-idx3-ubyte.gz", both), 3).bytes()).isEqualTo(Arrays.copyOfRange(plain, 16, plain.length));
        byte[] badSecond = both.clone();
        badSecond[badSecond.length - 8] ^= 1;
        Path f = write("two-bad-idx3-ubyte.gz", badSecond);
        assertThatThrownBy(() -> Idx.read(f, 3)).isInstanceOf(IOException.class).hasMessageContaining("CRC");
    }

    /**
     * A header claiming 2,551,020 images (2.0 GB) over a stream of 200 fails at the stream's end, having
     * allocated about what the stream holds, not the declared size.
     */
    @Test void headerClaimingFarMoreImagesThanTheStreamHoldsFailsWithoutBufferingTheClaim() throws IOException {
        byte[] lie = plain.clone();
        byte[] count = {0x00, 0x26, (byte) 0xEC, (byte) 0xEC};   // 2,551,020
        System.arraycopy(count, 0, lie, 4, 4);
        Path p = write("lie-idx3-ubyte", lie), g = write("lie-idx3-ubyte.gz", gzip(lie));
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        for (Path f : new Path[] {p, g}) {
            long before = threads.getThreadAllocatedBytes(self);
            assertThatThrownBy(() -> Idx.read(f, 3)).isInstanceOf(IOException.class)
                    .hasMessageContaining(f.toString()).hasMessageContaining("truncated")
                    .hasMessageContaining("2551020×28×28 = 1999999680 bytes");
            long allocated = threads.getThreadAllocatedBytes(self) - before;
            assertThat(allocated).as("bytes allocated reading %s", f.getFileName()).isLessThan(32L << 20);
        }
    }

    @Test void aDirectoryWhereTheFileShouldBeIsSaidSo() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("t10k-images-idx3-ubyte.gz"));
        assertThatThrownBy(() -> Idx.read(d)).isInstanceOf(IOException.class)
                .hasMessageContaining(d.toString()).hasMessageContaining("is a directory");
        Path kmnist = Files.createDirectories(tmp.resolve("kmnist"));
        Files.createDirectories(kmnist.resolve("t10k-images-idx3-ubyte.gz"));
        assertThatThrownBy(() -> new KMnist(tmp, false)).isInstanceOf(IOException.class)
                .hasMessageContaining(kmnist.resolve("t10k-images-idx3-ubyte.gz") + " is a directory")
                .hasMessageNotContaining("not found");
        Path cifar = Files.createDirectories(tmp.resolve("cifar-10-batches-bin").resolve("test_batch.bin"));
        assertThatThrownBy(() -> new Cifar10(tmp, false)).isInstanceOf(IOException.class)
                .hasMessageContaining(cifar + " is a directory").hasMessageNotContaining("not found");
    }

    @Test void publicReadGivesATensorOfTheFilesTypeAndShape() throws IOException {
        Tensor images = Idx.read(write("i-idx3-ubyte.gz", gz));
        assertThat(images.dtype()).isEqualTo(DType.UINT8);
        assertThat(images.shape().toArray()).containsExactly(200, 28, 28);
        float[] expected = new float[200 * 784];
        for (int i = 0; i < expected.length; i++) expected[i] = plain[16 + i] & 0xff;
        assertThat(images.toFloatArray()).containsExactly(expected);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x0d02);   // float32, 2 dimensions
        out.writeInt(2);
        out.writeInt(3);
        for (float v : new float[] {1.5f, -2f, 0f, 3.25f, 1e-3f, -7f}) out.writeFloat(v);
        Tensor floats = Idx.read(write("f.idx", bytes.toByteArray()));
        assertThat(floats.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(floats.shape().toArray()).containsExactly(2, 3);
        assertThat(floats.toFloatArray()).containsExactly(1.5f, -2f, 0f, 3.25f, 1e-3f, -7f);

        bytes.reset();
        out.writeInt(0x0b01);   // int16, 1 dimension
        out.writeInt(3);
        for (int v : new int[] {-300, 7, 32767}) out.writeShort(v);
        Tensor shorts = Idx.read(write("s.idx.gz", gzip(bytes.toByteArray())));
        assertThat(shorts.dtype()).isEqualTo(DType.INT16);
        assertThat(shorts.toFloatArray()).containsExactly(-300, 7, 32767);

        bytes.reset();
        out.writeInt(0x0c01);   // int32
        out.writeInt(2);
        out.writeInt(-70000);
        out.writeInt(123456789);
        assertThat(Idx.read(write("i.idx", bytes.toByteArray())).toLongArray()).containsExactly(-70000, 123456789);

        bytes.reset();
        out.writeInt(0x0e01);   // float64
        out.writeInt(1);
        out.writeDouble(Math.PI);
        Tensor doubles = Idx.read(write("d.idx", bytes.toByteArray()));
        assertThat(doubles.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(doubles.toDoubleArray()).containsExactly(Math.PI);

        bytes.reset();
        out.writeInt(0x0901);   // int8
        out.writeInt(2);
        out.write(new byte[] {-5, 100});
        assertThat(Idx.read(write("b.idx", bytes.toByteArray())).toFloatArray()).containsExactly(-5, 100);

        Path bad = write("bad.idx", new byte[] {0, 0, 0x0a, 1, 0, 0, 0, 1, 0});
        assertThatThrownBy(() -> Idx.read(bad)).isInstanceOf(IOException.class).hasMessageContaining(bad.toString())
                .hasMessageContaining("type code 0x0a");
    }
}
