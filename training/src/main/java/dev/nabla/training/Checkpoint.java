package dev.nabla.training;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nabla.api.Nabla;
import dev.nabla.api.Safetensors;
import dev.nabla.api.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    static final int FORMAT = 1;
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
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
    @SuppressWarnings("unchecked")
    public void save(Path file) throws IOException {
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
        meta.put("rng", rng);
        List<Map<String, Object>> hist = new ArrayList<>();
        for (EpochStats s : history) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", s.epoch());
            row.put("values", s.values());
            row.put("seconds", s.seconds());
            hist.add(row);
        }
        meta.put("history", hist);
        Safetensors.save(tensors, Map.of(KEY, JSON.writeValueAsString(meta)), file);
    }

    /** Reads a checkpoint written by {@link #save}; an {@code IOException} naming the file when it is not one. */
    @SuppressWarnings("unchecked")
    public static Checkpoint load(Path file) throws IOException {
        String json = Safetensors.metadata(file).get(KEY);
        if (json == null) throw new IOException("Checkpoint: " + file + " is a safetensors file without '" + KEY + "' metadata; is it a plain state dict?");
        Map<String, Object> meta = JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
        Object format = meta.get("format");
        if (!(format instanceof Number n) || n.intValue() != FORMAT) {
            throw new IOException("Checkpoint: " + file + " has format " + format + ", this version of Nabla reads format " + FORMAT);
        }
        Map<String, Tensor> tensors = Safetensors.load(file);
        Map<String, Tensor> model = new LinkedHashMap<>();
        Map<Integer, Map<String, Object>> state = new LinkedHashMap<>();
        Map<String, Object> optimizer = new LinkedHashMap<>((Map<String, Object>) meta.get("optimizer"));
        Map<String, Map<String, Object>> plain = (Map<String, Map<String, Object>>) optimizer.get("state");
        if (plain != null) plain.forEach((k, v) -> state.put(Integer.valueOf(k), new LinkedHashMap<>(v)));
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("model.")) model.put(k.substring(6), e.getValue());
            else if (k.startsWith("optimizer.")) {
                int dot = k.indexOf('.', 10);
                state.computeIfAbsent(Integer.valueOf(k.substring(10, dot)), i -> new LinkedHashMap<>()).put(k.substring(dot + 1), e.getValue());
            } else throw new IOException("Checkpoint: " + file + " has an unexpected tensor '" + k + "'");
        }
        if (plain != null) optimizer.put("state", new java.util.TreeMap<>(state));
        Map<String, Object> r = (Map<String, Object>) meta.get("rng");
        Nabla.RngState rng = new Nabla.RngState(((Number) r.get("nd4jRootState")).longValue(), ((Number) r.get("nd4jNodeState")).longValue(),
                (String) r.get("javaRandom"));
        List<EpochStats> history = new ArrayList<>();
        for (Map<String, Object> row : (List<Map<String, Object>>) meta.get("history")) {
            Map<String, Double> values = new LinkedHashMap<>();
            ((Map<String, Object>) row.get("values")).forEach((k, v) -> values.put(k, ((Number) v).doubleValue()));
            history.add(new EpochStats(((Number) row.get("epoch")).intValue(), values, ((Number) row.get("seconds")).doubleValue()));
        }
        return new Checkpoint(((Number) meta.get("epoch")).intValue(), model, optimizer, (Map<String, Object>) meta.get("schedule"), rng, history);
    }
}
