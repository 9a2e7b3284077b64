package dev.nabla.layers;

import dev.nabla.api.Tensor;

/** How a loss combines its per-element values, as PyTorch's {@code reduction=}. */
public enum Reduction {
    MEAN, SUM, NONE;

    Tensor apply(Tensor perElement) {
        return switch (this) {
            case MEAN -> perElement.mean();
            case SUM -> perElement.sum();
            case NONE -> perElement;
        };
    }

    @Override public String toString() { return name().toLowerCase(java.util.Locale.ROOT); }
}
