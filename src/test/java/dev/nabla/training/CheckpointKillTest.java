package dev.nabla.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nabla.api.Nabla;
import dev.nabla.api.Safetensors;
import dev.nabla.api.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed (SIGKILL) while it writes a checkpoint leaves the previous checkpoint whole: the child
 * JVM rewrites a 16 MB checkpoint in a loop, the test kills it while a temporary file is being written,
 * and the checkpoint file still loads, with every value equal to the epoch it records.
 */
class CheckpointKillTest {
    @TempDir Path dir;

    /** The child: writes checkpoints of epochs 0, 1, 2, … whose tensors are filled with the epoch number. */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Nabla.manualSeed(0);
        for (int epoch = 0; ; epoch++) {
            Map<String, Tensor> model = Map.of("w", Tensor.zeros(4_000_000).add(epoch));
            Map<String, Object> opt = Map.of("state", Map.of(), "param_groups", List.of());
            new Checkpoint(epoch, model, opt, null, Nabla.getRngState(), List.of()).save(file);
        }
    }

    @Test void killingTheWriterMidWriteLeavesThePreviousCheckpointIntact() throws Exception {
        Path file = dir.resolve("checkpoint.safetensors");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CheckpointKillTest.class.getName(), file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            boolean caught = false;
            while (!caught && System.nanoTime() < deadline && child.isAlive()) {
                caught = Files.exists(file) && epochOf(file) >= 1 && tmpFiles() > 0;   // mid-write of epoch ≥ 2
                if (caught) child.destroyForcibly();
            }
            assertThat(caught).as("caught the child mid-write; its log: %s", Files.readString(dir.resolve("child.log"))).isTrue();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        // (whether the kill landed inside the write or just after it is a race; either way the file must load whole)
        Checkpoint c = Checkpoint.load(file);
        assertThat(c.epoch()).isPositive();
        float[] w = c.model().get("w").toFloatArray();
        assertThat(w).hasSize(4_000_000);
        for (int i = 0; i < w.length; i += 9973) assertThat(w[i]).isEqualTo((float) c.epoch());
        assertThat(w[w.length - 1]).isEqualTo((float) c.epoch());
    }

    /** The epoch a checkpoint file records, from its header only; -1 while it cannot be read. */
    private static int epochOf(Path file) {
        try {
            String json = Safetensors.metadata(file).get(Checkpoint.KEY);
            return new ObjectMapper().readTree(json).get("epoch").asInt();
        } catch (Exception e) {
            return -1;
        }
    }

    private long tmpFiles() throws java.io.IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
        }
    }
}
