package dev.nabla.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nabla.api.FileFormatException;
import dev.nabla.api.NablaRandom;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The Java random state of a format-1 checkpoint ({@code rng.javaRandom}: Base64 of a {@code java.util.Random}
 * written by {@code ObjectOutputStream}), read as data: the bytes must be exactly the 104 bytes that Java's
 * serialisation writes for that one class (the fixed class descriptor, then its three fields, then the end
 * marker), and only the three field values are taken from them. Nothing is deserialised.
 */
final class LegacyRandom {
    /** Stream header, object, class descriptor of java.util.Random (UID 3905348978240129619, 3 fields), no superclass. */
    private static final byte[] PREFIX = HexFormat.of().parseHex("aced0005737200106a6176612e7574696c2e52616e646f6d363296344bf00a53"
            + "0300035a0014686176654e6578744e657874476175737369616e4400106e6578744e657874476175737369616e4a000473656564"
            + "7870");
    private static final int LENGTH = PREFIX.length + 1 + 8 + 8 + 1;
    private static final byte END_BLOCK = 0x78;

    private LegacyRandom() {}

    static NablaRandom.State parse(Path file, JsonNode node) throws FileFormatException {
        String field = "rng.javaRandom";
        String how = "; a format-1 checkpoint holds there the serialised java.util.Random that Nabla wrote, so this file cannot"
                + " resume a run; its weights still load with Safetensors.load(file) (the tensors model.<name>)";
        if (node == null || !node.isTextual()) throw new FileFormatException("Checkpoint", file, field, "expected a Base64 string, got " + node + how);
        byte[] b;
        try {
            b = Base64.getDecoder().decode(node.textValue());
        } catch (IllegalArgumentException e) {
            throw new FileFormatException("Checkpoint", file, field, "expected Base64, got " + abbreviate(node.textValue()) + how);
        }
        if (b.length != LENGTH || !Arrays.equals(b, 0, PREFIX.length, PREFIX, 0, PREFIX.length) || b[LENGTH - 1] != END_BLOCK) {
            throw new FileFormatException("Checkpoint", file, field, "expected the " + LENGTH + " bytes of a serialised java.util.Random, got "
                    + b.length + " bytes that are not" + how);
        }
        ByteBuffer data = ByteBuffer.wrap(b, PREFIX.length, 17);   // big-endian, in the descriptor's order
        byte have = data.get();
        double next = data.getDouble();
        long word = data.getLong();
        if (have != 0 && have != 1 || word < 0 || word >= 1L << 48 || !Double.isFinite(next)) {
            throw new FileFormatException("Checkpoint", file, field, "the serialised java.util.Random holds an impossible state (haveNextNextGaussian="
                    + have + ", nextNextGaussian=" + next + ", seed=" + word + ")" + how);
        }
        return new NablaRandom.State(word, have == 1, have == 1 ? next : 0);
    }

    private static String abbreviate(String s) { return s.length() <= 40 ? "'" + s + "'" : "'" + s.substring(0, 40) + "…'"; }
}
