package dev.nabla.api;

import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keeps off-heap memory bounded during long training. ND4J frees an array's off-heap memory only after
 * the garbage collector finds its small Java object dead; with a large heap the collector may not run
 * for a long time while gigabytes of dead off-heap arrays pile up (measured: 11 GB after 100,000 steps
 * of a small MLP with the default 6 GB heap). The tape therefore counts what the ops allocate and asks
 * for a collection after every {@link Nabla#gcThreshold()} bytes.
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
        if (SINCE.addAndGet(bytes) > threshold) {
            SINCE.set(0);
            System.gc();
        }
    }
}
