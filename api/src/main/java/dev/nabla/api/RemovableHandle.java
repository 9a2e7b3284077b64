package dev.nabla.api;

/**
 * What registering a hook returns: {@link #remove()} takes the hook off again, as PyTorch's
 * {@code torch.utils.hooks.RemovableHandle}. Removing twice does nothing. Closing removes it too, so that a
 * try-with-resources block scopes a hook.
 *
 * <pre>{@code
 * RemovableHandle h = w.registerHook(g -> g.mul(2));
 * h.remove();
 * }</pre>
 */
@FunctionalInterface
public interface RemovableHandle extends AutoCloseable {
    /** Takes the hook off; idempotent. */
    void remove();

    @Override default void close() { remove(); }
}
