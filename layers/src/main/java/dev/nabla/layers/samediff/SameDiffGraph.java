package dev.nabla.layers.samediff;

import dev.nabla.api.AtomicFile;
import dev.nabla.api.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A model traced into SameDiff by {@link SameDiffExport#trace}: the graph, the name of its input
 * placeholder and the name of its output variable ("input" and "output"); the parameters are the
 * graph's variables, named as the module's parameters.
 *
 * <pre>{@code
 * SameDiffGraph g = SameDiffExport.trace(model, -1, 784);
 * g.save(Path.of("mlp.fb"));
 * INDArray y = SameDiffGraph.load(Path.of("mlp.fb")).output(x);
 * }</pre>
 */
public record SameDiffGraph(SameDiff sameDiff, String input, String output) {
    static final String INPUT = "input", OUTPUT = "output";

    public SameDiffGraph {
        if (sameDiff == null) throw new IllegalArgumentException("SameDiffGraph: sameDiff must not be null");
        if (!sameDiff.hasVariable(input) || !sameDiff.getVariable(input).isPlaceHolder()) {
            throw new IllegalArgumentException("SameDiffGraph: the graph has no input placeholder '" + input + "'");
        }
        if (!sameDiff.hasVariable(output)) throw new IllegalArgumentException("SameDiffGraph: the graph has no output variable '" + output + "'");
    }

    /** The output variable, to build a loss on. */
    public SDVariable outputVariable() { return sameDiff.getVariable(output); }

    /** The trainable variables (the module's parameters) by name, in no particular order. */
    public List<String> parameterNames() {
        return sameDiff.variables().stream().filter(v -> v.getVariableType() == VariableType.VARIABLE).map(SDVariable::name).toList();
    }

    /** Runs the graph on {@code x}. */
    public INDArray output(INDArray x) { return sameDiff.output(Map.of(input, x), output).get(output); }

    /** Runs the graph on {@code x}'s values (no autograd). */
    public Tensor forward(Tensor x) { return Tensor.from(output(x.nd())); }

    /** Saves in SameDiff's FlatBuffers format (with updater state, if any), through a temporary file moved into place. */
    public void save(Path file) throws IOException {
        AtomicFile.write(file, tmp -> {
            try {
                sameDiff.save(tmp.toFile(), true);
            } catch (RuntimeException e) {
                throw new IOException("SameDiffGraph: could not save to " + file + ": " + e.getMessage(), e);
            }
        });
    }

    /** Loads a graph saved by {@link #save}. */
    public static SameDiffGraph load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("SameDiffGraph: no such file: " + file);
        SameDiff sd;
        try {
            sd = SameDiff.load(file.toFile(), true);
        } catch (RuntimeException e) {
            throw new IOException("SameDiffGraph: " + file + " is not a SameDiff FlatBuffers file: " + e.getMessage(), e);
        }
        if (!sd.hasVariable(INPUT) || !sd.hasVariable(OUTPUT)) {
            throw new IOException("SameDiffGraph: " + file + " has no '" + INPUT + "' placeholder and '" + OUTPUT
                    + "' variable; was it saved by SameDiffGraph.save?");
        }
        return new SameDiffGraph(sd, INPUT, OUTPUT);
    }
}
