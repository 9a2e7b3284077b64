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
            System.gc();
        }
    }

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
