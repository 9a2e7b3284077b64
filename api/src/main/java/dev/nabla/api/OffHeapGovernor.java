package dev.nabla.api;

import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keeps off-heap memory bounded during long training. ND4J frees an array's off-heap memory only after
 * the garbage collector finds its small Java object dead; with a large heap the collector may not run
 * for a long time while gigabytes of dead off-heap arrays pile up (measured: 11 GB after 100,000 steps
 * of a small MLP with the default 6 GB heap). The tape therefore counts what the ops allocate and asks
 * for a collection after every {@link Nabla#gcThreshold()} bytes — or up to 4 times that while collections come in
 * quick succession (a model whose activations the tape cannot give back, allocating hundreds of MB a second): a custom
 * convnet at batch 100 took 90 full collections in 630 steps at 64 MB (mean step 16.2–16.8 ms) against 23 at 256 MB
 * (14.8–15.4 ms). The threshold doubles after two collections in a row that came less than 0.5 s after the previous
 * one, and halves (down to the base) after one that came more than 3 s after it.
 *
 * <p>Besides that byte count, a collection is also worth it when the {@link Pool} has to take memory fresh from the
 * system while blocks it lent may be dead: the first touch of fresh memory costs page faults, which differ by 20× from
 * one machine to another (about 0.1 ms a MB on a bare-metal server; 2.6 ms a MB measured on a Firecracker VM, where a
 * full collection of a small heap took 5–8 ms and the softmax micro-benchmark swung between 2 ms and 23 ms a step
 * with the state of the pool). So both costs are measured as the program runs — each fresh allocation's time per byte,
 * each collection's duration — and a collection runs before a fresh allocation once the misses since the last
 * collection would cost more than {@code patience} collections (the rent-or-buy rule: never more than about twice the
 * cheaper of the two). The patience grows when collections give back less than was asked for (a model whose memory is
 * all alive then pays little for the attempts) or come too often, and shrinks when they are rare: {@link #nextPatience}.
 */
final class OffHeapGovernor {
    /** Off-heap bookkeeping per array (shape info, allocator overhead), beyond its data. */
    private static final long PER_ARRAY = 512;
    private static final AtomicLong SINCE = new AtomicLong();

    private OffHeapGovernor() {}

    /** An array Nabla released itself: it no longer counts toward the next collection. */
    static void freed(INDArray a) {
        if (Nabla.gcThreshold() > 0) SINCE.addAndGet(-(a.length() * a.dataType().width() + PER_ARRAY));
    }

    static void allocated(INDArray a) {
        if (a != null) allocated(a.length() * a.dataType().width() + PER_ARRAY);
    }

    /** Memory freed by Nabla itself (a pooled block taken back at once). */
    static void freed(long bytes) {
        if (Nabla.gcThreshold() > 0) SINCE.addAndGet(-bytes);
    }

    /**
     * Bytes handed out that only the collector can find dead: ND4J arrays, and pooled blocks (whose memory comes back
     * to the pool only when the collector finds their arrays unreachable).
     */
    static void allocated(long bytes) {
        long threshold = Nabla.gcThreshold();
        if (threshold <= 0) return;
        if (threshold != base) {   // set anew (Nabla.setGcThreshold): start from it
            base = threshold;
            effective = threshold;
        }
        if (SINCE.addAndGet(bytes) > effective) {
            SINCE.set(0);
            long now = System.nanoTime();
            long[] n = next(effective, threshold, now - lastCollection, quick);
            effective = n[0];
            quick = (int) n[1];
            lastCollection = now;
            collect();
        }
    }

    /** Runs a collection and times it ({@link #collected}, by the caller when the pool waits for its blocks). */
    static long collect() {
        long t0 = System.nanoTime();
        System.gc();
        long ns = System.nanoTime() - t0;
        collected(ns, true, Long.MAX_VALUE);
        return ns;
    }

    /** Cost of a collection before one was measured: a guess, replaced by the first measurement. */
    static final long FIRST_COLLECTION_GUESS_NANOS = 20_000_000L;
    private static volatile double nanosPerFreshByte;
    private static volatile long missNanos, collectionNanos = FIRST_COLLECTION_GUESS_NANOS;
    private static volatile int patience = 1;

    /** A fresh allocation of {@code bytes} took {@code nanos} (page faults included): updates the cost per byte. */
    static void missed(long bytes, long nanos) {
        if (bytes <= 0) return;
        double perByte = (double) nanos / bytes;
        double old = nanosPerFreshByte;
        nanosPerFreshByte = old == 0 ? perByte : 0.75 * old + 0.25 * perByte;
        missNanos += nanos;
    }

    /**
     * A collection took {@code nanos} and gave back {@code returnedBytes} of pooled blocks; {@code useful}: at least
     * what was asked for.
     */
    static void collected(long nanos, boolean useful, long returnedBytes) {
        long now = System.nanoTime(), interval = now - lastCollection;
        collectionNanos = collectionNanos == FIRST_COLLECTION_GUESS_NANOS ? nanos : (collectionNanos + nanos) / 2;
        missNanos = 0;
        SINCE.set(0);
        lastCollection = now;
        patience = nextPatience(patience, useful, interval, collectionNanos, returnedBytes, Pool.IDLE_LIMIT);
    }

    /**
     * The patience after a collection {@code intervalNanos} after the previous one that gave back {@code returnedBytes}:
     * doubled (up to 64) when it gave back too little; one more (up to 16) when collections come so often that they
     * take more than 5% of the time and the pool could hold more (only fresh allocations add blocks to those in
     * circulation, so the cycles grow longer); back to 1 when they take less than 5%, or when the pool holds half its
     * idle limit.
     */
    static int nextPatience(int patience, boolean useful, long intervalNanos, long collectionNanos, long returnedBytes, long idleLimit) {
        if (!useful) return Math.min(patience * 2, 64);
        if (intervalNanos < 20 * collectionNanos && returnedBytes < idleLimit / 2) return Math.min(patience + 1, 16);
        return 1;
    }

    /**
     * Whether to collect before taking {@code bytes} fresh from the system, with {@code lentBytes} lent by the pool
     * (that a collection might bring back).
     */
    static boolean collectBeforeMiss(long bytes, long lentBytes) {
        if (Nabla.gcThreshold() <= 0 || lentBytes < bytes) return false;
        return worthCollecting(missNanos, nanosPerFreshByte * bytes, collectionNanos, patience);
    }

    /** The rent-or-buy rule: the misses so far plus this one would cost more than {@code patience} collections. */
    static boolean worthCollecting(long missNanosSoFar, double predictedMissNanos, long collectionNanos, int patience) {
        return predictedMissNanos > 0 && missNanosSoFar + predictedMissNanos > (double) patience * collectionNanos;
    }

    /** For tests: forgets the measured costs. */
    static void resetCosts() {
        nanosPerFreshByte = 0;
        missNanos = 0;
        collectionNanos = FIRST_COLLECTION_GUESS_NANOS;
        patience = 1;
    }

    /** For tests: {nanos of misses since the last collection, last collection's nanos, patience}. */
    static long[] missState() { return new long[] {missNanos, collectionNanos, patience}; }

    /** Bytes counted since the last collection (for tests). */
    static long pending() { return SINCE.get(); }

    private static volatile long base, effective;
    private static volatile long lastCollection = System.nanoTime();
    private static volatile int quick;

    /**
     * The threshold and the count of quick collections in a row after a collection that came {@code intervalNanos}
     * after the previous one: {@code {threshold, quick}}.
     */
    static long[] next(long effective, long base, long intervalNanos, int quick) {
        if (intervalNanos < 500_000_000L) {
            return quick + 1 >= 2 ? new long[] {Math.min(effective * 2, base * 4), 0} : new long[] {effective, quick + 1};
        }
        if (intervalNanos > 3_000_000_000L) return new long[] {Math.max(effective / 2, base), 0};
        return new long[] {effective, 0};
    }
}
