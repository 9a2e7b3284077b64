package dev.nabla.api;

/** The values and int64 indices of {@code max(dim)} / {@code min(dim)}, as PyTorch's named tuple. */
public record ValuesIndices(Tensor values, Tensor indices) {
    public ValuesIndices {
        if (values == null || indices == null) throw new IllegalArgumentException("ValuesIndices: values and indices must not be null");
    }
}
