package dev.nabla.datasets;

import dev.nabla.api.Nabla;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
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
 * order, and an exception thrown while loading is re-thrown to the caller by {@code next()}. The threads
 * belong to the epoch: they end when it is exhausted, when it is {@linkplain Epoch#close() closed}, and
 * when an unfinished epoch is dropped (after a {@code break}, once it is collected).
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

    private static final AtomicInteger LOADERS = new AtomicInteger();
    private static final Cleaner CLEANER = Cleaner.create();

    private final Source<E> source;
    private final boolean shuffle;
    private final Options options;
    private final long seed;
    private final int id = LOADERS.incrementAndGet();
    private final Set<Workers> running = ConcurrentHashMap.newKeySet();
    private int epoch;

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
        this.source = new Source<>(dataset, batchSize, collate);
        this.shuffle = shuffle;
        this.options = options;
        this.seed = options.seed() != null ? options.seed() : Nabla.javaRandom().nextLong();
    }

    public Dataset<E> dataset() { return source.dataset; }

    public int batchSize() { return source.batchSize; }

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
        int n = source.dataset.size();
        return options.dropLast() ? n / source.batchSize : (n + source.batchSize - 1) / source.batchSize;
    }

    /**
     * One epoch; each call starts the next epoch (a new permutation when shuffling). With workers, the epoch's
     * threads end when it is exhausted, {@linkplain Epoch#close() closed}, or dropped unfinished (a {@code break}).
     */
    @Override public Epoch iterator() {
        int e;
        synchronized (this) { e = epoch++; }
        int n = source.dataset.size();
        int[] order = shuffle ? Datasets.permutation(n, new Random(SampleRandom.mix(seed, e))) : identity(n);
        long sampleSeed = SampleRandom.mix(~seed, e);
        Workers workers = options.numWorkers() == 0 ? null
                : new Workers(options.numWorkers(), "nabla-dataloader-" + id + "-epoch-" + e + "-worker-", running);
        return new Epoch(source, order, size(), sampleSeed, options.numWorkers() * options.prefetchFactor(), workers);
    }

    /**
     * Stops the worker threads of the epochs still running; optional, since an epoch's threads end with it (and
     * are daemon threads). A later {@link #iterator()} starts new ones.
     */
    @Override public void close() {
        for (Workers w : running) w.run();
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        return p;
    }

    /** What loading a batch needs, and nothing else: worker tasks hold this, never the loader or the epoch. */
    private record Source<E>(Dataset<E> dataset, int batchSize, Function<List<E>, Batch> collate) {
        Batch load(int[] order, int b, long sampleSeed) {
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
    }

    /**
     * The worker threads of one epoch, started on demand; {@link #run()} stops them. Run by {@link Epoch#close()},
     * by the loader's {@link DataLoader#close()}, and by the cleaner once the epoch is unreachable.
     */
    private static final class Workers implements Runnable {
        private final ExecutorService pool;
        private final Set<Workers> running;

        Workers(int threads, String prefix, Set<Workers> running) {
            AtomicInteger k = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, prefix + k.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.running = running;
            running.add(this);
        }

        <T> Future<T> submit(Callable<T> task) { return pool.submit(task); }

        @Override public void run() {
            pool.shutdownNow();
            running.remove(this);
        }
    }

    /**
     * One epoch of batches. With {@code numWorkers = 0} each batch is loaded by {@link #next()}; with workers up to
     * {@code numWorkers · prefetchFactor} are loaded ahead. {@link #close()} stops the workers of an epoch left
     * unfinished (a dropped epoch is closed by a cleaner too, but later).
     */
    public static final class Epoch implements Iterator<Batch>, AutoCloseable {
        private final Source<?> source;
        private final int[] order;
        private final int batches;
        private final long sampleSeed;
        private final int depth;
        private final ArrayDeque<Future<Batch>> ahead = new ArrayDeque<>();
        private final Workers workers;
        private final Cleaner.Cleanable cleanable;
        private int submitted;
        private int taken;

        private Epoch(Source<?> source, int[] order, int batches, long sampleSeed, int depth, Workers workers) {
            this.source = source;
            this.order = order;
            this.batches = batches;
            this.sampleSeed = sampleSeed;
            this.depth = depth;
            this.workers = workers;
            this.cleanable = workers == null ? null : CLEANER.register(this, workers);
            fill();
            if (batches == 0) close();
        }

        private void fill() {
            if (workers == null) return;
            Source<?> src = source;
            int[] ord = order;
            long ss = sampleSeed;
            while (submitted < batches && ahead.size() < depth) {
                int b = submitted++;
                ahead.add(workers.submit(() -> src.load(ord, b, ss)));   // captures no reference to this epoch
            }
        }

        @Override public boolean hasNext() { return taken < batches; }

        @Override public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("DataLoader: the epoch has no more batches");
            int b = taken++;
            if (workers == null) return source.load(order, b, sampleSeed);
            Future<Batch> f = ahead.poll();
            try {
                Batch batch = f.get();
                fill();
                if (taken == batches) close();
                return batch;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("DataLoader: interrupted while waiting for batch " + b, e);
            } catch (ExecutionException e) {
                close();
                Throwable cause = e.getCause();
                String where = "DataLoader: re-thrown from a worker thread, where loading batch " + b + " of "
                        + source.dataset.getClass().getSimpleName() + " failed";
                if (cause instanceof RuntimeException r) {
                    r.addSuppressed(new RuntimeException(where));
                    throw r;
                }
                if (cause instanceof Error err) throw err;
                throw new RuntimeException(where + ": " + cause, cause);
            }
        }

        /** Ends the epoch: batches loaded ahead are dropped and the worker threads stop. */
        @Override public void close() {
            for (Future<Batch> f : ahead) f.cancel(true);
            ahead.clear();
            taken = batches;
            if (cleanable != null) cleanable.clean();
        }
    }
}
