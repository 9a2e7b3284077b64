package dev.nabla.datasets;

import dev.nabla.api.Tensor;

/**
 * One element of a supervised dataset: an input {@code x} and its target {@code y}
 * (a class index as an int64 scalar, or a float vector for regression).
 */
public record Sample(Tensor x, Tensor y) {
    public Sample {
        if (x == null) throw new IllegalArgumentException("Sample: x must not be null");
    }
}
