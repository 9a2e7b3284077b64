package dev.nabla.api;

import java.util.List;

/**
 * Modules applied in order, registered as {@code "0"}, {@code "1"}, …, as {@code nn.Sequential}.
 *
 * <pre>{@code
 * Module net = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
 * }</pre>
 */
public class Sequential extends Module {
    private final List<Module> layers = new java.util.ArrayList<>();

    public Sequential(Module... layers) {
        for (Module m : layers) add(m);
    }

    /** Appends a module; returns this. */
    public Sequential add(Module m) {
        layers.add(module(Integer.toString(layers.size()), m));
        return this;
    }

    /** The i-th module (negative counts from the end). */
    public Module get(int i) {
        int n = layers.size();
        if (i < -n || i >= n) throw new IndexOutOfBoundsException("Sequential: index " + i + " is out of range for " + n + " modules");
        return layers.get(i < 0 ? i + n : i);
    }

    public int size() { return layers.size(); }

    @Override public Tensor forward(Tensor x) {
        for (Module m : layers) x = m.forward(x);
        return x;
    }
}
