package dev.nabla.training;

import static dev.nabla.training.TrainingFixtures.bits;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.datasets.Dataset;
import dev.nabla.datasets.Sample;
import dev.nabla.layers.F;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** With Nabla.manualSeed(s), two CPU runs with shuffling, dropout and two data workers give bit-identical parameters. */
class ReproducibilityTest {
    private static final Dataset<Sample> TRAIN = TrainingFixtures.train(256);

    private static Map<String, int[]> run(long seed, Supplier<Module> factory) {
        Nabla.manualSeed(seed);
        Module model = factory.get();
        Trainer t = new Trainer(model, new SGD(model.parameters(), 0.05, 0.9), F::crossEntropy,
                Trainer.Options.DEFAULT.withEpochs(2).withQuiet(true));
        t.fit(TrainingFixtures.loader(TRAIN, 32));
        return bits(model);
    }

    private static void assertSame(Map<String, int[]> a, Map<String, int[]> b) {
        assertThat(b.keySet()).isEqualTo(a.keySet());
        for (String k : a.keySet()) assertThat(b.get(k)).as(k).containsExactly(a.get(k));
    }

    @Test void anMlpTrainsToBitIdenticalParameters() {
        Map<String, int[]> a = run(11, TrainingFixtures::mlp);
        assertSame(a, run(11, TrainingFixtures::mlp));
        assertThat(run(12, TrainingFixtures::mlp).get("1.weight")).isNotEqualTo(a.get("1.weight"));
    }

    @Test void aConvnetTrainsToBitIdenticalParameters() {
        assertSame(run(5, TrainingFixtures::convnet), run(5, TrainingFixtures::convnet));
    }
}
