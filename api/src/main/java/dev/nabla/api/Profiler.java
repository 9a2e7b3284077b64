package dev.nabla.api;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-op timing of the forward and backward passes, off by default (one volatile read per op when off).
 *
 * <pre>{@code
 * Profiler.enable();
 * trainOneEpoch();
 * System.out.println(Profiler.report());
 * }</pre>
 */
public final class Profiler {
    private static volatile boolean enabled;
    private static final Map<String, LongAdder[]> TIMES = new ConcurrentHashMap<>();

    private Profiler() {}

    public static void enable() { enabled = true; }

    public static void disable() { enabled = false; }

    public static boolean isEnabled() { return enabled; }

    public static void reset() { TIMES.clear(); }

    /** Adds {@code nanos} to the entry {@code name} (e.g. "Conv2dFunction forward", or a caller's own phase). */
    public static void record(String name, long nanos) {
        LongAdder[] a = TIMES.computeIfAbsent(name, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
        a[0].add(nanos);
        a[1].increment();
    }

    /** A table of total milliseconds, calls and microseconds per call, largest total first. */
    public static String report() {
        Map<String, long[]> snap = new TreeMap<>();
        TIMES.forEach((k, v) -> snap.put(k, new long[] {v[0].sum(), v[1].sum()}));
        long total = snap.values().stream().mapToLong(v -> v[0]).sum();
        StringBuilder b = new StringBuilder(String.format("%-40s %10s %8s %10s %6s%n", "op", "total ms", "calls", "us/call", "share"));
        snap.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0])).forEach(e -> {
            long[] v = e.getValue();
            b.append(String.format("%-40s %10.1f %8d %10.1f %5.1f%%%n", e.getKey(), v[0] / 1e6, v[1], v[0] / 1e3 / Math.max(1, v[1]),
                    100.0 * v[0] / Math.max(1, total)));
        });
        return b.toString();
    }
}
