package dev.nabla.layers;

import dev.nabla.api.Shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nabla.api.DType;
import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Parameter;
import dev.nabla.api.Safetensors;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleTest {
    static final class Net extends Module {
        final Sequential features = module("features", new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2, false)));
        final Linear head = module("head", new Linear(2, 1));
        final Tensor counter = buffer("counter", Tensor.zeros(DType.INT64, 1));

        @Override public Tensor forward(Tensor x) { return head.forward(features.forward(x)); }
    }

    @Test void namesAreDottedAndInRegistrationOrder() {
        Net net = new Net();
        assertThat(net.namedParameters().keySet())
                .containsExactly("features.0.weight", "features.0.bias", "features.2.weight", "head.weight", "head.bias");
        assertThat(net.stateDict().keySet())
                .containsExactly("counter", "features.0.weight", "features.0.bias", "features.2.weight", "head.weight", "head.bias");
        assertThat(net.parameterCount()).isEqualTo(12 + 3 + 6 + 2 + 1);
        assertThat(net.children()).hasSize(2);
        assertThat(net.modules()).hasSize(1 + 1 + 3 + 1);
        assertThat(net.namedModules().keySet()).contains("", "features", "features.0", "head");
        assertThat(((Linear) net.features.get(0)).weight().shape()).isEqualTo(Shape.of(3, 4));   // [out, in] as PyTorch
    }

    @Test void anUnregisteredFieldIsNamed() {
        final class Bad extends Module {
            final Linear used = module("used", new Linear(2, 2));
            final Linear forgotten = new Linear(2, 2);
            final Parameter loose = new Parameter(Tensor.zeros(2));
            @Override public Tensor forward(Tensor x) { return used.forward(forgotten.forward(x)); }
        }
        assertThatThrownBy(() -> new Bad().parameters()).isInstanceOf(IllegalStateException.class)
                .hasMessageMatching("(?s).*field '(forgotten|loose)'.*never registered.*");
    }

    @Test void registrationRejectsDuplicatesAndDots() {
        assertThatThrownBy(() -> new Module() {
            { module("a", new ReLU()); module("a", new ReLU()); }
            @Override public Tensor forward(Tensor x) { return x; }
        }).hasMessageContaining("'a' is already registered");
        assertThatThrownBy(() -> new Module() {
            { param("a.b", Tensor.zeros(1)); }
            @Override public Tensor forward(Tensor x) { return x; }
        }).hasMessageContaining("no '.'");
    }

    @Test void trainAndEvalAreRecursive() {
        Net net = new Net();
        assertThat(net.eval()).isSameAs(net);
        assertThat(net.modules()).allMatch(m -> !m.isTraining());
        net.train();
        assertThat(net.modules()).allMatch(Module::isTraining);
    }

    @Test void zeroGradToAndApply() {
        Nabla.manualSeed(0);
        Net net = new Net();
        net.forward(Tensor.randn(5, 4)).sum().backward();
        assertThat(net.parameters()).allMatch(p -> p.grad() != null);
        net.zeroGrad();
        assertThat(net.parameters()).allMatch(p -> p.grad().abs().sum().item() == 0);
        net.to(DType.FLOAT64);
        assertThat(net.parameters()).allMatch(p -> p.dtype() == DType.FLOAT64);
        assertThat(net.forward(Tensor.randn(DType.FLOAT64, 2, 4)).dtype()).isEqualTo(DType.FLOAT64);
        List<String> seen = new java.util.ArrayList<>();
        net.apply(m -> { seen.add(m.getClass().getSimpleName()); if (m instanceof Linear l) Init.zeros_(l.weight()); });
        assertThat(seen).containsExactly("Linear", "ReLU", "Linear", "Sequential", "Linear", "Net");
        assertThat(((Linear) net.features.get(0)).weight().abs().sum().item()).isZero();
    }

    @Test void printsTheTreeLikePyTorch() {
        Module m = new Sequential(new Linear(784, 128), new ReLU(), new Dropout(0.2), new Linear(128, 10, false));
        assertThat(m.toString()).isEqualTo(String.join("\n",
                "Sequential(",
                "  (0): Linear(in_features=784, out_features=128, bias=True)",
                "  (1): ReLU()",
                "  (2): Dropout(p=0.2, inplace=False)",
                "  (3): Linear(in_features=128, out_features=10, bias=False)",
                ")",
                "Parameters: 101,760 (trainable: 101,760)"));
    }

    @Test void strictLoadReportsEveryProblemAtOnce() {
        Net net = new Net();
        Map<String, Tensor> sd = new LinkedHashMap<>(net.stateDict());
        sd.remove("head.bias");
        sd.put("extra.weight", Tensor.zeros(1));
        sd.put("features.0.weight", Tensor.zeros(4, 3));
        assertThatThrownBy(() -> net.loadStateDict(sd, true)).hasMessageContaining("Missing key(s) in state_dict: \"head.bias\"")
                .hasMessageContaining("Unexpected key(s) in state_dict: \"extra.weight\"")
                .hasMessageContaining("size mismatch for features.0.weight: copying a param with shape [4, 3] from checkpoint, "
                        + "the shape in current model is [3, 4]");
        sd.put("features.0.weight", Tensor.zeros(3, 4));
        Module.LoadResult r = net.loadStateDict(sd, false);
        assertThat(r.missingKeys()).containsExactly("head.bias");
        assertThat(r.unexpectedKeys()).containsExactly("extra.weight");
        assertThat(((Linear) net.features.get(0)).weight().abs().sum().item()).isZero();
    }

    @Test void stateDictRoundTripsThroughASafetensorsFile(@TempDir Path dir) throws Exception {
        Nabla.manualSeed(1);
        Net a = new Net();
        a.counter.fill_(42);
        Path f = dir.resolve("net.safetensors");
        Safetensors.save(a.stateDict(), f);
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactly("net.safetensors");   // no temp left
        Net b = new Net();
        b.loadStateDict(Safetensors.load(f), true);
        Tensor x = Tensor.randn(3, 4);
        assertThat(b.forward(x).toFloatArray()).containsExactly(a.forward(x).toFloatArray());
        assertThat(b.counter.toLongArray()).containsExactly(42);
    }
}
