package dev.nabla.training;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nabla.api.FileFormatException;
import dev.nabla.api.Nabla;
import dev.nabla.api.NablaRandom;
import dev.nabla.api.Safetensors;
import dev.nabla.api.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a {@link Trainer} needs to continue a run exactly: the model's state dict, the optimizer's and
 * the schedule's state dicts, the last completed epoch, the random state of the training thread and the
 * history so far.
 *
 * <p>One file in the safetensors format, readable by any safetensors reader: the tensors are named
 * {@code model.<name>} and {@code optimizer.<param index>.<key>}; everything else is JSON in the
 * header's {@code __metadata__} under {@code "nabla.checkpoint"}. {@link #save} writes a temporary file
 * beside the target and then moves it into place, so a crash during the write leaves the previous
 * checkpoint as it was.
 *
 * <pre>{@code
 * Checkpoint c = Checkpoint.load(Path.of("run/checkpoint.safetensors"));
 * model.loadStateDict(c.model(), true);
 * }</pre>
 */
public record Checkpoint(int epoch, Map<String, Tensor> model, Map<String, Object> optimizer, Map<String, Object> schedule,
                         Nabla.RngState rng, List<EpochStats> history) {
    static final String KEY = "nabla.checkpoint";
    /** Format 2 stores the random state as plain numbers; format 1 (read, never written) held a serialised java.util.Random. */
    static final int FORMAT = 2;
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    public Checkpoint {
        if (epoch < 0) throw new IllegalArgumentException("Checkpoint: epoch must be >= 0, got " + epoch);
        if (model == null || optimizer == null || rng == null || history == null) {
            throw new IllegalArgumentException("Checkpoint: model, optimizer, rng and history must not be null");
        }
        model = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(model));
        history = List.copyOf(history);
    }

    /** Writes the checkpoint to {@code file} through a temporary file that is then moved into place. */
    public void save(Path file) throws IOException { save(file, Map.of()); }

    /**
     * As {@link #save(Path)}, with more string metadata beside the checkpoint's own, for a loop that keeps more of
     * its position than the epoch (dev.nabla.spark's trainer: the batch within the epoch). {@link #load} ignores it;
     * {@link Safetensors#metadata} reads it.
     */
    @SuppressWarnings("unchecked")
    public void save(Path file, Map<String, String> extraMetadata) throws IOException {
        if (extraMetadata.containsKey(KEY)) throw new IllegalArgumentException("Checkpoint.save: the extra metadata must not use the key '" + KEY + "'");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        model.forEach((k, v) -> tensors.put("model." + k, v));
        Map<String, Object> optJson = new LinkedHashMap<>(optimizer);
        Map<Object, Map<String, Object>> state = (Map<Object, Map<String, Object>>) optimizer.get("state");
        if (state != null) {
            Map<String, Map<String, Object>> rest = new LinkedHashMap<>();
            state.forEach((index, entries) -> {
                Map<String, Object> plain = new LinkedHashMap<>();
                entries.forEach((k, v) -> {
                    if (v instanceof Tensor t) tensors.put("optimizer." + index + "." + k, t);
                    else plain.put(k, v);
                });
                rest.put(String.valueOf(index), plain);
            });
            optJson.put("state", rest);
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("epoch", epoch);
        meta.put("optimizer", optJson);
        meta.put("schedule", schedule);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("nd4jRootState", rng.nd4jRootState());
        r.put("nd4jNodeState", rng.nd4jNodeState());
        r.put("javaWord", rng.java().word());
        r.put("javaHaveNextGaussian", rng.java().haveNextGaussian());
        r.put("javaNextGaussian", rng.java().nextGaussian());
        meta.put("rng", r);
        List<Map<String, Object>> hist = new ArrayList<>();
        for (EpochStats s : history) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", s.epoch());
            row.put("values", s.values());
            row.put("seconds", s.seconds());
            hist.add(row);
        }
        meta.put("history", hist);
        Map<String, String> all = new LinkedHashMap<>(extraMetadata);
        all.put(KEY, JSON.writeValueAsString(meta));
        Safetensors.save(tensors, all, file);
    }

    /**
     * Reads a checkpoint written by {@link #save}. Loading parses data only: every field is checked, and a malformed
     * one is a {@link FileFormatException} naming the file and the field. Checkpoints of format 1 (whose Java random
     * state is the serialised form of a {@code java.util.Random}) load too: those bytes are parsed as data, against
     * the fixed layout of that one class, never deserialised.
     */
    public static Checkpoint load(Path file) throws IOException {
        String json = Safetensors.metadata(file).get(KEY);
        if (json == null) throw new IOException("Checkpoint: " + file + " is a safetensors file without '" + KEY + "' metadata; is it a plain state dict?");
        JsonNode meta;
        try {
            meta = JSON.readTree(json);
        } catch (IOException e) {
            throw new FileFormatException("Checkpoint", file, KEY, "the metadata is not valid JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
        Fields f = new Fields(file);
        f.object(meta, KEY);
        int format = f.integer(meta, "format", 1, FORMAT);
        int epoch = f.integer(meta, "epoch", 0, Integer.MAX_VALUE);
        JsonNode opt = f.object(meta.get("optimizer"), "optimizer");
        Map<String, Object> optimizer = new LinkedHashMap<>();
        opt.fields().forEachRemaining(e -> { if (!e.getKey().equals("state")) optimizer.put(e.getKey(), plain(e.getValue())); });
        Map<Integer, Map<String, Object>> state = new TreeMap<>();
        JsonNode stateNode = opt.get("state");
        if (stateNode != null) {
            f.object(stateNode, "optimizer.state");
            for (Iterator<Map.Entry<String, JsonNode>> it = stateNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String field = "optimizer.state." + e.getKey();
                Map<String, Object> entries = new LinkedHashMap<>();
                f.object(e.getValue(), field).fields().forEachRemaining(x -> entries.put(x.getKey(), plain(x.getValue())));
                state.put(f.index(e.getKey(), field), entries);
            }
        }
        Map<String, Tensor> model = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : Safetensors.load(file).entrySet()) {
            String k = e.getKey();
            int dot = k.indexOf('.', 10);
            if (k.startsWith("model.") && k.length() > 6) model.put(k.substring(6), e.getValue());
            else if (k.startsWith("optimizer.") && dot > 10 && dot < k.length() - 1) {
                state.computeIfAbsent(f.index(k.substring(10, dot), k), i -> new LinkedHashMap<>()).put(k.substring(dot + 1), e.getValue());
            } else {
                throw new FileFormatException("Checkpoint", file, k, "expected tensors named model.<name> or optimizer.<parameter index>.<key>");
            }
        }
        if (stateNode != null || !state.isEmpty()) optimizer.put("state", state);
        JsonNode schedNode = meta.get("schedule");
        Map<String, Object> schedule = schedNode == null || schedNode.isNull() ? null : plainMap(f.object(schedNode, "schedule"));
        Nabla.RngState rng = rng(f, f.object(meta.get("rng"), "rng"), format);
        List<EpochStats> history = new ArrayList<>();
        JsonNode hist = meta.get("history");
        if (hist == null || !hist.isArray()) throw f.bad("history", "expected an array of epochs", hist);
        for (int i = 0; i < hist.size(); i++) {
            String field = "history." + i;
            JsonNode row = f.object(hist.get(i), field);
            Map<String, Double> values = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = f.object(row.get("values"), field + ".values").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                values.put(e.getKey(), f.number(e.getValue(), field + ".values." + e.getKey()));
            }
            history.add(new EpochStats(f.integer(row, field + ".epoch", "epoch", 0, Integer.MAX_VALUE), values,
                    f.number(row.get("seconds"), field + ".seconds")));
        }
        return new Checkpoint(epoch, model, optimizer, schedule, rng, history);
    }

    private static Nabla.RngState rng(Fields f, JsonNode r, int format) throws IOException {
        long root = f.longValue(r.get("nd4jRootState"), "rng.nd4jRootState"), node = f.longValue(r.get("nd4jNodeState"), "rng.nd4jNodeState");
        if (format == 1) return new Nabla.RngState(root, node, LegacyRandom.parse(f.file, r.get("javaRandom")));
        long word = f.longValue(r.get("javaWord"), "rng.javaWord");
        if (word < 0 || word >= 1L << 48) throw f.bad("rng.javaWord", "expected a 48-bit word in [0, 2^48)", r.get("javaWord"));
        JsonNode have = r.get("javaHaveNextGaussian");
        if (have == null || !have.isBoolean()) throw f.bad("rng.javaHaveNextGaussian", "expected true or false", have);
        double next = f.number(r.get("javaNextGaussian"), "rng.javaNextGaussian");
        if (!Double.isFinite(next) || (!have.booleanValue() && next != 0)) {
            throw f.bad("rng.javaNextGaussian", "expected a finite number (0 when javaHaveNextGaussian is false)", r.get("javaNextGaussian"));
        }
        return new Nabla.RngState(root, node, new NablaRandom.State(word, have.booleanValue(), next));
    }

    /** A JSON value as plain Java values (maps, lists, numbers, strings, booleans, null), as the state dicts hold them. */
    private static Object plain(JsonNode n) { return JSON.convertValue(n, Object.class); }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> plainMap(JsonNode n) { return (Map<String, Object>) plain(n); }

    /** Reads typed fields of the metadata; every failure names the file and the field. */
    private static final class Fields {
        final Path file;

        Fields(Path file) { this.file = file; }

        FileFormatException bad(String field, String expected, JsonNode got) {
            return new FileFormatException("Checkpoint", file, field, expected + ", got " + (got == null ? "nothing (the field is missing)" : got));
        }

        JsonNode object(JsonNode n, String field) throws FileFormatException {
            if (n == null || !n.isObject()) throw bad(field, "expected a JSON object", n);
            return n;
        }

        int integer(JsonNode parent, String field, int min, int max) throws FileFormatException {
            return integer(parent, field, field, min, max);
        }

        int integer(JsonNode parent, String field, String name, int min, int max) throws FileFormatException {
            JsonNode n = parent.get(name);
            if (n == null || !n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
                throw bad(field, "expected an integer in [" + min + ", " + max + "]", n);
            }
            return n.intValue();
        }

        long longValue(JsonNode n, String field) throws FileFormatException {
            if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) throw bad(field, "expected a 64-bit integer", n);
            return n.longValue();
        }

        double number(JsonNode n, String field) throws FileFormatException {
            if (n == null || !n.isNumber()) throw bad(field, "expected a number", n);
            return n.doubleValue();
        }

        int index(String s, String field) throws FileFormatException {
            if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new FileFormatException("Checkpoint", file, field, "expected a parameter index (0, 1, …), got '" + s + "'");
            }
            return Integer.parseInt(s);
        }
    }
}
