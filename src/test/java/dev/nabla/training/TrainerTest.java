package dev.nabla.training;

import static dev.nabla.training.TrainingFixtures.bits;
import static dev.nabla.training.TrainingFixtures.loader;
import static dev.nabla.training.TrainingFixtures.mlp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.DataLoader;
import dev.nabla.datasets.Dataset;
import dev.nabla.datasets.Sample;
import dev.nabla.layers.F;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static final Dataset<Sample> TRAIN = TrainingFixtures.train(320);
    private static final Dataset<Sample> VAL = TrainingFixtures.test(128);

    @TempDir Path dir;

    /** One run: seed, model, loaders, Adam with a StepLR, as a user would write it. */
    private record Run(Module model, Trainer trainer, DataLoader<Sample> train, DataLoader<Sample> val) {
        static Run of(int epochs, Path checkpoint, Callback... callbacks) {
            Nabla.manualSeed(7);
            Module model = mlp();
            Adam opt = new Adam(model.parameters(), 1e-3);
            Trainer t = new Trainer(model, opt, F::crossEntropy,
                    Trainer.Options.DEFAULT.withEpochs(epochs).withQuiet(true).withCheckpoint(checkpoint))
                    .metrics(new Accuracy()).schedule(new StepLR(opt, 2, 0.5));
            for (Callback c : callbacks) t.callback(c);
            return new Run(model, t, loader(TRAIN, 32), new DataLoader<>(VAL, 64));
        }
    }

    @Test void resumeAfterAFailedEpochEndsBitForBitWhereAnUninterruptedRunEnds() throws Exception {
        Run straight = Run.of(4, dir.resolve("a.safetensors"));
        History full = straight.trainer().fit(straight.train(), straight.val());

        Path ckpt = dir.resolve("b.safetensors");
        Run broken = Run.of(4, ckpt, new Callback() {
            @Override public void onBatchEnd(Trainer t, int epoch, int batch, double loss) {
                if (epoch == 2 && batch == 3) throw new IllegalStateException("callback failed");
            }
        });
        assertThatThrownBy(() -> broken.trainer().fit(broken.train(), broken.val()))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("epoch 2").hasMessageContaining("callback failed")
                .hasMessageContaining("the checkpoint of epoch 1");
        assertThat(Checkpoint.load(ckpt).epoch()).isEqualTo(1);

        Run resumed = Run.of(4, ckpt);
        Tensor.rand(1000);                   // draws that the restored random state must undo
        Nabla.javaRandom().nextLong();
        History rest = resumed.trainer().resume(resumed.train(), resumed.val());

        assertThat(rest.size()).isEqualTo(4);
        assertThat(rest.series("val_loss")).containsExactly(full.series("val_loss"));
        assertThat(rest.series("lr")).containsExactly(1e-3, 1e-3, 5e-4, 5e-4);
        Map<String, int[]> a = bits(straight.model()), b = bits(resumed.model());
        assertThat(b.keySet()).isEqualTo(a.keySet());
        for (String k : a.keySet()) assertThat(b.get(k)).as(k).containsExactly(a.get(k));
    }

    @Test void aFailingDataWorkerEndsTheRunWithTheLastCheckpointIntact() throws Exception {
        Path ckpt = dir.resolve("c.safetensors");
        Dataset<Sample> failing = new Dataset<>() {
            @Override public int size() { return 96; }
            @Override public Sample get(int i) {
                if (Thread.currentThread().getName().contains("worker") && failOn[0]) throw new IllegalStateException("disk gone");
                return TRAIN.get(i);
            }
        };
        Nabla.manualSeed(1);
        Module model = mlp();
        Trainer t = new Trainer(model, new SGD(model.parameters(), 0.01), F::crossEntropy,
                Trainer.Options.DEFAULT.withEpochs(3).withQuiet(true).withCheckpoint(ckpt))
                .callback(new Callback() {
                    @Override public void onEpochStart(Trainer tr, int epoch) { failOn[0] = epoch == 1; }
                });
        var l = new DataLoader<>(failing, 32, true, DataLoader.Options.DEFAULT.withNumWorkers(2), null);
        assertThatThrownBy(() -> t.fit(l)).isInstanceOf(TrainingException.class).hasMessageContaining("disk gone")
                .hasMessageContaining("the checkpoint of epoch 0");
        Checkpoint c = Checkpoint.load(ckpt);
        assertThat(c.epoch()).isZero();
        assertThat(c.history()).hasSize(1);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("c.safetensors");
        }
    }

    private static final boolean[] failOn = new boolean[1];

    @Test void earlyStoppingStopsAfterPatienceEpochsWithoutImprovement() {
        Nabla.manualSeed(3);
        Module model = mlp();
        Trainer t = new Trainer(model, new SGD(model.parameters(), 0.0), F::crossEntropy,   // lr 0: the validation loss never improves
                Trainer.Options.DEFAULT.withEpochs(10).withQuiet(true).withEarlyStopping(new EarlyStopping("val_loss", "min", 2)));
        History h = t.fit(new DataLoader<>(TrainingFixtures.train(64), 32), new DataLoader<>(VAL, 64));
        assertThat(h.size()).isEqualTo(3);
        assertThat(new EarlyStopping("val_loss", "min", 2).bestEpoch(h.epochs())).isZero();
    }

    @Test void aNonFiniteGradientStopsTrainingNamingTheParameter() {
        Nabla.manualSeed(3);
        Module model = mlp();
        Tensor bias = model.namedParameters().get("4.bias");
        Trainer t = new Trainer(model, new SGD(model.parameters(), 0.1), (out, y) -> F.crossEntropy(out, y).add(bias.mul(0).sqrt().sum()),
                Trainer.Options.DEFAULT.withEpochs(2).withQuiet(true));
        assertThatThrownBy(() -> t.fit(new DataLoader<>(TrainingFixtures.train(64), 32)))
                .isInstanceOfSatisfying(NonFiniteException.class, e -> {
                    assertThat(e.where()).isEqualTo("4.bias");
                    assertThat(e.step()).isZero();
                })
                .hasMessageContaining("the gradient of '4.bias' has NaN values at step 0 (epoch 0, batch 0 of 2)");
    }

    @Test void aNonFiniteLossStopsTrainingNamingTheStep() {
        Nabla.manualSeed(3);
        Module model = mlp();
        int[] calls = {0};
        Trainer t = new Trainer(model, new SGD(model.parameters(), 0.1),
                (out, y) -> F.crossEntropy(out, y).mul(++calls[0] == 3 ? Double.POSITIVE_INFINITY : 1),
                Trainer.Options.DEFAULT.withEpochs(2).withQuiet(true));
        assertThatThrownBy(() -> t.fit(new DataLoader<>(TrainingFixtures.train(64), 32)))
                .isInstanceOfSatisfying(NonFiniteException.class, e -> assertThat(e.where()).isEqualTo("loss"))
                .hasMessageContaining("the loss is Infinity at step 2 (epoch 1, batch 0 of 2)");
    }

    /** Live worker threads of data loaders, by name. */
    private static java.util.Set<Thread> loaderThreads() {
        java.util.Set<Thread> out = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) if (t.isAlive() && t.getName().startsWith("nabla-dataloader-")) out.add(t);
        return out;
    }

    /** A run that fails mid-epoch, in training and in validation, closes the epoch it opened: its worker threads end (no GC needed). */
    @Test void aRunThatFailsMidEpochEndsTheLoadersWorkerThreads() throws InterruptedException {
        java.util.Set<Thread> before = loaderThreads(), seen = new java.util.HashSet<>();
        Nabla.manualSeed(5);
        Module model = mlp();
        Trainer t = new Trainer(model, new SGD(model.parameters(), 0.01), F::crossEntropy,
                Trainer.Options.DEFAULT.withEpochs(1).withQuiet(true));
        t.callback(new Callback() {
            @Override public void onBatchEnd(Trainer tr, int epoch, int batch, double loss) {
                seen.addAll(loaderThreads());
                if (batch == 1) throw new IllegalStateException("stop at batch 1");
            }
        });
        DataLoader<Sample> train = loader(TRAIN, 16);
        assertThatThrownBy(() -> t.fit(train)).isInstanceOf(TrainingException.class).hasMessageContaining("stop at batch 1");
        DataLoader<Sample> failing = new DataLoader<>(new Dataset<Sample>() {
            @Override public int size() { return 64; }
            @Override public Sample get(int i) {
                seen.addAll(loaderThreads());
                if (i == 40) throw new IllegalStateException("bad sample 40");
                return VAL.get(i);
            }
        }, 8, false, DataLoader.Options.DEFAULT.withNumWorkers(2).withPrefetchFactor(1));
        assertThatThrownBy(() -> t.evaluate(failing)).hasMessageContaining("bad sample 40");
        seen.removeAll(before);
        assertThat(seen).as("worker threads seen during the runs").isNotEmpty();
        for (Thread w : seen) w.join(5000);
        assertThat(seen).as("worker threads still alive").noneMatch(Thread::isAlive);
    }

    @Test void historyIsWrittenAsCsvAndPlottedAsPng() throws Exception {
        Run r = Run.of(2, null);
        History h = r.trainer().fit(r.train(), r.val());
        Path csv = dir.resolve("history.csv"), png = dir.resolve("history.png");
        h.writeCsv(csv);
        h.plot(png);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo("epoch,train_loss,train_accuracy,val_loss,val_accuracy,lr,seconds");
        for (int e = 0; e < 2; e++) {
            String[] cells = lines.get(e + 1).split(",");
            assertThat(Integer.parseInt(cells[0])).isEqualTo(e);
            assertThat(Double.parseDouble(cells[1])).isEqualTo(h.epochs().get(e).get("train_loss"));
            assertThat(Double.parseDouble(cells[4])).isEqualTo(h.epochs().get(e).get("val_accuracy")).isBetween(0.0, 1.0);
        }
        assertThat(h.series("val_loss")[1]).isLessThan(h.series("val_loss")[0]);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isEqualTo(2 * 560);
        assertThat(img.getHeight()).isEqualTo(400);
        if (System.getenv("NABLA_KEEP_PLOTS") != null) Files.copy(png, Path.of(System.getenv("NABLA_KEEP_PLOTS"), "history.png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
