package dev.nabla.api;

/**
 * Thread-local switch for gradient recording, as PyTorch's {@code torch.no_grad()}.
 *
 * <pre>{@code
 * Tensor y = Grad.noGrad(() -> model.forward(x));           // no tape is recorded inside
 * try (var g = Grad.disabled()) { y = model.forward(x); }   // the same as a scope
 * }</pre>
 */
public final class Grad implements AutoCloseable {
    /** Per thread: [0] recording on, [1] anomaly detection on (one lookup serves both on every op). */
    private static final ThreadLocal<boolean[]> STATE = ThreadLocal.withInitial(() -> new boolean[] {true, false});
    private final boolean previous;

    private Grad(boolean enabled) {
        boolean[] state = STATE.get();
        this.previous = state[0];
        state[0] = enabled;
    }

    /** Disables recording on this thread until {@link #close()}. */
    public static Grad disabled() { return new Grad(false); }

    /**
     * Runs {@code body} with recording disabled on this thread and returns its result, as {@code with torch.no_grad():}
     * (the lambda form of {@link #disabled()}, which {@code -Xlint:try} does not flag as an unused resource).
     */
    public static <T> T noGrad(java.util.function.Supplier<T> body) { return with(false, body); }

    /** Runs {@code body} with recording disabled on this thread. */
    public static void noGrad(Runnable body) {
        with(false, () -> {
            body.run();
            return null;
        });
    }

    /** Runs {@code body} with recording enabled on this thread (inside a disabled scope) and returns its result. */
    public static <T> T enableGrad(java.util.function.Supplier<T> body) { return with(true, body); }

    /** {@code body} with recording on or off, the previous state restored however it ends. */
    private static <T> T with(boolean enabled, java.util.function.Supplier<T> body) {
        Grad g = new Grad(enabled);
        try {
            return body.get();
        } finally {
            g.close();
        }
    }

    /** Enables recording on this thread until {@link #close()} (inside a disabled scope). */
    public static Grad enabled() { return new Grad(true); }

    /** Whether operations on this thread are being recorded. */
    public static boolean isEnabled() { return STATE.get()[0]; }

    /**
     * Anomaly detection on this thread until the scope closes, as {@code torch.autograd.detect_anomaly()}:
     * every op checks its forward output and every backward checks the gradients it returns, and the
     * first NaN or infinity is an error naming the op. Off by default: it costs a scan of each array.
     */
    public static AutoCloseable detectAnomaly() {
        boolean[] state = STATE.get();
        boolean previous = state[1];
        state[1] = true;
        return () -> state[1] = previous;
    }

    /** Whether anomaly detection is on for this thread. */
    public static boolean isAnomalyDetectionEnabled() { return STATE.get()[1]; }

    /** Throws when {@code a} (a floating-point array) holds NaN or infinity. */
    static void checkFinite(org.nd4j.linalg.api.ndarray.INDArray a, java.util.function.Supplier<String> what) {
        if (a == null || !a.dataType().isFPType() || a.length() == 0) return;
        boolean nan = org.nd4j.linalg.indexing.BooleanIndexing.or(a, org.nd4j.linalg.indexing.conditions.Conditions.isNan());
        boolean inf = !nan && org.nd4j.linalg.indexing.BooleanIndexing.or(a, org.nd4j.linalg.indexing.conditions.Conditions.isInfinite());
        if (nan || inf) throw new ArithmeticException(what.get() + (nan ? " nan" : " infinite") + " values (anomaly detection)");
    }

    /** Restores the state from before this scope. */
    @Override public void close() { STATE.get()[0] = previous; }
}
