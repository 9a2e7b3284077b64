package dev.nabla.datasets;

import dev.nabla.api.Tensor;
import java.util.Random;

/**
 * A per-sample transform of a tensor, as torchvision's transforms: {@link ToTensor}, {@link Normalize},
 * {@link RandomCrop}, {@link RandomHorizontalFlip}, {@link Lambda}, chained with {@link Compose}.
 * Images are {@code [C, H, W]} tensors. Transforms are preprocessing: they are not recorded by autograd.
 *
 * <pre>{@code
 * Transform t = new Compose(new RandomCrop(28, 2), new ToTensor(), new Normalize(0.2860, 0.3530));
 * }</pre>
 */
@FunctionalInterface
public interface Transform {
    Tensor apply(Tensor x);

    /** This transform, then {@code next}. */
    default Transform andThen(Transform next) { return new Compose(this, next); }

    /**
     * The generator that random transforms draw from: inside a {@link DataLoader}, one seeded from the
     * loader's seed, the epoch and the sample's index; elsewhere {@link dev.nabla.api.Nabla#javaRandom()}.
     */
    static Random random() { return SampleRandom.current(); }
}
