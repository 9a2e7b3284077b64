package dev.nabla.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nabla.api.Grad;
import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Safetensors;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.Batch;
import dev.nabla.datasets.DataLoader;
import dev.nabla.datasets.TensorDataset;
import dev.nabla.training.Checkpoint;
import dev.nabla.training.EpochStats;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * What one rank of a {@link SparkTrainer} does in the barrier stage: rendezvous, build the model, train, validate,
 * checkpoint, and (rank 0) return the result. A Scala function, since {@code RDDBarrier.mapPartitions} takes one.
 */
final class RankTask<T> extends AbstractFunction1<Iterator<Partition<T>>, Iterator<byte[]>> implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SparkTrainer.class);
    static final String POSITION_KEY = "nabla.spark.position";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SparkTrainer.ModelFactory modelFactory;
    private final SparkTrainer.LossFunction loss;
    private final SparkTrainer.OptimizerFactory optimizerFactory;
    private final TensorConverter<T> converter;
    private final SparkTrainer.Options o;

    RankTask(SparkTrainer.ModelFactory model, SparkTrainer.LossFunction loss, SparkTrainer.OptimizerFactory optimizer,
             TensorConverter<T> converter, SparkTrainer.Options options) {
        this.modelFactory = model;
        this.loss = loss;
        this.optimizerFactory = optimizer;
        this.converter = converter;
        this.o = options;
    }

    @Override
    public Iterator<byte[]> apply(Iterator<Partition<T>> partitions) {
        BarrierTaskContext ctx = BarrierTaskContext.get();
        int rank = ctx.partitionId(), world = ctx.getTaskInfos().length, attempt = ctx.stageAttemptNumber();
        List<T> train = new ArrayList<>(), validation = new ArrayList<>();
        partitions.foreach(p -> { train.addAll(p.train()); validation.addAll(p.validation()); return null; });
        Nabla.setNumThreads(threads(ctx, world));
        String host = ctx.getTaskInfos()[rank].address();
        host = host.substring(0, host.lastIndexOf(':'));
        Connector connector = o.connector() != null ? o.connector() : Connector.ring();
        try (Connector.Endpoint endpoint = connector.listen(host, o.timeout())) {
            // the one rendezvous: every rank's address and partition sizes, through the driver (~1 s)
            String[] all = ctx.allGather(endpoint.address() + " " + train.size() + " " + validation.size());
            List<String> addresses = new ArrayList<>();
            long[] trainSizes = new long[world];
            for (int r = 0; r < world; r++) {
                String[] f = all[r].split(" ");
                addresses.add(f[0]);
                trainSizes[r] = Long.parseLong(f[1]);
            }
            int steps = Integer.MAX_VALUE;
            for (int r = 0; r < world; r++) {
                if (trainSizes[r] == 0) {
                    throw new IllegalStateException("SparkTrainer: rank " + r + " has no training samples (partition sizes "
                            + Arrays.toString(trainSizes) + "); give the data at least " + world + " samples, well spread over its partitions");
                }
                steps = (int) Math.min(steps, (trainSizes[r] + o.batchSize() - 1) / o.batchSize());
            }
            try (Collective c = endpoint.connect(rank, addresses, "stage " + ctx.stageId() + " attempt " + attempt)) {
                byte[] result = new Run(ctx, c, rank, world, attempt, steps, Arrays.stream(trainSizes).sum(), converter.convert(train),
                        validation.isEmpty() ? null : converter.convert(validation)).train();
                return CollectionConverters.asScala(result == null ? List.<byte[]>of().iterator() : List.of(result).iterator());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("SparkTrainer rank " + rank + " (stage attempt " + attempt + "): " + e.getMessage(), e);
        }
    }

    /** Nabla's threads for this task (see {@link SparkTrainer.Options#threads}). */
    private int threads(BarrierTaskContext ctx, int world) {
        if (o.threads() > 0) return o.threads();
        if (ctx.cpus() > 1) return ctx.cpus();
        SparkEnv env = SparkEnv.get();
        if (env.conf().contains("spark.executor.cores")) return Math.max(1, env.conf().getInt("spark.executor.cores", 1));
        int cores = Runtime.getRuntime().availableProcessors();
        return "driver".equals(env.executorId()) ? Math.max(1, cores / world) : cores;   // local mode: all ranks share this JVM
    }

    /** One rank's training run, after the rendezvous. */
    private final class Run {
        final BarrierTaskContext ctx;
        final Collective c;
        final int rank, world, attempt, steps;
        final long totalTrain;
        final TensorDataset train, validation;
        final Module model;
        final Optimizer optimizer;
        final FlatParameters flat;
        /** Synchronous mode with buckets: the gradients' exchange overlaps backward (null: one exchange after it). */
        GradientBuckets buckets;
        final List<EpochStats> history = new ArrayList<>();
        // the position: the next batch to train is `batch` of `epoch`; `step` counts the steps so far
        int epoch, batch;
        long step;
        // this epoch's training totals over all ranks up to the last checkpoint, and this rank's since then
        double lossSum, localLossSum;
        long samples, correct, localSamples, localCorrect;
        boolean classification;

        Run(BarrierTaskContext ctx, Collective c, int rank, int world, int attempt, int steps, long totalTrain, TensorDataset train,
            TensorDataset validation) {
            this.totalTrain = totalTrain;
            this.ctx = ctx;
            this.c = c;
            this.rank = rank;
            this.world = world;
            this.attempt = attempt;
            this.steps = steps;
            this.train = train;
            this.validation = validation;
            Nabla.manualSeed(o.seed());
            this.model = modelFactory.create();
            this.optimizer = optimizerFactory.create(model.parameters());
            this.flat = new FlatParameters(model.parameters());
        }

        String where() { return "SparkTrainer rank " + rank + " of " + world + " (stage attempt " + attempt + ", epoch " + epoch + ", batch " + batch + ", step " + step + ")"; }

        byte[] train() throws IOException {
            long[] hashes = c.allGather(StateHash.of(model.stateDict()));
            for (int r = 1; r < world; r++) {
                if (hashes[r] != hashes[0]) {
                    throw new IllegalStateException("SparkTrainer: the model factory built other parameters on rank " + r + " than on rank 0;"
                            + " draw every initial value from Nabla's generators (seeded by Options.seed) or load them from a file");
                }
            }
            Path checkpoint = o.checkpoint() == null ? null : Path.of(o.checkpoint());
            if (checkpoint != null && Files.exists(checkpoint)) {
                resume(checkpoint);
                // a task of the failed attempt may still have been writing: every rank must have read the same file
                long[] steps = c.allGather(step), loaded = c.allGather(StateHash.of(model.stateDict()));
                for (int r = 1; r < world; r++) {
                    if (steps[r] != steps[0] || loaded[r] != loaded[0]) {
                        throw new IllegalStateException(where() + ": the ranks read different checkpoints from " + checkpoint + " (steps "
                                + Arrays.toString(steps) + "); a task of an earlier attempt was still writing it; run again");
                    }
                }
            }
            if (rank == 0) {
                LOG.info("SparkTrainer: {} ranks, {} steps per epoch of {} samples per rank, {}{}", world, steps, o.batchSize(),
                        o.averageEvery() == 0 ? "gradients averaged every step" : "parameters averaged every " + o.averageEvery() + " steps",
                        step > 0 ? ", resumed at epoch " + epoch + " batch " + batch + " (step " + step + ")" : "");
            }
            DataLoader<?> loader = new DataLoader<>(train, o.batchSize(), o.shuffle(), DataLoader.Options.DEFAULT.withSeed(loaderSeed(o.seed(), rank)));
            if (o.averageEvery() == 0 && o.bucketBytes() > 0) buckets = new GradientBuckets(model.parameters(), c, o.bucketBytes(), o.timeout().multipliedBy(2));
            try {
                for (; epoch < o.epochs(); epoch++, batch = 0) {
                    long t0 = System.nanoTime();
                    double lr = optimizer.paramGroups().get(0).lr();
                    loader.setEpoch(epoch);
                    model.train();
                    try (DataLoader.Epoch batches = loader.iterator()) {
                        for (int skip = 0; skip < batch; skip++) batches.next();   // a resumed epoch: the batches before the checkpoint
                        for (; batch < steps; ) {
                            step(batches.next());
                            batch++;
                            step++;
                            if (o.callback() != null) o.callback().afterStep(rank, attempt, epoch, batch - 1, step - 1);
                            if (checkpoint != null && o.checkpointEvery() > 0 && step % o.checkpointEvery() == 0 && batch < steps) {
                                save(checkpoint, epoch, batch);
                            }
                        }
                    }
                    endEpoch(lr, t0);
                    if (checkpoint != null && epoch + 1 < o.epochs()) save(checkpoint, epoch + 1, 0);
                }
                epoch = o.epochs() - 1;
                batch = steps;
                hashes = c.allGather(StateHash.of(model.stateDict()));
                for (int r = 1; r < world; r++) {
                    if (hashes[r] != hashes[0]) {
                        throw new IllegalStateException(where() + ": the parameters of rank " + r + " differ from rank 0's at the end of training");
                    }
                }
                if (checkpoint != null) save(checkpoint, o.epochs(), 0);
                return rank == 0 ? result(hashes) : null;
            } catch (CollectiveException e) {
                throw new CollectiveException(e.peerRank(), where() + ": " + e.getMessage(), e);
            } finally {
                if (buckets != null) buckets.close();
                loader.close();
            }
        }

        void step(Batch b) {
            Nabla.manualSeed(mix(o.seed(), step, rank));   // dropout and other random ops: their own stream per rank and step
            optimizer.zeroGrad();
            Tensor out = model.forward(b.x());
            Tensor l = loss.apply(out, b.y());
            double lv = l.item();
            if (!Double.isFinite(lv)) throw new IllegalStateException(where() + ": the loss is " + lv + "; lower the learning rate or check the inputs");
            l.backward();
            if (buckets != null) buckets.finish();
            else if (o.averageEvery() == 0) flat.averageGrads(c);
            optimizer.step();
            if (o.averageEvery() > 0 && (step + 1) % o.averageEvery() == 0) flat.averageParams(c);
            localLossSum += lv * b.size();
            localSamples += b.size();
            classification = out.dim() == 2 && b.y().dim() == 1 && !b.y().dtype().isFloatingPoint();
            if (classification) localCorrect += correct(out, b.y());
        }

        /** The mean over the ranks of the parameters (local SGD) and of the float buffers, the epoch's totals, validation. */
        void endEpoch(double lr, long t0) {
            if (o.averageEvery() > 0 && step % o.averageEvery() != 0) flat.averageParams(c);
            averageBuffers();
            flushTotals();
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("train_loss", lossSum / samples);
            if (classification) values.put("train_accuracy", (double) correct / samples);
            values.put("train_samples", (double) samples);
            values.put("train_dropped", (double) (totalTrain - samples));
            validate(values);
            values.put("lr", lr);
            EpochStats stats = new EpochStats(epoch, values, (System.nanoTime() - t0) / 1e9);
            history.add(stats);
            if (rank == 0) LOG.info("SparkTrainer: epoch {} {}", epoch, values);
            lossSum = 0;
            samples = correct = 0;
        }

        void validate(Map<String, Double> values) {
            model.eval();
            double sum = 0;
            long n = 0, ok = 0;
            if (validation != null) {
                try (Grad g = Grad.disabled(); DataLoader<?> loader = new DataLoader<>(validation, o.batchSize()); DataLoader.Epoch batches = loader.iterator()) {
                    while (batches.hasNext()) {
                        Batch b = batches.next();
                        Tensor out = model.forward(b.x());
                        sum += loss.apply(out, b.y()).item() * b.size();
                        n += b.size();
                        if (classification) ok += correct(out, b.y());
                    }
                }
            }
            double[] s = {sum};
            c.allReduceMean(s);
            long[] counts = {n, ok};
            c.allReduceSum(counts);
            if (counts[0] > 0) {
                values.put("val_loss", s[0] * world / counts[0]);
                if (classification) values.put("val_accuracy", (double) counts[1] / counts[0]);
            }
            model.train();
        }

        /** The model's float buffers (e.g. BatchNorm's running statistics, which each rank updates from its own data) become their mean over the ranks. */
        void averageBuffers() {
            for (Tensor b : model.namedBuffers().values()) {
                if (!b.dtype().isFloatingPoint()) continue;
                double[] v = b.nd().dup('c').toDoubleVector();
                c.allReduceMean(v);
                b.nd().assign(Nd4j.createFromArray(v).reshape(b.nd().shape()).castTo(b.nd().dataType()));
            }
        }

        /** Adds every rank's totals since the last flush to the epoch's totals (the same on every rank). */
        void flushTotals() {
            double[] s = {localLossSum};
            c.allReduceMean(s);
            long[] counts = {localSamples, localCorrect};
            c.allReduceSum(counts);
            lossSum += s[0] * world;
            samples += counts[0];
            correct += counts[1];
            localLossSum = 0;
            localSamples = localCorrect = 0;
        }

        /** Rank 0 writes the checkpoint (the Trainer's format, with the position in the batch); every rank takes part in the totals. */
        void save(Path file, int atEpoch, int atBatch) throws IOException {
            if (atBatch > 0) flushTotals();
            if (rank != 0) return;
            Map<String, Object> position = new LinkedHashMap<>();
            position.put("epoch", atEpoch);
            position.put("batch", atBatch);
            position.put("step", step);
            position.put("lossSum", lossSum);
            position.put("samples", samples);
            position.put("correct", correct);
            position.put("ranks", world);
            position.put("stepsPerEpoch", steps);
            Checkpoint cp = new Checkpoint(Math.max(0, atEpoch - 1), model.stateDict(), optimizer.stateDict(), null, Nabla.getRngState(), history);
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
            cp.save(file, Map.of(POSITION_KEY, JSON.writeValueAsString(position)));
        }

        void resume(Path file) throws IOException {
            Checkpoint cp = Checkpoint.load(file);
            JsonNode p = JSON.readTree(Safetensors.metadata(file).get(POSITION_KEY));
            if (p == null) throw new IOException("SparkTrainer: " + file + " is a checkpoint without '" + POSITION_KEY + "'; was it written by a SparkTrainer?");
            if (p.get("ranks").intValue() != world || p.get("stepsPerEpoch").intValue() != steps) {
                throw new IllegalStateException("SparkTrainer: the checkpoint " + file + " was written by " + p.get("ranks") + " ranks of "
                        + p.get("stepsPerEpoch") + " steps per epoch, this run has " + world + " ranks of " + steps
                        + "; resume with the same ranks and data, or delete the checkpoint to start over");
            }
            model.loadStateDict(cp.model(), true);
            optimizer.loadStateDict(cp.optimizer());
            history.clear();
            history.addAll(cp.history());
            epoch = p.get("epoch").intValue();
            batch = p.get("batch").intValue();
            step = p.get("step").longValue();
            lossSum = p.get("lossSum").doubleValue();
            samples = p.get("samples").longValue();
            correct = p.get("correct").longValue();
        }

        byte[] result(long[] hashes) throws IOException {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (EpochStats s : history) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("epoch", s.epoch());
                row.put("values", s.values());
                row.put("seconds", s.seconds());
                rows.add(row);
            }
            Path tmp = Files.createTempFile("nabla-spark-result", ".safetensors");
            try {
                Safetensors.save(model.stateDict(), Map.of(SparkTrainer.HISTORY_KEY, JSON.writeValueAsString(rows),
                        SparkTrainer.HASHES_KEY, JSON.writeValueAsString(hashes)), tmp);
                return Files.readAllBytes(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Correct predictions: the arg-max of each row against the class index. */
    static long correct(Tensor out, Tensor y) {
        try (Grad g = Grad.disabled()) {
            long[] pred = out.nd().argMax(1).toLongVector();
            long[] target = y.nd().toLongVector();
            long ok = 0;
            for (int i = 0; i < pred.length; i++) if (pred[i] == target[i]) ok++;
            return ok;
        }
    }

    /** The seed of rank {@code rank}'s loader: its own shuffle for each (seed, epoch, rank). */
    static long loaderSeed(long seed, int rank) { return mix(seed, 0x5bd1e995L, rank); }

    static long mix(long seed, long a, int rank) {
        long h = seed * 0x9E3779B97F4A7C15L + a;
        h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L + rank;
        return h ^ (h >>> 29);
    }
}
