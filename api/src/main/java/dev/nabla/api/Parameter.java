package dev.nabla.api;

/**
 * A leaf tensor that a {@link Module} trains: it requires grad and is listed by
 * {@link Module#parameters()}. Shares storage with the tensor it wraps, as {@code nn.Parameter}.
 */
public class Parameter extends Tensor {
    /** A parameter that requires grad over {@code data}'s storage. */
    public Parameter(Tensor data) { this(data, true); }

    public Parameter(Tensor data, boolean requiresGrad) {
        super(checked(data).nd());
        requiresGrad(requiresGrad);
    }

    private static Tensor checked(Tensor data) {
        if (data == null) throw new IllegalArgumentException("Parameter: data must not be null");
        if (!data.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("Parameter: only floating-point tensors can be parameters, got " + data.dtype());
        }
        return data;
    }

    @Override public String toString() { return "Parameter containing:\n" + super.toString(); }
}
