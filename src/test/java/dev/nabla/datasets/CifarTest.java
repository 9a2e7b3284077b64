package dev.nabla.datasets;

import dev.nabla.api.Shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.nabla.api.DType;
import dev.nabla.api.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The binary CIFAR readers on small files made here in the publisher's format. */
class CifarTest {
    @TempDir Path tmp;

    /** {@code n} records: label bytes then 3,072 pixels where pixel p of channel c of image i is (i + c + p) mod 256. */
    static byte[] records(int n, int first, int labelBytes, int[] labels) {
        int record = labelBytes + 3072;
        byte[] b = new byte[n * record];
        for (int i = 0; i < n; i++) {
            int off = i * record;
            for (int l = 0; l < labelBytes; l++) b[off + l] = (byte) labels[(first + i) * labelBytes + l];
            for (int c = 0; c < 3; c++) for (int p = 0; p < 1024; p++) b[off + labelBytes + c * 1024 + p] = (byte) (first + i + c + p);
        }
        return b;
    }

    private Path cifar10Files(Path root, int perBatch) throws IOException {
        Path dir = Files.createDirectories(root.resolve("cifar-10-batches-bin"));
        int[] labels = new int[6 * perBatch];
        for (int i = 0; i < labels.length; i++) labels[i] = i % 10;
        for (int k = 1; k <= 5; k++) Files.write(dir.resolve("data_batch_" + k + ".bin"), records(perBatch, (k - 1) * perBatch, 1, labels));
        Files.write(dir.resolve("test_batch.bin"), records(perBatch, 5 * perBatch, 1, labels));
        return dir;
    }

    @Test void cifar10ReadsTheBinaryFormat() throws IOException {
        cifar10Files(tmp, 3);
        var train = new Cifar10(tmp, true);
        assertThat(train.size()).isEqualTo(15);
        assertThat(train.imageShape()).containsExactly(3, 32, 32);
        assertThat(train.label(14)).isEqualTo(4);
        assertThat(train.classes().get(4)).isEqualTo("deer");
        Tensor x = train.get(7).x();
        assertThat(x.dtype()).isEqualTo(DType.UINT8);
        float[] v = x.toFloatArray();
        assertThat(v[0]).isEqualTo(7);              // red, pixel 0
        assertThat(v[1024 + 5]).isEqualTo(7 + 1 + 5); // green, pixel 5
        assertThat(v[2 * 1024 + 1023]).isEqualTo((7 + 2 + 1023) % 256);
        var test = new Cifar10(tmp, false, new ToTensor());
        assertThat(test.size()).isEqualTo(3);
        assertThat(test.label(0)).isEqualTo(5);
        assertThat(test.get(0).x().toFloatArray()[0]).isEqualTo(15 / 255f);
        Batch b = new DataLoader<>(train, 4, false, DataLoader.Options.DEFAULT.withDropLast(true)).iterator().next();
        assertThat(b.x().shape()).isEqualTo(Shape.of(4, 3, 32, 32));
        assertThat(b.x().dtype()).isEqualTo(DType.UINT8);
    }

    @Test void cifar100UsesTheFineLabel() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("cifar-100-binary"));
        int[] labels = {3, 42, 19, 99};
        Files.write(dir.resolve("test.bin"), records(2, 0, 2, labels));
        var test = new Cifar100(tmp, false);
        assertThat(test.size()).isEqualTo(2);
        assertThat(test.label(0)).isEqualTo(42);
        assertThat(test.label(1)).isEqualTo(99);
        assertThat(test.classes()).hasSize(100);
        assertThat(test.classes().get(99)).isEqualTo("worm");
    }

    @Test void badFiles() throws IOException {
        Path dir = cifar10Files(tmp, 2);
        Path test = dir.resolve("test_batch.bin");
        Files.write(test, java.util.Arrays.copyOf(Files.readAllBytes(test), 3073 + 100));
        assertThatThrownBy(() -> new Cifar10(tmp, false)).isInstanceOf(IOException.class).hasMessageContaining(test.toString())
                .hasMessageContaining("truncated").hasMessageContaining("3173 bytes is not a whole number of 3073-byte records");
        byte[] bad = records(2, 0, 1, new int[] {0, 11});
        Files.write(test, bad);
        assertThatThrownBy(() -> new Cifar10(tmp, false)).hasMessageContaining(test.toString())
                .hasMessageContaining("label 11 of sample 1 is out of range 0..9");
        Files.delete(dir.resolve("data_batch_3.bin"));
        assertThatThrownBy(() -> new Cifar10(tmp, true)).isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining(dir.resolve("data_batch_3.bin").toString())
                .hasMessageContaining("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz");
    }

    @Test void downloadsVerifiesAndExtractsTheArchive() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        int[] labels = {1, 2, 3, 4, 5, 6, 7, 8};
        entries.put("cifar-10-batches-bin/readme.html", "<p>test</p>".getBytes(StandardCharsets.UTF_8));
        for (int k = 1; k <= 5; k++) entries.put("cifar-10-batches-bin/data_batch_" + k + ".bin", records(1, k - 1, 1, labels));
        entries.put("cifar-10-batches-bin/test_batch.bin", records(2, 5, 1, labels));
        byte[] archive = tarGz(entries);
        Path served = Files.write(tmp.resolve("served.tar.gz"), archive);
        var spec = new CifarFiles.Spec("Cifar10", "cifar-10-batches-bin",
                Download.Resource.sha256("cifar-10-binary.tar.gz", Download.digest(served, "SHA-256", false), null),
                Cifar10.SPEC.trainFiles(), Cifar10.SPEC.testFiles(), 1, 0, Cifar10.SPEC.classes());
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/kriz/", ex -> {
            ex.sendResponseHeaders(200, archive.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(archive);
            }
        });
        server.start();
        try {
            Path root = Files.createDirectories(tmp.resolve("root"));
            URI mirror = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/kriz/");
            var test = new ImageDataset(CifarFiles.load(spec, root, false, true, List.of(mirror)), null);
            assertThat(test.size()).isEqualTo(2);
            assertThat(test.label(1)).isEqualTo(7);
            assertThat(Files.exists(root.resolve("cifar-10-binary.tar.gz"))).isTrue();
            assertThat(Files.readString(root.resolve("cifar-10-batches-bin/readme.html"))).isEqualTo("<p>test</p>");
            var train = new ImageDataset(CifarFiles.load(spec, root, true, false, List.of(mirror)), null);
            assertThat(train.size()).isEqualTo(5);
            // the pinned checksum of the real archive rejects this one
            Files.delete(root.resolve("cifar-10-batches-bin/test_batch.bin"));
            assertThatThrownBy(() -> new Cifar10(root, false)).hasMessageContaining("checksum mismatch")
                    .hasMessageContaining("c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd");
        } finally {
            server.stop(0);
        }
    }

    /** A gzipped ustar archive of regular files. */
    static byte[] tarGz(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            for (var e : entries.entrySet()) {
                byte[] h = new byte[512];
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                System.arraycopy(name, 0, h, 0, name.length);
                put(h, 100, String.format("%07o", 0644));
                put(h, 108, String.format("%07o", 0));
                put(h, 116, String.format("%07o", 0));
                put(h, 124, String.format("%011o", e.getValue().length));
                put(h, 136, String.format("%011o", 0));
                h[156] = '0';
                put(h, 257, "ustar");
                put(h, 263, "00");
                for (int i = 148; i < 156; i++) h[i] = ' ';
                int sum = 0;
                for (byte x : h) sum += x & 0xff;
                put(h, 148, String.format("%06o", sum));
                h[154] = 0;
                out.write(h);
                out.write(e.getValue());
                out.write(new byte[(512 - e.getValue().length % 512) % 512]);
            }
            out.write(new byte[1024]);
        }
        return bytes.toByteArray();
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }
}
