package dev.nabla.spark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** For the tests: N ranks of a ring as threads of this JVM on loopback, each running its own body. */
final class Ring {
    private Ring() {}

    /** One rank's work once connected; what it returns (or throws) is that rank's outcome. */
    interface Body<T> {
        T run(RingCollective ring) throws Exception;
    }

    /** What one rank ended with: a value, or the exception it threw, and when (ms after the start). */
    record Outcome<T>(T value, Throwable error, long millis) {}

    /** Connects n ranks with the same job id and runs {@code body} on each; returns the outcomes by rank. */
    static <T> List<Outcome<T>> run(int n, Duration timeout, Body<T> body) throws Exception {
        List<String> jobs = new ArrayList<>();
        for (int r = 0; r < n; r++) jobs.add("test-job/attempt-0");
        return run(jobs, timeout, body);
    }

    /** As above with a job id per rank (to test refusals); connect failures are outcomes too. */
    static <T> List<Outcome<T>> run(List<String> jobIds, Duration timeout, Body<T> body) throws Exception {
        int n = jobIds.size();
        List<RingCollective.Listener> listeners = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            RingCollective.Listener l = RingCollective.listen("127.0.0.1", timeout);
            listeners.add(l);
            addresses.add(l.address());
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            long start = System.nanoTime();
            List<Future<Outcome<T>>> futures = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                futures.add(pool.submit(() -> {
                    try (RingCollective ring = listeners.get(rank).connect(rank, addresses, jobIds.get(rank))) {
                        T v = body.run(ring);
                        return new Outcome<>(v, null, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    } catch (Exception | AssertionError e) {
                        return new Outcome<>(null, e, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    }
                }));
            }
            List<Outcome<T>> outcomes = new ArrayList<>();
            for (Future<Outcome<T>> f : futures) {
                try {
                    outcomes.add(f.get(60, TimeUnit.SECONDS));
                } catch (ExecutionException | TimeoutException e) {
                    throw new AssertionError("a rank did not finish", e);
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
            for (RingCollective.Listener l : listeners) l.close();
        }
    }

    /** The values of all outcomes, failing with the first error. */
    static <T> List<T> values(List<Outcome<T>> outcomes) {
        List<T> values = new ArrayList<>();
        for (int r = 0; r < outcomes.size(); r++) {
            Outcome<T> o = outcomes.get(r);
            if (o.error() != null) throw new AssertionError("rank " + r + " failed", o.error());
            values.add(o.value());
        }
        return values;
    }
}
