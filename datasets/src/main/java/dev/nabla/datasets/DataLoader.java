package dev.nabla.datasets;

import dev.nabla.api.Nabla;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Mini-batches of a dataset, as {@code torch.utils.data.DataLoader}: shuffled each epoch from a seeded
 * generator, collated into {@link Batch}es, optionally loaded ahead on worker threads.
 *
 * <p>Each call of {@link #iterator()} is one epoch: with shuffling, epoch {@code e} visits the samples in
 * a permutation drawn from {@code (seed, e)}, so the same seed gives the same sequence of epochs, and
 * every epoch a new order. Random transforms draw from {@link Transform#random()}, seeded from
 * {@code (seed, e, sample index)}: the batches are the same whatever {@code numWorkers} is.
 * With {@code numWorkers = 0} batches are loaded in the caller's thread; with {@code numWorkers > 0}
 * up to {@code numWorkers · prefetchFactor} batches are loaded ahead on daemon threads, handed out in
 * order, and an exception thrown while loading is re-thrown to the caller by {@code next()}.
 *
 * <pre>{@code
 * var loader = new DataLoader<>(train, 100, true);
 * var fast = new DataLoader<>(train, 100, true, DataLoader.Options.DEFAULT.withNumWorkers(2).withSeed(42));
 * for (int epoch = 0; epoch < 10; epoch++)
 *     for (Batch b : loader) { … b.x() … b.y() … }
 * }</pre>
 */
public final class DataLoader<E> implements Iterable<Batch>, AutoCloseable {

    /**
     * The less common knobs: drop the last incomplete batch, the number of worker threads, how many
     * batches each worker loads ahead, and the seed of shuffling and random transforms ({@code null}:
     * drawn from {@link Nabla#javaRandom()} when the loader is made, so {@code Nabla.manualSeed} fixes it).
     */
    public record Options(boolean dropLast, int numWorkers, int prefetchFactor, Long seed) {
        public static final Options DEFAULT = new Options(false, 0, 2, null);

        public Options {
            if (numWorkers < 0) throw new IllegalArgumentException("DataLoader: numWorkers must be >= 0, got " + numWorkers);
            if (prefetchFactor < 1) {
                throw new IllegalArgumentException("DataLoader: prefetchFactor must be >= 1, got " + prefetchFactor);
            }
        }

        public Options withDropLast(boolean v) { return new Options(v, numWorkers, prefetchFactor, seed); }
        public Options withNumWorkers(int v) { return new Options(dropLast, v, prefetchFactor, seed); }
        public Options withPrefetchFactor(int v) { return new Options(dropLast, numWorkers, v, seed); }
        public Options withSeed(long v) { return new Options(dropLast, numWorkers, prefetchFactor, v); }
    }

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final Dataset<E> dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final Options options;
    private final Function<List<E>, Batch> collate;
    private final long seed;
    private int epoch;
    private ExecutorService pool;

    /** Batches in order, without shuffling. */
    public DataLoader(Dataset<E> dataset, int batchSize) { this(dataset, batchSize, false); }

    public DataLoader(Dataset<E> dataset, int batchSize, boolean shuffle) {
        this(dataset, batchSize, shuffle, Options.DEFAULT);
    }

    public DataLoader(Dataset<E> dataset, int batchSize, boolean shuffle, Options options) {
        this(dataset, batchSize, shuffle, options, null);
    }

    /**
     * With a collate function that turns a list of elements into a batch; {@code null} uses
     * {@link Dataset#batch(int[])}.
     */
    public DataLoader(Dataset<E> dataset, int batchSize, boolean shuffle, Options options,
                      Function<List<E>, Batch> collate) {
        if (dataset == null) throw new IllegalArgumentException("DataLoader: dataset must not be null");
        if (batchSize < 1) throw new IllegalArgumentException("DataLoader: batchSize must be >= 1, got " + batchSize);
        if (options == null) throw new IllegalArgumentException("DataLoader: options must not be null; use Options.DEFAULT");
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.options = options;
        this.collate = collate;
        this.seed = options.seed() != null ? options.seed() : Nabla.javaRandom().nextLong();
    }

    public Dataset<E> dataset() { return dataset; }

    public int batchSize() { return batchSize; }

    public Options options() { return options; }

    /** The epoch the next {@link #iterator()} call starts (0 for a new loader). */
    public synchronized int epoch() { return epoch; }

    /**
     * Makes the next {@link #iterator()} call start epoch {@code epoch} (as a sampler's {@code set_epoch}):
     * a training loop resumed at epoch e sees the same batches as an uninterrupted run.
     */
    public synchronized void setEpoch(int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("DataLoader.setEpoch: expected epoch >= 0, got " + epoch);
        this.epoch = epoch;
    }

    /** The number of batches in an epoch. */
    public int size() {
        int n = dataset.size();
        return options.dropLast() ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** One epoch; each call starts the next epoch (a new permutation when shuffling). */
    @Override public Iterator<Batch> iterator() {
        int e;
        synchronized (this) { e = epoch++; }
        int n = dataset.size();
        int[] order = shuffle ? Datasets.permutation(n, new Random(SampleRandom.mix(seed, e))) : identity(n);
        long sampleSeed = SampleRandom.mix(~seed, e);
        int batches = size();
        return options.numWorkers() == 0 ? new Serial(order, batches, sampleSeed) : new Prefetch(order, batches, sampleSeed);
    }

    /** Stops the worker threads (they are daemon threads, so this is optional). */
    @Override public synchronized void close() {
        if (pool != null) pool.shutdownNow();
        pool = null;
    }

    private Batch load(int[] order, int b, long sampleSeed) {
        int[] idx = Arrays.copyOfRange(order, b * batchSize, Math.min(order.length, (b + 1) * batchSize));
        Object previous = SampleRandom.open(sampleSeed);
        try {
            if (collate == null) return dataset.batch(idx);
            List<E> items = new ArrayList<>(idx.length);
            for (int i : idx) {
                SampleRandom.begin(i);
                items.add(dataset.get(i));
            }
            return collate.apply(items);
        } finally {
            SampleRandom.restore(previous);
        }
    }

    private synchronized ExecutorService pool() {
        if (pool == null) {
            int id = POOLS.incrementAndGet();
            AtomicInteger threads = new AtomicInteger();
            pool = Executors.newFixedThreadPool(options.numWorkers(), r -> {
                Thread t = new Thread(r, "nabla-dataloader-" + id + "-worker-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        return p;
    }

    private final class Serial implements Iterator<Batch> {
        private final int[] order;
        private final int batches;
        private final long sampleSeed;
        private int next;

        Serial(int[] order, int batches, long sampleSeed) {
            this.order = order;
            this.batches = batches;
            this.sampleSeed = sampleSeed;
        }

        @Override public boolean hasNext() { return next < batches; }

        @Override public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("DataLoader: the epoch has no more batches");
            return load(order, next++, sampleSeed);
        }
    }

    private final class Prefetch implements Iterator<Batch> {
        private final int[] order;
        private final int batches;
        private final long sampleSeed;
        private final ArrayDeque<Future<Batch>> ahead = new ArrayDeque<>();
        private int submitted;
        private int taken;

        Prefetch(int[] order, int batches, long sampleSeed) {
            this.order = order;
            this.batches = batches;
            this.sampleSeed = sampleSeed;
            fill();
        }

        private void fill() {
            int depth = options.numWorkers() * options.prefetchFactor();
            while (submitted < batches && ahead.size() < depth) {
                int b = submitted++;
                ahead.add(pool().submit(() -> load(order, b, sampleSeed)));
            }
        }

        @Override public boolean hasNext() { return taken < batches; }

        @Override public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("DataLoader: the epoch has no more batches");
            Future<Batch> f = ahead.poll();
            int b = taken++;
            try {
                Batch batch = f.get();
                fill();
                return batch;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancelAll();
                throw new IllegalStateException("DataLoader: interrupted while waiting for batch " + b, e);
            } catch (ExecutionException e) {
                cancelAll();
                Throwable cause = e.getCause();
                String where = "DataLoader: re-thrown from a worker thread, where loading batch " + b + " of "
                        + dataset.getClass().getSimpleName() + " failed";
                if (cause instanceof RuntimeException r) {
                    r.addSuppressed(new RuntimeException(where));
                    throw r;
                }
                if (cause instanceof Error err) throw err;
                throw new RuntimeException(where + ": " + cause, cause);
            }
        }

        private void cancelAll() {
            for (Future<Batch> f : ahead) f.cancel(true);
            ahead.clear();
            taken = batches;
        }
    }
}
