package dev.nabla.training;

import static dev.nabla.training.TrainingFixtures.loader;
import static dev.nabla.training.TrainingFixtures.mlp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.datasets.DataLoader;
import dev.nabla.layers.F;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the Trainer prints where the output is not a terminal: one line per epoch, numbered as the History and CSV. */
class TrainerOutputTest {
    private static final Pattern LINE = Pattern.compile(
            "epoch (\\d+) \\((\\d+) of 3\\)  train_loss (\\S+)  train_accuracy (\\S+)  val_loss (\\S+)  val_accuracy (\\S+)  lr (\\S+)  (\\S+) s");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private Trainer trainer(Trainer.Options options) {
        Nabla.manualSeed(5);
        Module model = mlp();
        SGD sgd = new SGD(model.parameters(), 0.05);
        return new Trainer(model, sgd, F::crossEntropy, options.withOutput(out)).metrics(new Accuracy()).schedule(new StepLR(sgd, 1, 0.5));
    }

    private List<String> lines() { return bytes.toString(StandardCharsets.UTF_8).lines().toList(); }

    private static String f4(double v) { return String.format(Locale.ROOT, "%.4f", v); }

    @Test void oneLinePerEpochWithTheHistorysValuesAndNumbers() {
        History h = trainer(Trainer.Options.DEFAULT.withEpochs(3))
                .fit(loader(TrainingFixtures.train(128), 32), new DataLoader<>(TrainingFixtures.test(64), 64));

        List<String> lines = lines();
        assertThat(lines).hasSize(3);
        List<String> csv = h.toCsv().lines().skip(1).toList();
        String[] lrs = {"0.05", "0.025", "0.0125"};
        for (int i = 0; i < 3; i++) {
            Matcher m = LINE.matcher(lines.get(i));
            assertThat(m.matches()).as("line %d: %s", i, lines.get(i)).isTrue();
            EpochStats s = h.epochs().get(i);
            assertThat(Integer.parseInt(m.group(1))).isEqualTo(s.epoch()).isEqualTo(i)
                    .isEqualTo(Integer.parseInt(csv.get(i).split(",")[0]));
            assertThat(m.group(2)).isEqualTo(Integer.toString(i + 1));
            assertThat(m.group(3)).isEqualTo(f4(s.get("train_loss")));
            assertThat(m.group(4)).isEqualTo(f4(s.get("train_accuracy")));
            assertThat(m.group(5)).isEqualTo(f4(s.get("val_loss")));
            assertThat(m.group(6)).isEqualTo(f4(s.get("val_accuracy")));
            assertThat(m.group(7)).isEqualTo(lrs[i]);
            assertThat(m.group(8)).isEqualTo(String.format(Locale.ROOT, "%.1f", s.seconds()));
        }
    }

    @Test void withoutValidationTheLineHasTheTrainingValuesOnly() {
        History h = trainer(Trainer.Options.DEFAULT.withEpochs(1)).fit(loader(TrainingFixtures.train(64), 32));
        assertThat(lines()).singleElement().asString()
                .startsWith("epoch 0 (1 of 1)  train_loss " + f4(h.last().get("train_loss")) + "  train_accuracy ")
                .contains("  lr 0.05  ").doesNotContain("val_");
    }

    @Test void quietPrintsNothing() {
        trainer(Trainer.Options.DEFAULT.withEpochs(2).withQuiet(true)).fit(loader(TrainingFixtures.train(64), 32));
        assertThat(bytes.size()).isZero();
    }

    @Test void theNumbersOfTheValuesAreFormattedForReading() {
        var values = new java.util.LinkedHashMap<String, Double>();
        values.put("train_loss", 0.123456);
        values.put("val_loss", Double.NaN);
        values.put("lr", 5e-4);
        assertThat(TrainerOutput.values(values, "")).isEqualTo("train_loss 0.1235  val_loss NaN  lr 0.0005");
        assertThat(TrainerOutput.values(values, "val_")).isEqualTo("val_loss NaN");
        assertThat(TrainerOutput.epoch(9, 10)).isEqualTo("epoch 9 (10 of 10)");
    }
}
