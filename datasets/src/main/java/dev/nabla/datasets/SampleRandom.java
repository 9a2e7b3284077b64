package dev.nabla.datasets;

import dev.nabla.api.Nabla;
import java.util.Random;

/**
 * The generator of random transforms. A {@link DataLoader} opens a context per batch (its seed mixed
 * with the epoch); each sample then reseeds it from that seed and the sample's index, so a sample's
 * augmentation depends on neither the worker that loads it nor the order of loading.
 */
final class SampleRandom {
    private static final class Context {
        final long seed;
        final Random random = new Random();
        Context(long seed) { this.seed = seed; }
    }

    private static final ThreadLocal<Context> CONTEXT = new ThreadLocal<>();

    private SampleRandom() {}

    /** Opens a context on this thread; returns the previous one to restore with {@link #restore}. */
    static Object open(long seed) {
        Context previous = CONTEXT.get();
        CONTEXT.set(new Context(seed));
        return previous;
    }

    static void restore(Object previous) {
        if (previous == null) CONTEXT.remove(); else CONTEXT.set((Context) previous);
    }

    /** Reseeds the context's generator for the sample at {@code index} (nothing outside a context). */
    static void begin(int index) {
        Context c = CONTEXT.get();
        if (c != null) c.random.setSeed(mix(c.seed, index));
    }

    static Random current() {
        Context c = CONTEXT.get();
        return c != null ? c.random : Nabla.javaRandom();
    }

    /** A well-spread 64-bit hash of two values (SplitMix64's finaliser). */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
