package dev.nabla.api;

/**
 * A module that can compute itself and the module after it as one op on the tape (a fusion behind the op boundary):
 * {@link Sequential} asks, because there the result between the two is its own and nobody else can see it. The fused
 * op must give what {@code next.forward(forward(x))} gives, and the same gradients.
 */
public interface FusesWithNext {
    /** {@code next.forward(forward(x))} as one op, or null when this pair (or this input) does not fuse. */
    Tensor forwardFused(Module next, Tensor x);
}
