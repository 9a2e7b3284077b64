package dev.nabla.datasets;

import dev.nabla.api.Tensor;
import java.util.function.UnaryOperator;

/**
 * A user function as a transform, as {@code torchvision.transforms.Lambda}; random ones should draw from
 * {@link Transform#random()}.
 *
 * <pre>{@code
 * new Lambda(x -> x.flatten())
 * }</pre>
 */
public final class Lambda implements Transform {
    private final UnaryOperator<Tensor> fn;

    public Lambda(UnaryOperator<Tensor> fn) {
        if (fn == null) throw new IllegalArgumentException("Lambda: function must not be null");
        this.fn = fn;
    }

    @Override public Tensor apply(Tensor x) { return fn.apply(x); }

    @Override public String toString() { return "Lambda()"; }
}
