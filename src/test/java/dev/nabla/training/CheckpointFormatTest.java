package dev.nabla.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nabla.api.FileFormatException;
import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.NablaRandom;
import dev.nabla.api.Safetensors;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.DataLoader;
import dev.nabla.layers.F;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading a checkpoint parses data only: its random state is plain numbers, a format-1 checkpoint's serialised
 * java.util.Random is read as bytes (never deserialised), and every malformed field is a FileFormatException
 * naming the file and the field.
 */
class CheckpointFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    /** A class whose deserialisation leaves a mark: what an attacker's gadget would do. */
    static final class Tripwire implements Serializable {
        private static final long serialVersionUID = 1L;
        static volatile Path mark;

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            Files.writeString(mark, "deserialised");
        }
    }

    /** One epoch of a small run with a checkpoint: a file Trainer.resume accepts. */
    private Path trainedCheckpoint(String name) {
        Path file = dir.resolve(name);
        trainer(file, 1).fit(new DataLoader<>(TrainingFixtures.train(64), 32));
        return file;
    }

    private static Trainer trainer(Path file, int epochs) {
        Nabla.manualSeed(5);
        Module model = TrainingFixtures.mlp();
        return new Trainer(model, new Adam(model.parameters(), 1e-3), F::crossEntropy,
                Trainer.Options.DEFAULT.withEpochs(epochs).withQuiet(true).withCheckpoint(file));
    }

    /** Rewrites a checkpoint's metadata and tensors (as a crafted or damaged file would have them). */
    private static void rewrite(Path file, Consumer<ObjectNode> meta, Consumer<Map<String, Tensor>> tensors) throws IOException {
        ObjectNode m = (ObjectNode) JSON.readTree(Safetensors.metadata(file).get(Checkpoint.KEY));
        meta.accept(m);
        Map<String, Tensor> t = new LinkedHashMap<>(Safetensors.load(file));
        tensors.accept(t);
        Safetensors.save(t, Map.of(Checkpoint.KEY, JSON.writeValueAsString(m)), file);
    }

    /** Makes the checkpoint a format-1 one whose rng.javaRandom holds the Base64 of {@code o} serialised. */
    private static void asFormat1(Path file, Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        String b64 = Base64.getEncoder().encodeToString(bytes.toByteArray());
        rewrite(file, m -> {
            m.put("format", 1);
            ObjectNode rng = (ObjectNode) m.get("rng");
            rng.remove(List.of("javaWord", "javaHaveNextGaussian", "javaNextGaussian"));
            rng.put("javaRandom", b64);
        }, t -> { });
    }

    @Test void aCraftedCheckpointRunsNoCodeOnResume() throws Exception {
        Path file = trainedCheckpoint("crafted.safetensors");
        Tripwire.mark = dir.resolve("tripwire");
        asFormat1(file, new Tripwire());
        Trainer t = trainer(file, 2);
        assertThatThrownBy(() -> t.resume(new DataLoader<>(TrainingFixtures.train(64), 32), null))
                .isInstanceOf(UncheckedIOException.class)
                .cause().isInstanceOfSatisfying(FileFormatException.class, e -> {
                    assertThat(e.file()).isEqualTo(file);
                    assertThat(e.field()).isEqualTo("rng.javaRandom");
                    assertThat(e).hasMessageContaining("crafted.safetensors").hasMessageContaining("Safetensors.load");
                });
        assertThat(Tripwire.mark).doesNotExist();
    }

    /** A few kB of nested sets whose deserialisation takes 2^depth steps: refused at once (before: minutes). */
    @Test @Timeout(60) void aDeserialisationBombIsRefusedAtOnce() throws Exception {
        Path file = trainedCheckpoint("bomb.safetensors");
        Set<Object> root = new HashSet<>();
        Set<Object> s1 = root, s2 = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            Set<Object> t1 = new HashSet<>(), t2 = new HashSet<>();
            t1.add("x");
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        asFormat1(file, root);
        Trainer t = trainer(file, 2);
        assertThatThrownBy(() -> t.resume(new DataLoader<>(TrainingFixtures.train(64), 32), null))
                .cause().isInstanceOfSatisfying(FileFormatException.class, e -> assertThat(e.field()).isEqualTo("rng.javaRandom"));
    }

    /** A format-1 checkpoint (java.util.Random serialised) loads through the byte parser, to the very same state. */
    @Test void aFormat1CheckpointLoadsWithTheSerialisedRandomsExactState() throws Exception {
        for (int gaussians : new int[] {0, 1, 2, 7}) {
            Path file = trainedCheckpoint("old" + gaussians + ".safetensors");
            Random old = new Random(1234 + gaussians);
            old.nextLong();
            for (int i = 0; i < gaussians; i++) old.nextGaussian();
            asFormat1(file, old);
            Checkpoint c = Checkpoint.load(file);
            NablaRandom r = new NablaRandom();
            r.setState(c.rng().java());
            for (int i = 0; i < 50; i++) {
                assertThat(r.nextGaussian()).as("%d pending", gaussians).isEqualTo(old.nextGaussian());
                assertThat(r.nextInt(1000)).isEqualTo(old.nextInt(1000));
            }
            Trainer t = trainer(file, 2);
            assertThat(t.resume(new DataLoader<>(TrainingFixtures.train(64), 32), null).size()).isEqualTo(2);
            assertThat(Checkpoint.load(file).epoch()).isEqualTo(1);        // rewritten in format 2
            assertThat(JSON.readTree(Safetensors.metadata(file).get(Checkpoint.KEY)).get("format").asInt()).isEqualTo(2);
        }
    }

    @Test void theRandomStateIsStoredAsPlainNumbers() throws Exception {
        Path file = trainedCheckpoint("plain.safetensors");
        var rng = JSON.readTree(Safetensors.metadata(file).get(Checkpoint.KEY)).get("rng");
        assertThat(rng.fieldNames()).toIterable()
                .containsExactly("nd4jRootState", "nd4jNodeState", "javaWord", "javaHaveNextGaussian", "javaNextGaussian");
        rng.forEach(v -> assertThat(v.isNumber() || v.isBoolean()).as("%s", v).isTrue());
        Nabla.RngState s = Checkpoint.load(file).rng();
        assertThat(s.java().word()).isEqualTo(rng.get("javaWord").asLong());
        assertThat(s.nd4jRootState()).isEqualTo(rng.get("nd4jRootState").asLong());
    }

    /** Extra metadata (dev.nabla.spark's batch position) is written beside the checkpoint's own and ignored by load. */
    @Test void extraMetadataRoundTripsBesideTheCheckpoint() throws Exception {
        Checkpoint c = Checkpoint.load(trainedCheckpoint("base.safetensors"));
        Path file = dir.resolve("extra.safetensors");
        c.save(file, Map.of("nabla.spark.position", "{\"epoch\":1,\"batch\":3}"));
        assertThat(Safetensors.metadata(file)).containsEntry("nabla.spark.position", "{\"epoch\":1,\"batch\":3}").containsKey(Checkpoint.KEY);
        Checkpoint back = Checkpoint.load(file);
        assertThat(back.epoch()).isEqualTo(c.epoch());
        assertThat(back.model().keySet()).isEqualTo(c.model().keySet());
        for (String k : c.model().keySet()) assertThat(back.model().get(k).nd()).isEqualTo(c.model().get(k).nd());
        assertThatThrownBy(() -> c.save(file, Map.of(Checkpoint.KEY, "{}"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not use the key 'nabla.checkpoint'");
    }

    private record Damage(String field, Consumer<ObjectNode> meta, Consumer<Map<String, Tensor>> tensors) {
        static Damage meta(String field, Consumer<ObjectNode> m) { return new Damage(field, m, t -> { }); }
    }

    @Test void everyMalformedFieldIsOneExceptionNamingTheFileAndTheField() throws Exception {
        Path good = trainedCheckpoint("good.safetensors");
        List<Damage> cases = List.of(
                Damage.meta("rng", m -> m.remove("rng")),
                Damage.meta("rng", m -> m.put("rng", "r")),
                Damage.meta("rng.nd4jRootState", m -> ((ObjectNode) m.get("rng")).put("nd4jRootState", "abc")),
                Damage.meta("rng.nd4jNodeState", m -> ((ObjectNode) m.get("rng")).put("nd4jNodeState", 1.5)),
                Damage.meta("rng.javaWord", m -> ((ObjectNode) m.get("rng")).put("javaWord", 1L << 48)),
                Damage.meta("rng.javaHaveNextGaussian", m -> ((ObjectNode) m.get("rng")).put("javaHaveNextGaussian", "yes")),
                Damage.meta("rng.javaNextGaussian", m -> ((ObjectNode) m.get("rng")).remove("javaNextGaussian")),
                Damage.meta("format", m -> m.put("format", 3)),
                Damage.meta("format", m -> m.put("format", "2")),
                Damage.meta("epoch", m -> m.put("epoch", "abc")),
                Damage.meta("epoch", m -> m.put("epoch", -1)),
                Damage.meta("optimizer", m -> m.remove("optimizer")),
                Damage.meta("optimizer.state", m -> ((ObjectNode) m.get("optimizer")).put("state", 3)),
                Damage.meta("optimizer.state.abc", m -> ((ObjectNode) m.get("optimizer").get("state")).putObject("abc")),
                Damage.meta("schedule", m -> m.put("schedule", "none")),
                Damage.meta("history", m -> m.put("history", "none")),
                Damage.meta("history.0.seconds", m -> ((ObjectNode) m.get("history").get(0)).remove("seconds")),
                Damage.meta("history.0.epoch", m -> ((ObjectNode) m.get("history").get(0)).put("epoch", 0.5)),
                Damage.meta("history.0.values.train_loss", m -> ((ObjectNode) m.get("history").get(0).get("values")).put("train_loss", "low")),
                new Damage("optimizer.abc.exp_avg", m -> { }, t -> t.put("optimizer.abc.exp_avg", Tensor.zeros(2))),
                new Damage("stray", m -> { }, t -> t.put("stray", Tensor.zeros(2))));
        for (Damage d : cases) {
            Path file = dir.resolve("damaged.safetensors");
            Files.copy(good, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            rewrite(file, d.meta(), d.tensors());
            assertThatThrownBy(() -> Checkpoint.load(file)).as(d.field())
                    .isInstanceOfSatisfying(FileFormatException.class, e -> {
                        assertThat(e.field()).isEqualTo(d.field());
                        assertThat(e.file()).isEqualTo(file);
                    })
                    .hasMessageContaining("damaged.safetensors").hasMessageContaining("'" + d.field() + "'");
        }
    }

    @Test void metadataThatIsNotOneJsonObjectIsNamed() throws Exception {
        Map<String, Tensor> t = Map.of("model.w", Tensor.zeros(2));
        for (String bad : new String[] {"{", "{\"epoch\":1,\"epoch\":2}", "{\"format\":2} trailing", "[1]"}) {
            Path file = dir.resolve("json.safetensors");
            Safetensors.save(t, Map.of(Checkpoint.KEY, bad), file);
            assertThatThrownBy(() -> Checkpoint.load(file)).as(bad).isInstanceOfSatisfying(FileFormatException.class,
                    e -> assertThat(e.field()).isEqualTo(Checkpoint.KEY)).hasMessageContaining("json.safetensors");
        }
    }
}
