package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @Test void everyDtypeRoundTrips(@TempDir Path dir) throws Exception {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("f32", Tensor.of(new double[][] {{1.5, -2}, {3, 4.25}}));
        m.put("f64", Tensor.of(DType.FLOAT64, Math.PI, -1e-300));
        m.put("f16", Tensor.of(0.5, -65504, 1e-7, 3.14159).to(DType.FLOAT16));
        m.put("i64", Tensor.of(Long.MAX_VALUE, -7));
        m.put("i32", Tensor.of(1, -2).to(DType.INT32));
        m.put("i16", Tensor.of(-300, 300).to(DType.INT16));
        m.put("i8", Tensor.of(-128, 127).to(DType.INT8));
        m.put("u8", Tensor.of(0, 255).to(DType.UINT8));
        m.put("bool", Tensor.of(true, false, true));
        m.put("scalar", Tensor.scalar(2.5));
        m.put("empty", Tensor.zeros(0, 3));
        Path f = dir.resolve("all.safetensors");
        Safetensors.save(m, Map.of("format", "pt"), f);
        Map<String, Tensor> back = Safetensors.load(f);
        assertThat(back.keySet()).containsExactlyElementsOf(m.keySet());
        for (String k : m.keySet()) {
            assertThat(back.get(k).dtype()).as(k).isEqualTo(m.get(k).dtype());
            assertThat(back.get(k).shape()).as(k).isEqualTo(m.get(k).shape());
            assertThat(back.get(k).toDoubleArray()).as(k).containsExactly(m.get(k).toDoubleArray());
        }
        assertThat(back.get("i64").toLongArray()).containsExactly(Long.MAX_VALUE, -7);
    }

    /** A file laid out by hand from the format's spec (as the Python library writes it) reads correctly. */
    @Test void readsAFileWrittenBySpec(@TempDir Path dir) throws Exception {
        String json = "{\"__metadata__\":{\"format\":\"pt\"},\"b\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[8,24]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 24).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).putFloat(1.5f).putFloat(-2f).putLong(7).putLong(-9);
        Path f = dir.resolve("spec.safetensors");
        Files.write(f, b.array());
        Map<String, Tensor> m = Safetensors.load(f);
        assertThat(m.get("a").toFloatArray()).containsExactly(1.5f, -2f);
        assertThat(m.get("b").toLongArray()).containsExactly(7, -9);
    }

    @Test void badFilesAreNamedErrors(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Safetensors.load(f)).isInstanceOf(IOException.class).hasMessageContaining("bad.safetensors")
                .hasMessageContaining("fewer than the 8-byte header");
        String json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,8]}}";
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        Files.write(f, ByteBuffer.allocate(8 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array());
        assertThatThrownBy(() -> Safetensors.load(f)).hasMessageContaining("needs 16 bytes");
        String json2 = "{\"a\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}";
        byte[] h2 = json2.getBytes(StandardCharsets.UTF_8);
        Files.write(f, ByteBuffer.allocate(8 + h2.length + 8).order(ByteOrder.LITTLE_ENDIAN).putLong(h2.length).put(h2).array());
        assertThatThrownBy(() -> Safetensors.load(f)).hasMessageContaining("dtype 'C64'");
        Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        assertThatThrownBy(() -> Safetensors.load(f)).hasMessageContaining("header length");
    }

    @Test void aFailedWriteLeavesNoFileBehind(@TempDir Path dir) throws Exception {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("__metadata__", Tensor.zeros(1));
        Path f = dir.resolve("x.safetensors");
        assertThatThrownBy(() -> Safetensors.save(m, f)).hasMessageContaining("reserved");
        try (var s = Files.list(dir)) { assertThat(s).isEmpty(); }
    }

    @Test void halfPrecisionConversionIsIeee() {
        for (float v : new float[] {0f, -0f, 1f, 0.333333f, 65504f, 6.1e-5f, 5.96e-8f, 1e-9f, 70000f, Float.NaN, Float.POSITIVE_INFINITY}) {
            float back = Safetensors.Half.toFloat(Safetensors.Half.fromFloat(v));
            if (Float.isNaN(v)) assertThat(back).isNaN();
            else if (Math.abs(v) > 65520) assertThat(back).isInfinite();
            else if (Math.abs(v) < 2.98e-8) assertThat(back).isZero();
            else assertThat((double) back).isCloseTo(v, org.assertj.core.data.Offset.offset(Math.abs(v) * 1e-3 + 6e-8));
        }
        assertThat(Safetensors.Half.fromFloat(1f)).isEqualTo((short) 0x3c00);
        assertThat(Safetensors.Half.fromFloat(-2f)).isEqualTo((short) 0xc000);
        assertThat(Safetensors.Half.fromFloat(65504f)).isEqualTo((short) 0x7bff);
    }
}
