package dev.nabla.datasets;

import dev.nabla.api.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Transforms applied one after the other, as {@code torchvision.transforms.Compose}.
 *
 * <pre>{@code
 * new Compose(new ToTensor(), new Normalize(0.1307, 0.3081))
 * }</pre>
 */
public final class Compose implements Transform {
    private final List<Transform> transforms;

    public Compose(Transform... transforms) { this(List.of(transforms)); }

    public Compose(List<Transform> transforms) {
        for (Transform t : transforms) if (t == null) throw new IllegalArgumentException("Compose: a transform is null");
        this.transforms = List.copyOf(transforms);
    }

    /** The transforms, in order. */
    public List<Transform> transforms() { return transforms; }

    @Override public Tensor apply(Tensor x) {
        for (Transform t : transforms) x = t.apply(x);
        return x;
    }

    /** The chain with nested Composes expanded. */
    static List<Transform> flatten(Transform t) {
        List<Transform> out = new ArrayList<>();
        if (t instanceof Compose c) for (Transform u : c.transforms) out.addAll(flatten(u));
        else if (t != null) out.add(t);
        return out;
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("Compose(");
        for (Transform t : transforms) sb.append("\n    ").append(t);
        return sb.append("\n)").toString();
    }
}
