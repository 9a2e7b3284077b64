package dev.nabla.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The intermediate results of a module's {@code forward}: the tensors made while it is open, on this thread, that the
 * forward does not return. Java cannot count references as PyTorch does, so without this their memory goes back to the
 * {@link Pool} only when the garbage collector finds them dead (the transformer workload: one full collection of about
 * 22 ms in every 250 ms training step). With it, an intermediate the pool lent while the scope was open goes back when
 * the backward pass has freed the graph that saved it (or at once at {@link #close} when no graph is recorded).
 *
 * <pre>{@code
 * @Override public Tensor forward(Tensor x) {
 *     try (var scope = Intermediates.open()) {
 *         Tensor h = fc1.forward(x).relu();
 *         return scope.keep(fc2.forward(h));   // h goes back to the pool after backward
 *     }
 * }
 * }</pre>
 *
 * <p>The promise a module makes by opening one is that of {@link KeepsNoTensors}: nothing made inside the scope and not
 * {@linkplain #keep kept} is reachable afterwards but through the ops that saved it (no field, no list, no hook keeps
 * one). Kept results, and whatever shares memory with them (views), stay; so do tensors that existed before the scope
 * (inputs, parameters, buffers) and views of them, since only arrays lent during the scope are given back. Scopes nest:
 * what an inner one keeps is an intermediate of the outer one. The framework's composite modules
 * ({@code MultiheadAttention}, {@code TransformerEncoderLayer}, {@code TransformerEncoder}) use one.
 */
public final class Intermediates implements AutoCloseable {
    private static final ThreadLocal<Intermediates> CURRENT = new ThreadLocal<>();

    private final Intermediates parent;
    private final long firstLending;
    private final boolean gradAtOpen;
    private final List<Tensor> made = new ArrayList<>();
    private final Set<Tensor> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private Intermediates(Intermediates parent) {
        this.parent = parent;
        this.firstLending = Pool.nextLending();
        this.gradAtOpen = Grad.isEnabled();
    }

    /** Opens a scope on this thread: tensors made from now until {@link #close} are its intermediates unless kept. */
    public static Intermediates open() {
        Intermediates s = new Intermediates(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /** Called for every tensor made: the innermost open scope on this thread records it. */
    static void made(Tensor t) {
        Intermediates s = CURRENT.get();
        if (s != null) s.made.add(t);
    }

    /** Marks {@code t} as a result that leaves the scope (returned or handed on); returns it. */
    public Tensor keep(Tensor t) {
        if (closed) throw new IllegalStateException("Intermediates: keep called after the scope was closed");
        if (t != null) kept.add(t);
        return t;
    }

    /**
     * Ends the scope: its intermediates whose memory the pool lent during it and that share no memory with a kept
     * result are marked to go back after the backward pass (or go back now when no graph was recorded); the kept
     * results become intermediates of the enclosing scope, if any.
     *
     * @throws IllegalStateException when an inner scope opened after this one is still open
     */
    @Override public void close() {
        if (closed) return;
        if (CURRENT.get() != this) {
            throw new IllegalStateException("Intermediates: scopes must close in the reverse order of opening (an inner scope is still open)");
        }
        closed = true;
        CURRENT.set(parent);
        if (parent != null) parent.made.addAll(kept);
        if (!Pool.enabled()) return;
        boolean now = !gradAtOpen && !Grad.isEnabled();   // no op of this scope recorded anything that could save a tensor
        for (Tensor t : made) {
            if (kept.contains(t) || !t.hasData()) continue;
            if (!Pool.lentSince(t.nd(), firstLending) || sharesWithKept(t)) continue;
            if (now) t.releaseInternal();
            else t.markInternal();
        }
        made.clear();
    }

    private boolean sharesWithKept(Tensor t) {
        for (Tensor k : kept) if (k.hasData() && Tensor.sharesStorage(k.nd(), t.nd())) return true;
        return false;
    }
}
