package dev.nabla.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nabla.api.Module;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Parameter;
import dev.nabla.api.Safetensors;
import dev.nabla.api.Tensor;
import dev.nabla.training.EpochStats;
import dev.nabla.training.History;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Data-parallel training on Apache Spark in one barrier stage, as Horovod and BigDL do it: one task per rank, every
 * rank builds the same model from the same seed, trains on its partition, and after each backward pass the gradients
 * are averaged over the ranks by an all-reduce ({@link Collective}), so that every rank keeps bit-identical parameters.
 *
 * <p>In the stage, each task: sets {@link dev.nabla.api.Nabla#setNumThreads} to its share of the executor's cores;
 * meets the others once through {@code BarrierTaskContext.allGather} (addresses and partition sizes); builds the model
 * ({@code Nabla.manualSeed(seed)}, then the factory) and checks that every rank built the same parameters; runs
 * {@code epochs} epochs of {@code steps} steps, where {@code steps} is the smallest number of batches of any rank (a
 * rank with more samples leaves its surplus out of that epoch, a different surplus each epoch since each rank's
 * loader is shuffled by (seed, epoch, rank); the history says how many: {@code train_dropped}); evaluates on its
 * validation partition and sums loss and correct counts over the ranks; and rank 0 writes a checkpoint every
 * {@code checkpointEvery} steps and at each epoch's end. A retried stage (Spark retries a barrier stage as a whole)
 * resumes on every rank from that checkpoint. A peer that dies or stalls ends the stage within {@code timeout} with a
 * {@link CollectiveException} naming it. Rank 0 returns the state dict (safetensors bytes) and the history.
 *
 * <pre>{@code
 * var trainer = new SparkTrainer<Row>(() -> network(), F::crossEntropy, params -> new SGD(params, 0.1),
 *         new RowConverter("label", new long[] {1, 28, 28}, 1 / 255.0, 0.286, 0.353),
 *         SparkTrainer.Options.DEFAULT.withRanks(2).withEpochs(3).withBatchSize(50));
 * SparkTrainer.Result r = trainer.fit(trainFrame, testFrame);
 * Module model = network();
 * r.loadInto(model);
 * }</pre>
 *
 * @param <T> the type of the samples (e.g. {@code Row})
 */
public final class SparkTrainer<T> {

    /** Builds the model on each executor; every rank calls it after {@code Nabla.manualSeed(seed)}. */
    @FunctionalInterface
    public interface ModelFactory extends Serializable {
        Module create();
    }

    /** The loss of a batch, e.g. {@code F::crossEntropy}. */
    @FunctionalInterface
    public interface LossFunction extends Serializable {
        Tensor apply(Tensor output, Tensor target);
    }

    /** Builds the optimizer over the model's parameters, e.g. {@code p -> new SGD(p, 0.1)}. */
    @FunctionalInterface
    public interface OptimizerFactory extends Serializable {
        Optimizer create(List<Parameter> parameters);
    }

    /**
     * Called on every rank after each optimizer step (and its all-reduce), with the rank, the stage attempt, the
     * epoch, the batch within it and the global step (from 0): a place for progress reports. What it throws fails the
     * task, as the task's own failure would.
     */
    @FunctionalInterface
    public interface StepCallback extends Serializable {
        void afterStep(int rank, int stageAttempt, int epoch, int batch, long step);
    }

    /**
     * The knobs. {@code ranks}: the number of tasks, one per executor (0: Spark's default parallelism); the data are
     * repartitioned to it unless they have that many partitions. {@code batchSize}: per rank. {@code averageEvery}:
     * 0 averages gradients after every backward pass (synchronous SGD); k &gt; 0 lets the ranks step on their own and
     * averages the parameters every k steps and at each epoch's end (local SGD, for slow networks). {@code checkpoint}:
     * a file all executors reach (a local path or a shared file system's mount), {@code null} for none; when it exists
     * at the start, training resumes from it (delete it to start over). {@code checkpointEvery}: steps between
     * checkpoints (0: at epoch ends only; a multiple of {@code averageEvery} in local SGD). {@code timeout}: how long a
     * collective operation waits for a peer. {@code threads}: Nabla's threads per task (0: the task's cores: {@code
     * spark.task.cpus} when it is above 1, else {@code spark.executor.cores}, else in local mode the machine's cores
     * divided by the ranks). {@code connector}: how ranks connect ({@code null}: the TCP ring). {@code bucketBytes}: in
     * synchronous mode, gradients are averaged in buckets of at least this many bytes while backward goes on ({@link
     * GradientBuckets}, default {@link GradientBuckets#DEFAULT_BUCKET_BYTES}); 0: in one exchange after backward.
     */
    public record Options(int ranks, int epochs, int batchSize, long seed, boolean shuffle, int averageEvery, String checkpoint,
                          int checkpointEvery, Duration timeout, int threads, Connector connector, StepCallback callback,
                          long bucketBytes)
            implements Serializable {
        private static final long serialVersionUID = 1L;
        public static final Options DEFAULT = new Options(0, 1, 64, 0, true, 0, null, 0, Duration.ofSeconds(60), 0, null, null,
                GradientBuckets.DEFAULT_BUCKET_BYTES);

        public Options {
            if (ranks < 0) throw new IllegalArgumentException("SparkTrainer: ranks must be >= 0 (0: Spark's default parallelism), got " + ranks);
            if (epochs < 1) throw new IllegalArgumentException("SparkTrainer: epochs must be >= 1, got " + epochs);
            if (batchSize < 1) throw new IllegalArgumentException("SparkTrainer: the batch size per rank must be >= 1, got " + batchSize);
            if (averageEvery < 0) throw new IllegalArgumentException("SparkTrainer: averageEvery must be >= 0 (0: average gradients every step), got " + averageEvery);
            if (checkpointEvery < 0) throw new IllegalArgumentException("SparkTrainer: checkpointEvery must be >= 0 (0: at epoch ends), got " + checkpointEvery);
            if (averageEvery > 0 && checkpointEvery % averageEvery != 0) {
                throw new IllegalArgumentException("SparkTrainer: with parameter averaging every " + averageEvery + " steps, checkpointEvery must be a multiple of it"
                        + " (the ranks agree only after an average), got " + checkpointEvery);
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("SparkTrainer: the timeout must be positive, got " + timeout);
            if (threads < 0) throw new IllegalArgumentException("SparkTrainer: threads must be >= 0 (0: the task's cores), got " + threads);
            if (bucketBytes < 0) throw new IllegalArgumentException("SparkTrainer: bucketBytes must be >= 0 (0: one exchange after backward), got " + bucketBytes);
        }

        public Options withRanks(int v) { return new Options(v, epochs, batchSize, seed, shuffle, averageEvery, checkpoint, checkpointEvery, timeout, threads, connector, callback, bucketBytes); }
        public Options withEpochs(int v) { return new Options(ranks, v, batchSize, seed, shuffle, averageEvery, checkpoint, checkpointEvery, timeout, threads, connector, callback, bucketBytes); }
        public Options withBatchSize(int v) { return new Options(ranks, epochs, v, seed, shuffle, averageEvery, checkpoint, checkpointEvery, timeout, threads, connector, callback, bucketBytes); }
        public Options withSeed(long v) { return new Options(ranks, epochs, batchSize, v, shuffle, averageEvery, checkpoint, checkpointEvery, timeout, threads, connector, callback, bucketBytes); }
        public Options withShuffle(boolean v) { return new Options(ranks, epochs, batchSize, seed, v, averageEvery, checkpoint, checkpointEvery, timeout, threads, connector, callback, bucketBytes); }
        public Options withAverageEvery(int v) { return new Options(ranks, epochs, batchSize, seed, shuffle, v, checkpoint, checkpointEvery, timeout, threads, connector, callback, bucketBytes); }
        public Options withCheckpoint(String v) { return new Options(ranks, epochs, batchSize, seed, shuffle, averageEvery, v, checkpointEvery, timeout, threads, connector, callback, bucketBytes); }
        public Options withCheckpointEvery(int v) { return new Options(ranks, epochs, batchSize, seed, shuffle, averageEvery, checkpoint, v, timeout, threads, connector, callback, bucketBytes); }
        public Options withTimeout(Duration v) { return new Options(ranks, epochs, batchSize, seed, shuffle, averageEvery, checkpoint, checkpointEvery, v, threads, connector, callback, bucketBytes); }
        public Options withThreads(int v) { return new Options(ranks, epochs, batchSize, seed, shuffle, averageEvery, checkpoint, checkpointEvery, timeout, v, connector, callback, bucketBytes); }
        public Options withConnector(Connector v) { return new Options(ranks, epochs, batchSize, seed, shuffle, averageEvery, checkpoint, checkpointEvery, timeout, threads, v, callback, bucketBytes); }
        public Options withBucketBytes(long v) { return new Options(ranks, epochs, batchSize, seed, shuffle, averageEvery, checkpoint, checkpointEvery, timeout, threads, connector, callback, v); }
        public Options withCallback(StepCallback v) { return new Options(ranks, epochs, batchSize, seed, shuffle, averageEvery, checkpoint, checkpointEvery, timeout, threads, connector, v, bucketBytes); }
    }

    /**
     * What rank 0 sends back: the trained state dict, the per-epoch history ({@code train_loss}, {@code train_accuracy},
     * {@code train_samples}, {@code train_dropped}, {@code val_loss}, {@code val_accuracy}, {@code lr}), and a 64-bit
     * hash of each rank's final state dict, by rank (all equal: the trainer checks it).
     */
    public record Result(Map<String, Tensor> stateDict, History history, long[] stateHashes) {
        public Result {
            stateDict = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(stateDict));
            stateHashes = stateHashes.clone();
        }

        @Override public long[] stateHashes() { return stateHashes.clone(); }

        /** Loads the trained state into {@code model} (strict: every key must match). */
        public Module loadInto(Module model) {
            model.loadStateDict(stateDict, true);
            return model;
        }
    }

    static final String HISTORY_KEY = "nabla.spark.history";
    static final String HASHES_KEY = "nabla.spark.hashes";

    private final ModelFactory model;
    private final LossFunction loss;
    private final OptimizerFactory optimizer;
    private final TensorConverter<T> converter;
    private final Options options;

    public SparkTrainer(ModelFactory model, LossFunction loss, OptimizerFactory optimizer, TensorConverter<T> converter, Options options) {
        if (model == null || loss == null || optimizer == null || converter == null || options == null) {
            throw new IllegalArgumentException("SparkTrainer: the model factory, loss, optimizer factory, converter and options must not be null");
        }
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
        this.converter = converter;
        this.options = options;
    }

    public Options options() { return options; }

    /** Trains on the rows of a Spark {@code Dataset} (e.g. a {@code DataFrame} with a {@link RowConverter}); {@code validation} may be null. */
    public Result fit(org.apache.spark.sql.Dataset<T> train, org.apache.spark.sql.Dataset<T> validation) {
        if (train == null) throw new IllegalArgumentException("SparkTrainer.fit: the training data must not be null");
        return fit(train.javaRDD(), validation == null ? null : validation.javaRDD());
    }

    /** Trains on the elements of an RDD; {@code validation} may be null. */
    public Result fit(JavaRDD<T> train, JavaRDD<T> validation) {
        if (train == null) throw new IllegalArgumentException("SparkTrainer.fit: the training data must not be null");
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(train.context());
        if (sc.getConf().getBoolean("spark.dynamicAllocation.enabled", false)) {
            throw new IllegalStateException("SparkTrainer: Spark runs barrier stages only without dynamic allocation; set spark.dynamicAllocation.enabled=false");
        }
        int ranks = options.ranks() > 0 ? options.ranks() : sc.defaultParallelism();
        JavaRDD<T> t = train.getNumPartitions() == ranks ? train : train.repartition(ranks);
        JavaRDD<T> v = validation == null ? sc.<T>parallelize(List.of(), ranks)
                : validation.getNumPartitions() == ranks ? validation : validation.repartition(ranks);
        JavaRDD<Partition<T>> parts = t.zipPartitions(v, (a, b) -> List.of(Partition.of(a, b)).iterator());
        RDD<Partition<T>> rdd = parts.rdd();
        ClassTag<byte[]> tag = ClassTag$.MODULE$.apply(byte[].class);
        RankTask<T> task = new RankTask<>(model, loss, optimizer, converter, options);
        // the barrier stage ends in a shuffle: Spark retries a failed barrier stage only when it is a shuffle-map stage
        // (a failed barrier result stage aborts the job, "Could not recover from a failed barrier ResultStage")
        List<byte[]> out = rdd.barrier().mapPartitions(task, false, tag).toJavaRDD().repartition(1).collect();
        if (out.size() != 1) throw new IllegalStateException("SparkTrainer: expected one result from rank 0, got " + out.size());
        return decode(out.get(0));
    }

    /** The state dict, history and hashes from rank 0's safetensors bytes. */
    static Result decode(byte[] bytes) {
        try {
            Path tmp = Files.createTempFile("nabla-spark-result", ".safetensors");
            try {
                Files.write(tmp, bytes);
                Map<String, String> meta = Safetensors.metadata(tmp);
                Map<String, Tensor> state = Safetensors.load(tmp);
                ObjectMapper json = new ObjectMapper();
                List<EpochStats> epochs = new ArrayList<>();
                for (JsonNode e : json.readTree(meta.get(HISTORY_KEY))) {
                    Map<String, Double> values = new LinkedHashMap<>();
                    e.get("values").fields().forEachRemaining(f -> values.put(f.getKey(), f.getValue().isNumber() ? f.getValue().doubleValue() : Double.NaN));
                    epochs.add(new EpochStats(e.get("epoch").intValue(), values, e.get("seconds").doubleValue()));
                }
                JsonNode h = json.readTree(meta.get(HASHES_KEY));
                long[] hashes = new long[h.size()];
                for (int i = 0; i < hashes.length; i++) hashes[i] = h.get(i).longValue();
                return new Result(state, new History(epochs), hashes);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("SparkTrainer: cannot read rank 0's result", e);
        }
    }
}
