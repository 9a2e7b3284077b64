package dev.nabla.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The threads behind {@link Blas#parallel}: daemon workers that, after a job, spin for {@link #spinNanos()} waiting
 * for the next one before they park. A training step hands out a few dozen small jobs (a split GEMM, a kernel over
 * half a batch) with gaps of tens of microseconds between them; the fork-join pool's parked worker took 20–35 µs to
 * wake on this 2-core machine (a parallel run of two 10 µs tasks: 30–46 µs instead of 10), which a spinning worker
 * does not pay. One job at a time: a call made while a job runs (from a worker, or from another thread) runs its
 * parts on the calling thread.
 */
final class Workers {
    /** How long an idle worker spins before it parks ({@code -Dnabla.spinMicros}, default 200; read after each job). */
    static long spinNanos() { return Settings.spinMicros() * 1000; }

    private static final AtomicBoolean BUSY = new AtomicBoolean();
    private static final List<Worker> WORKERS = new ArrayList<>();
    /** The running job, cleared when it is done (so that nothing keeps what its body captured). */
    private static volatile Job job;
    private static long sequence;

    private Workers() {}

    /** One parallel call: parts handed out one by one to the caller and up to {@code helpers} workers. */
    private static final class Job {
        final IntConsumer body;
        final int parts, helpers;
        final long seq = ++sequence;   // under BUSY: one dispatcher at a time
        final AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
        volatile Throwable error;

        Job(IntConsumer body, int parts, int helpers) { this.body = body; this.parts = parts; this.helpers = helpers; }

        void work() {
            for (int p; (p = next.getAndIncrement()) < parts; ) {
                try {
                    body.accept(p);
                } catch (Throwable t) {
                    if (error == null) error = t;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private static final class Worker extends Thread {
        final int index;
        volatile boolean parked;

        Worker(int index) {
            super("nabla-worker-" + index);
            this.index = index;
            setDaemon(true);
        }

        /**
         * The loop holds no {@link Job}, only the sequence number of the last one seen: a job lives in the frames of
         * {@link #take} and {@link #pending} alone, which have returned before the worker spins or parks (a Job left in
         * this frame's local while parked kept its body's arrays alive until the next call: an interpreted frame keeps
         * dead locals; WorkersTest saw it).
         */
        @Override public void run() {
            long last = 0;
            long idleSince = System.nanoTime(), spin = spinNanos();
            for (;;) {
                long seen = take(last);
                if (seen != last) {
                    last = seen;
                    idleSince = System.nanoTime();
                    spin = spinNanos();
                    continue;
                }
                if (System.nanoTime() - idleSince < spin) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (!pending(last)) LockSupport.park(this);   // the dispatcher reads parked after writing job
                parked = false;
                idleSince = System.nanoTime();
            }
        }

        /** Runs the published job if it is newer than {@code last}; returns its sequence number, or {@code last}. */
        private long take(long last) {
            Job j = job;
            if (j == null || j.seq == last) return last;
            if (index < j.helpers) j.work();
            return j.seq;
        }

        /** Whether a job newer than {@code last} is published. */
        private static boolean pending(long last) {
            Job j = job;
            return j != null && j.seq != last;
        }
    }

    /** Runs {@code body} for 0 … parts − 1 on the caller and {@code threads − 1} workers; returns once all are done. */
    static void run(int parts, int threads, IntConsumer body) {
        if (Thread.currentThread() instanceof Worker || !BUSY.compareAndSet(false, true)) {
            for (int i = 0; i < parts; i++) body.accept(i);
            return;
        }
        Job j;
        try {
            int helpers = Math.min(threads, parts) - 1;
            List<Worker> ws = workers(helpers);
            j = new Job(body, parts, helpers);
            job = j;
            for (int i = 0; i < helpers; i++) {
                Worker w = ws.get(i);
                if (w.parked) LockSupport.unpark(w);
            }
            j.work();
            while (j.done.get() < parts) Thread.onSpinWait();
            job = null;
        } finally {
            BUSY.set(false);
        }
        Throwable t = j.error;
        if (t instanceof RuntimeException e) throw e;
        if (t instanceof Error e) throw e;
        if (t != null) throw new IllegalStateException(t);
    }

    /** At least {@code n} workers, started on first use. */
    private static List<Worker> workers(int n) {
        synchronized (WORKERS) {
            while (WORKERS.size() < n) {
                Worker w = new Worker(WORKERS.size());
                WORKERS.add(w);
                w.start();
            }
            return WORKERS;
        }
    }
}
