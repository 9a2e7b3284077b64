package dev.nabla.training;

import dev.nabla.datasets.Subset;

/**
 * One fold of a {@link KFold} split: {@code index} from 0, the training part (every other fold) and the
 * validation part (this fold).
 */
public record Fold<E>(int index, Subset<E> train, Subset<E> validation) {
    public Fold {
        if (index < 0) throw new IllegalArgumentException("Fold: index must be >= 0, got " + index);
        if (train == null || validation == null) throw new IllegalArgumentException("Fold: train and validation must not be null");
    }
}
