package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safetensors reader holds a header to the format (as the Rust reference implementation does) and reads
 * tensor by tensor: every malformed header is an IOException naming the file and the problem, and a file over
 * 2 GB loads.
 */
class SafetensorsStrictTest {
    @TempDir Path dir;

    /** A file of the given header bytes (padded with spaces to 8) followed by {@code data} zero bytes. */
    private Path file(byte[] header, int data) throws IOException {
        int padded = (header.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + data).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(header);
        while (b.position() < 8 + padded) b.put((byte) ' ');
        Path f = dir.resolve("crafted.safetensors");
        Files.write(f, b.array());
        return f;
    }

    private Path file(String header, int data) throws IOException { return file(header.getBytes(StandardCharsets.UTF_8), data); }

    private void refused(Path f, String... parts) {
        var t = assertThatThrownBy(() -> Safetensors.load(f)).isInstanceOf(FileFormatException.class).hasMessageContaining("crafted.safetensors");
        for (String p : parts) t.hasMessageContaining(p);
        assertThatThrownBy(() -> Safetensors.metadata(f)).isInstanceOf(FileFormatException.class);
    }

    @Test void anElementCountThatOverflowsIsRefused() throws Exception {
        refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}", 0), "'a'", "overflows");
        refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387905,4],\"data_offsets\":[0,16]}}", 16), "'a'", "overflows");
        refused(file("{\"a\":{\"dtype\":\"F64\",\"shape\":[4611686018427387905],\"data_offsets\":[0,8]}}", 8), "'a'", "2^63 bytes");
        refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,4]}}", 4), "'a'", "non-negative integers");
    }

    @Test void shapesThatAreNotNonNegativeIntegersAreRefused() throws Exception {
        for (String shape : new String[] {"[\"x\"]", "[\"2\"]", "[2.0]", "[1.5]", "[-1]", "[null]", "[[2]]", "3", "null"}) {
            refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":[0,8]}}", 8), "'a'", "shape");
        }
    }

    @Test void dataOffsetsThatAreStringsOrFractionsAreRefused() throws Exception {
        for (String offs : new String[] {"[\"0\",\"8\"]", "[0,8.0]", "[0.5,8]", "[0]", "[0,8,8]", "[-8,0]", "\"0,8\""}) {
            refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":" + offs + "}}", 8), "'a'", "data_offsets");
        }
    }

    @Test void duplicateNamesAreRefused() throws Exception {
        refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "Duplicate field 'a'");
        refused(file("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0), "Duplicate field 'k'");
    }

    @Test void textAfterTheJsonHeaderIsRefusedButSpacesAreNot() throws Exception {
        String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        refused(file(ok + "x", 4), "JSON object");
        refused(file(ok + "{}", 4), "JSON object");
        refused(file(ok + " \u0000", 4), "JSON object");
        assertThat(Safetensors.load(file(ok + " \n\t  ", 4)).get("a").toFloatArray()).containsExactly(0f);
    }

    @Test void invalidUtf8IsRefused() throws Exception {
        byte[] h = "{\"a?\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}".getBytes(StandardCharsets.US_ASCII);
        h[3] = (byte) 0xff;
        refused(file(h, 4), "UTF-8");
        byte[] overlong = "{\"a??\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}".getBytes(StandardCharsets.US_ASCII);
        overlong[3] = (byte) 0xc0;   // an overlong encoding of '/'
        overlong[4] = (byte) 0xaf;
        refused(file(overlong, 4), "UTF-8");
        assertThat(Safetensors.load(file("{\"é\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4))).containsKey("é");
    }

    @Test void otherMalformedHeadersAreRefused() throws Exception {
        refused(file("{\"a\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "dtype");
        refused(file("{\"a\":[1,2]}", 0), "'a'");
        refused(file("{\"__metadata__\":{\"k\":1}}", 0), "__metadata__.k", "expected a string");
        refused(file("{\"__metadata__\":[\"k\"]}", 0), "__metadata__");
        refused(file("[]", 0), "not a JSON object");
        refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8), "overlap");
    }

    @Test void aDirectoryIsNamed() {
        assertThatThrownBy(() -> Safetensors.load(dir)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("directory");
        assertThatThrownBy(() -> Safetensors.metadata(dir)).hasMessageContaining("directory");
        assertThatThrownBy(() -> Safetensors.load(dir.resolve("missing.safetensors"))).isInstanceOf(java.nio.file.NoSuchFileException.class)
                .hasMessageContaining("missing.safetensors");
    }

    /**
     * A sparse 3 GB file: a 3 GB tensor of zeros (never written to disk) followed by a small one past byte 2^31. Its
     * header checks out and the small tensor reads without the 3 GB being read (before: the whole file went into one
     * Java array, which cannot exceed 2 GB).
     */
    @Test void aFileOver2GbOpensAndReadsTensorByTensor() throws Exception {
        long big = 3L << 30;
        String json = "{\"big\":{\"dtype\":\"U8\",\"shape\":[" + big + "],\"data_offsets\":[0," + big + "]},"
                + "\"small\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[" + big + "," + (big + 16) + "]}}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        Path f = dir.resolve("sparse.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).put(h);
            while (head.hasRemaining()) head.put((byte) ' ');
            raf.write(head.array());
            raf.seek(8 + padded + big);
            ByteBuffer small = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2).putFloat(3).putFloat(1e30f);
            raf.write(small.array());
        }
        assertThat(Files.size(f)).isGreaterThan(1L << 31);
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertThat(sf.names()).containsExactly("big", "small");
            Tensor s = sf.get("small");
            assertThat(s.shape()).isEqualTo(dev.nabla.api.Shape.of(2, 2));
            assertThat(s.toFloatArray()).containsExactly(1.5f, -2f, 3f, 1e30f);
            assertThatThrownBy(() -> sf.get("nope")).hasMessageContaining("'nope'").hasMessageContaining("[big, small]");
        }
    }

    /** Several tensors of several MB, not multiples of the read size, strided views among them, round-trip exactly. */
    @Test void largeTensorsAndViewsRoundTrip() throws Exception {
        Nabla.manualSeed(3);
        Tensor big = Tensor.rand(4_500_001);
        Tensor matrix = Tensor.rand(300, 200);
        Tensor transposed = Tensor.from(matrix.nd().transpose());
        Tensor column = Tensor.from(matrix.nd().getColumn(7));
        Path f = dir.resolve("big.safetensors");
        Safetensors.save(Map.of("big", big, "t", transposed, "c", column), f);
        Map<String, Tensor> back = Safetensors.load(f);
        assertThat(java.util.Arrays.equals(back.get("big").toFloatArray(), big.toFloatArray())).isTrue();
        assertThat(back.get("t").shape()).isEqualTo(dev.nabla.api.Shape.of(200, 300));
        assertThat(java.util.Arrays.equals(back.get("t").toFloatArray(), transposed.toFloatArray())).isTrue();
        assertThat(back.get("c").toFloatArray()).containsExactly(column.toFloatArray());
        assertThat(Files.size(f)).isEqualTo(8 + headerLength(f) + 4L * (4_500_001 + 60_000 + 300));
    }

    private static long headerLength(Path f) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(f)) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, 0);
            return b.getLong(0);
        }
    }
}
