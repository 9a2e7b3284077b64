package dev.nabla.spark;

import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.Batch;
import dev.nabla.datasets.DataLoader;
import dev.nabla.datasets.TensorDataset;
import dev.nabla.layers.BatchNorm1d;
import dev.nabla.layers.F;
import dev.nabla.layers.Linear;
import dev.nabla.layers.ReLU;
import dev.nabla.training.EpochStats;
import dev.nabla.training.SGD;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.nd4j.linalg.factory.Nd4j;

/**
 * For {@link SparkTrainerTest}: the trainer's scenarios in one Spark context, run in a JVM of their own (Spark
 * 3.5.9's local mode leaves a non-daemon thread behind, so this program ends with {@code System.exit}). Arguments: the
 * master, a scratch directory, then scenario names. Each scenario prints one line {@code SCENARIO name key=value …}
 * that the test reads.
 */
public final class SparkScenarios {
    static final int FEATURES = 6, CLASSES = 3, SAMPLES = 48, BATCH = 4;
    static final long SEED = 7;

    private SparkScenarios() {}

    /** A sample of the test's problem: three noisy clusters. */
    record Point(float[] x, int label) implements Serializable {}

    static List<Point> points(int n) {
        Random r = new Random(42);
        List<Point> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = i % CLASSES;
            float[] x = new float[FEATURES];
            for (int j = 0; j < FEATURES; j++) x[j] = (float) ((j % CLASSES == label ? 1.5 : 0) + r.nextGaussian());
            out.add(new Point(x, label));
        }
        return out;
    }

    static TensorDataset tensors(List<Point> ps) {
        float[] x = new float[ps.size() * FEATURES];
        long[] y = new long[ps.size()];
        for (int i = 0; i < ps.size(); i++) {
            System.arraycopy(ps.get(i).x(), 0, x, i * FEATURES, FEATURES);
            y[i] = ps.get(i).label();
        }
        return new TensorDataset(Tensor.from(Nd4j.create(x, new long[] {ps.size(), FEATURES}, 'c')), Tensor.from(Nd4j.createFromArray(y)));
    }

    static Module model() {
        return new Sequential(new Linear(FEATURES, 16), new ReLU(), new Linear(16, CLASSES));
    }

    static Module normalisedModel() {
        return new Sequential(new Linear(FEATURES, 16), new BatchNorm1d(16), new ReLU(), new Linear(16, CLASSES));
    }

    static SparkTrainer.Options options() {
        return SparkTrainer.Options.DEFAULT.withRanks(2).withEpochs(3).withBatchSize(BATCH).withSeed(SEED).withTimeout(Duration.ofSeconds(20))
                .withThreads(1);
    }

    static SparkTrainer<Point> trainer(SparkTrainer.Options o) {
        return new SparkTrainer<>(SparkScenarios::model, F::crossEntropy, p -> new SGD(p, 0.2), SparkScenarios::tensors, o);
    }

    /** Throws on rank 1's step 7 in the stage's first attempt: a task killed mid-epoch. */
    static void failOnce(int rank, int attempt, int epoch, int batch, long step) {
        if (rank == 1 && attempt == 0 && step == 7) throw new IllegalStateException("test: rank 1 killed at step 7");
    }

    /** Rank 1 stops answering at step 2 (until Spark kills the task). */
    static void stall(int rank, int attempt, int epoch, int batch, long step) {
        if (rank != 1 || step != 2) return;
        while (!TaskContext.get().isInterrupted()) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                break;
            }
        }
        throw new IllegalStateException("test: the stalled rank 1 was killed");
    }

    public static void main(String[] args) throws Exception {
        int status = 0;
        try {
            run(args);
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        }
        System.out.flush();
        System.exit(status);
    }

    static void run(String[] args) throws Exception {
        String master = args[0];
        Path dir = Path.of(args[1]);
        SparkConf conf = new SparkConf().setMaster(master).setAppName("nabla-spark-test")
                .set("spark.ui.enabled", "false").set("spark.stage.maxConsecutiveAttempts", "2")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        if (System.getProperty("test.executorClassPath") != null) {
            conf.set("spark.executor.extraClassPath", System.getProperty("test.executorClassPath"));
        }
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("ERROR");
            AtomicInteger retries = new AtomicInteger();
            sc.sc().addSparkListener(new SparkListener() {
                @Override public void onStageCompleted(SparkListenerStageCompleted e) {
                    if (e.stageInfo().attemptNumber() > 0) retries.incrementAndGet();
                }
            });
            List<Point> data = points(SAMPLES);
            JavaRDD<Point> rdd = sc.parallelize(data, 2);
            SparkTrainer.Result sync = null;
            for (int i = 2; i < args.length; i++) {
                String name = args[i];
                long t0 = System.nanoTime();
                switch (name) {
                    case "sync" -> {
                        sync = trainer(options().withCheckpoint(dir.resolve("sync/ckpt.safetensors").toString()).withCheckpointEvery(3)).fit(rdd, rdd);
                        Map<String, Tensor> reference = reference(data);
                        Module initial = initial();
                        print(name, t0, "maxDiff", maxDiff(sync.stateDict(), reference), "moved", maxDiff(initial.stateDict(), reference),
                                "hashes", sync.stateHashes()[0] + "," + sync.stateHashes()[1], "resultHash", StateHash.of(sync.stateDict()),
                                "epochs", sync.history().size(), "history", history(sync.history().epochs()));
                    }
                    case "average" -> {
                        SparkTrainer.Result avg = trainer(options().withAverageEvery(1)).fit(rdd, rdd);
                        print(name, t0, "maxDiff", maxDiff(avg.stateDict(), need(sync).stateDict()), "hashes", avg.stateHashes()[0] + "," + avg.stateHashes()[1]);
                    }
                    case "resume" -> {
                        int before = retries.get();
                        SparkTrainer.Result r = trainer(options().withCheckpoint(dir.resolve("resume/ckpt.safetensors").toString()).withCheckpointEvery(3)
                                .withCallback(SparkScenarios::failOnce)).fit(rdd, rdd);
                        print(name, t0, "maxDiff", maxDiff(r.stateDict(), need(sync).stateDict()), "retries", retries.get() - before,
                                "sameHistory", history(r.history().epochs()).equals(history(need(sync).history().epochs())));
                    }
                    case "stall" -> {
                        String error = "none";
                        try {
                            trainer(options().withTimeout(Duration.ofSeconds(3)).withCallback(SparkScenarios::stall)).fit(rdd, null);
                        } catch (Exception e) {
                            error = e.getMessage().lines().filter(l -> l.contains("CollectiveException")).findFirst().orElse(e.getMessage().lines().findFirst().orElse(""));
                        }
                        print(name, t0, "error", error.replace(' ', '_'));
                    }
                    case "unequal" -> {
                        JavaRDD<Point> skewed = rdd.mapPartitionsWithIndex((p, it) -> {
                            List<Point> keep = new ArrayList<>();
                            for (int k = 0; it.hasNext(); k++) {
                                Point q = it.next();
                                if (p == 0 || k < 14) keep.add(q);
                            }
                            return keep.iterator();
                        }, true);
                        // with BatchNorm: each rank's running statistics come from its own data until the epoch's end averages them
                        SparkTrainer.Result r = new SparkTrainer<>(SparkScenarios::normalisedModel, F::crossEntropy, p -> new SGD(p, 0.2),
                                SparkScenarios::tensors, options().withEpochs(2)).fit(skewed, null);
                        EpochStats last = r.history().last();
                        print(name, t0, "samples", (long) last.get("train_samples"), "dropped", (long) last.get("train_dropped"),
                                "hashes", r.stateHashes()[0] + "," + r.stateHashes()[1]);
                    }
                    default -> throw new IllegalArgumentException("SparkScenarios: unknown scenario " + name);
                }
            }
        }
    }

    private static SparkTrainer.Result need(SparkTrainer.Result sync) {
        if (sync == null) throw new IllegalStateException("SparkScenarios: run 'sync' first");
        return sync;
    }

    static Module initial() {
        Nabla.manualSeed(SEED);
        return model();
    }

    /**
     * One process at batch 2·BATCH: each batch is rank 0's batch followed by rank 1's, as the ranks' loaders draw them
     * (the partitions of {@code parallelize(data, 2)} are the two halves).
     */
    static Map<String, Tensor> reference(List<Point> data) {
        Module m = initial();
        Optimizer opt = new SGD(m.parameters(), 0.2);
        int half = data.size() / 2;
        List<DataLoader<?>> loaders = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            loaders.add(new DataLoader<>(tensors(data.subList(r * half, (r + 1) * half)), BATCH, true,
                    DataLoader.Options.DEFAULT.withSeed(RankTask.loaderSeed(SEED, r))));
        }
        for (int epoch = 0; epoch < options().epochs(); epoch++) {
            loaders.get(0).setEpoch(epoch);
            loaders.get(1).setEpoch(epoch);
            Iterator<Batch> a = loaders.get(0).iterator(), b = loaders.get(1).iterator();
            while (a.hasNext()) {
                Batch x = a.next(), y = b.next();
                opt.zeroGrad();
                F.crossEntropy(m.forward(Tensor.cat(List.of(x.x(), y.x()), 0)), Tensor.cat(List.of(x.y(), y.y()), 0)).backward();
                opt.step();
            }
        }
        return m.stateDict();
    }

    static double maxDiff(Map<String, Tensor> a, Map<String, Tensor> b) {
        if (!a.keySet().equals(b.keySet())) throw new IllegalStateException("SparkScenarios: keys " + a.keySet() + " vs " + b.keySet());
        double max = 0;
        for (String k : a.keySet()) max = Math.max(max, a.get(k).nd().sub(b.get(k).nd()).amaxNumber().doubleValue());
        return max;
    }

    static String history(List<EpochStats> epochs) {
        StringBuilder s = new StringBuilder();
        for (EpochStats e : epochs) {
            s.append(e.epoch());
            e.values().forEach((k, v) -> s.append(String.format(Locale.ROOT, ";%s=%.6f", k, v)));
            s.append('|');
        }
        return s.toString();
    }

    private static void print(String name, long t0, Object... kv) {
        StringBuilder s = new StringBuilder("SCENARIO " + name);
        for (int i = 0; i < kv.length; i += 2) s.append(' ').append(kv[i]).append('=').append(kv[i + 1]);
        s.append(String.format(Locale.ROOT, " seconds=%.1f", (System.nanoTime() - t0) / 1e9));
        System.out.println(s);
        System.out.flush();
    }

    static boolean exists(Path p) { return Files.exists(p); }
}
