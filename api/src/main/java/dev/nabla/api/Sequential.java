package dev.nabla.api;

import java.util.List;

/**
 * Modules applied in order, registered as {@code "0"}, {@code "1"}, …, as {@code nn.Sequential}.
 *
 * <pre>{@code
 * Module net = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
 * }</pre>
 */
@KeepsNoTensors
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

    /**
     * Applies the modules in order. When every module declares {@link KeepsNoTensors} (the framework's layers do), an
     * intermediate result whose memory the results after it do not share is reachable only through the ops that saved
     * it: without a tape it goes back to the memory pool at once, with one when the backward pass frees the graph, so
     * that large activations need not wait for the garbage collector (BENCHMARKS.md: convnet step 15.7–16.1 → 14.2–14.4
     * ms mean, collections 23 → 9 in 630 steps). Results that share memory with later ones (a {@code Flatten} view)
     * are left to the collector. Each module's forward runs in an {@link Intermediates} scope, so that what it makes
     * inside and does not return goes back the same way (a user's residual block: its convolutions' and
     * normalisations' results; ResNet-20 left 215 MB a step to the collector before).
     *
     * <p>A module that {@link FusesWithNext fuses with the next one} (Conv2d followed by MaxPool2d) runs the pair as one
     * op: the result between them would be this Sequential's own, so no caller can miss it.
     */
    @Override public Tensor forward(Tensor x) {
        boolean release = Pool.enabled() && releasable();
        Tensor cur = x;
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            Tensor out = null;
            if (i + 1 < layers.size() && m instanceof FusesWithNext f) {
                out = f.forwardFused(layers.get(i + 1), cur);
                if (out != null) i++;   // the next module ran inside the fused op
            }
            if (out == null && release) {
                // the module's own intermediates (a block's convolution and normalisation results) go back after the
                // backward too: a module that keeps no tensor reaches none of them once it has returned
                try (Intermediates scope = Intermediates.open()) {
                    out = scope.keep(m.forward(cur));
                }
            }
            if (out == null) out = m.forward(cur);
            if (release && cur != x && out != cur && !Tensor.sharesStorage(out.nd(), cur.nd()) && !Tensor.sharesStorage(cur.nd(), x.nd())) {
                if (Grad.isEnabled()) cur.markInternal();
                else cur.releaseInternal();
            }
            cur = out;
        }
        return cur;
    }

    private boolean releasable() {
        for (Module m : layers) if (!keepsNoTensors(m)) return false;
        return true;
    }

    /** Whether a module's class, and its children's, declare {@link KeepsNoTensors}. */
    private static boolean keepsNoTensors(Module m) {
        if (!m.getClass().isAnnotationPresent(KeepsNoTensors.class)) return false;
        for (Module c : m.children()) if (!keepsNoTensors(c)) return false;
        return true;
    }
}
