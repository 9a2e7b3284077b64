package dev.nabla.spark;

import dev.nabla.datasets.TensorDataset;
import java.io.Serializable;
import java.util.List;

/**
 * Turns the samples of one partition into tensors, on the executor: inputs {@code [n, …]} and targets {@code [n]}
 * (class indices) or {@code [n, …]}. Sent to the executors, so {@link Serializable}; a lambda works:
 *
 * <pre>{@code
 * TensorConverter<float[]> c = rows -> new TensorDataset(xFrom(rows), yFrom(rows));
 * }</pre>
 *
 * @param <T> the type of the RDD's (or Dataset's) elements
 */
@FunctionalInterface
public interface TensorConverter<T> extends Serializable {
    /** The samples, in their order, as a dataset of tensors ({@code samples} may be empty). */
    TensorDataset convert(List<T> samples);
}
