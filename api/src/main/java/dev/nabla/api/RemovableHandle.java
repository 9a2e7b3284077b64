package dev.nabla.api;

/**
 * What a hook registration returns, as PyTorch's {@code torch.utils.hooks.RemovableHandle}: {@link #remove()} takes the
 * hook off (again: nothing). Closing it removes it too, so a try-with-resources block scopes a hook.
 */
public interface RemovableHandle extends AutoCloseable {
    void remove();

    @Override default void close() { remove(); }
}
