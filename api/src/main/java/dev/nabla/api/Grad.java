package dev.nabla.api;

/**
 * Thread-local switch for gradient recording, as PyTorch's {@code torch.no_grad()}.
 *
 * <pre>{@code
 * try (var g = Grad.disabled()) { y = model.forward(x); }   // no tape is recorded here
 * }</pre>
 */
public final class Grad implements AutoCloseable {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});
    private final boolean previous;

    private Grad(boolean enabled) {
        boolean[] state = ENABLED.get();
        this.previous = state[0];
        state[0] = enabled;
    }

    /** Disables recording on this thread until {@link #close()}. */
    public static Grad disabled() { return new Grad(false); }

    /** Enables recording on this thread until {@link #close()} (inside a disabled scope). */
    public static Grad enabled() { return new Grad(true); }

    /** Whether operations on this thread are being recorded. */
    public static boolean isEnabled() { return ENABLED.get()[0]; }

    /** Restores the state from before this scope. */
    @Override public void close() { ENABLED.get()[0] = previous; }
}
