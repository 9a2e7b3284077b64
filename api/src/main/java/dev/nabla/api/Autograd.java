package dev.nabla.api;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The tape walk behind {@link Tensor#backward()}: reverse topological order, accumulation, freeing. */
final class Autograd {
    private Autograd() {}

    static void backward(Tensor root, INDArray seed, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward(): element 0 of tensors does not require grad and does not have a "
                    + "grad_fn; call requiresGrad_() on a leaf before computing it");
        }
        Function rootFn = root.gradFnNode();
        if (rootFn == null) { // a leaf: its gradient is the seed
            try (var g = Grad.disabled()) {
                root.accumulateGrad(root.runGradHooks(seed));
                root.runPostAccumulateGradHooks();
            }
            return;
        }
        List<Function> order = topologicalOrder(rootFn);
        // leaves with hooks: their uses still to be walked, and (with tensor hooks) the gradient gathered so far
        Map<Tensor, HookedLeaf> hooked = hookedLeaves(order);
        // the gradient of each function's output; a function of several outputs (a custom AutogradFunction) has one slot each
        Map<Function, INDArray> grads = new IdentityHashMap<>();
        Map<Function, INDArray[]> slotGrads = new IdentityHashMap<>();
        if (rootFn.outputCount() == 1) {
            grads.put(rootFn, seed);
        } else {
            INDArray[] slots = new INDArray[rootFn.outputCount()];
            slots[root.outputNr()] = seed;
            slotGrads.put(rootFn, slots);
        }
        // gradient arrays this walk made and nobody else holds, and the views of them it passed on: their memory is freed
        // once its last handle is consumed, so that ND4J need not wait for the garbage collector (the seed, and arrays
        // aliasing forward data, are never here)
        OwnedGradients owned = new OwnedGradients();
        // Sequential's intermediates that this graph's ops saved: their memory goes back to the pool once it is freed
        Set<Tensor> internal = Collections.newSetFromMap(new IdentityHashMap<>()), kept = Collections.newSetFromMap(new IdentityHashMap<>());
        try (var g = Grad.disabled()) {
            for (Function f : order) {
                f.checkAlive();
                boolean single = f.outputCount() == 1;
                INDArray[] gOuts = single ? new INDArray[] {grads.remove(f)} : slotGrads.remove(f);
                if (gOuts == null || gOuts[0] == null && single) {   // no path to the root carries a gradient here: f stays, and what it saved
                    for (Tensor in : f.inputs()) if (in != null && in.isInternal()) kept.add(in);
                    if (hooked != null) leafUsesDone(f, null, hooked, owned);
                    continue;
                }
                if (!retainGraph) for (Tensor in : f.inputs()) if (in != null && in.isInternal()) internal.add(in);
                if (f.hasOutputHooks()) {   // the outputs' tensor hooks: a gradient they replace is left to the collector
                    INDArray[] before = gOuts.clone();
                    f.runOutputHooks(gOuts);
                    for (int k = 0; k < gOuts.length; k++) if (before[k] != null && gOuts[k] != before[k]) owned.escape(before[k]);
                }
                f.accumulateRetained(gOuts);
                if (single && intoGathered(f, gOuts[0], grads, owned)) {   // a slice added its part into the gradient gathered so far
                    free(owned, gOuts[0]);
                    if (!retainGraph) f.release();
                    continue;
                }
                long t0 = Profiler.isEnabled() ? System.nanoTime() : 0;
                f.clearWroteInPlace();
                f.setGradOutputWritable(single && gOuts[0] != null && f.gradientsMayBeFreed() && owned.exclusive(gOuts[0]));
                INDArray[] gIn;
                try {
                    gIn = single ? f.backward(gOuts[0]) : f.backwardAll(gOuts);
                } finally {
                    f.setGradOutputWritable(false);
                }
                if (t0 != 0) Profiler.record(f.profileName() + " backward", System.nanoTime() - t0);
                for (INDArray a : gIn) {   // new memory only: not the pool's, not a view of the output's gradient
                    if (a != null && !Pool.owns(a) && !Function.sharesAny(a, gOuts)) OffHeapGovernor.allocated(a);
                }
                if (Grad.isAnomalyDetectionEnabled()) {
                    for (int i = 0; i < gIn.length; i++) {
                        int k = i;
                        Grad.checkFinite(gIn[i], () -> "Function '" + f.name() + "' returned in its " + k + "th output");
                    }
                }
                Tensor[] inputs = f.inputs();
                // which output gradient each input gradient passes on (a view of it, or it: -1 for none)
                int[] passes = new int[gIn.length];
                for (int i = 0; i < gIn.length; i++) {
                    passes[i] = -1;
                    if (gIn[i] == null) continue;
                    for (int k = 0; k < gOuts.length && passes[i] < 0; k++) {
                        if (gOuts[k] != null && Tensor.sharesStorage(gIn[i], gOuts[k])) passes[i] = k;
                    }
                    if (passes[i] >= 0) {   // a custom function's code may keep what it returned: left to the collector
                        if (!f.gradientsMayBeFreed()) owned.escape(gOuts[passes[i]]);
                    } else if (f.gradientsMayBeFreed() && isFresh(gIn, i, inputs, f.savedOutputArray())) {
                        owned.add(gIn[i]);
                    }
                }
                for (int i = 0; i < inputs.length; i++) {
                    Tensor in = inputs[i];
                    if (!f.needsGrad(i) || gIn[i] == null) {
                        if (gIn[i] != null && passes[i] < 0) free(owned, gIn[i]);   // computed but wanted by nobody
                        continue;
                    }
                    // passed on, perhaps to several inputs: one more handle each on the output gradient's memory
                    if (passes[i] >= 0) owned.share(gOuts[passes[i]], gIn[i]);
                    INDArray gi = Broadcast.sumTo(gIn[i], in.nd().shape());
                    if (gi.dataType() != in.nd().dataType()) gi = gi.castTo(in.nd().dataType());
                    if (gi != gIn[i]) {
                        if (Tensor.sharesStorage(gi, gIn[i])) owned.share(gIn[i], gi);
                        else if (!gi.isView()) owned.add(gi);
                        free(owned, gIn[i]);
                    }
                    Function next = f.edge(i);   // the function that made this input when f was recorded
                    if (next == null) {
                        if (in.requiresGrad()) {
                            HookedLeaf h = hooked == null ? null : hooked.get(in);
                            if (h != null && h.gather) {   // its tensor hooks see the sum over its uses
                                h.pending = accumulate(owned, h.pending, gi);
                                continue;
                            }
                            toLeaf(in, gi, owned);
                        }
                        free(owned, gi);
                    } else if (next.outputCount() == 1) {
                        grads.put(next, accumulate(owned, grads.get(next), gi));
                    } else {
                        INDArray[] slots = slotGrads.computeIfAbsent(next, n -> new INDArray[n.outputCount()]);
                        int s = f.edgeSlot(i);
                        slots[s] = accumulate(owned, slots[s], gi);
                    }
                }
                if (hooked != null) leafUsesDone(f, gIn, hooked, owned);
                for (int k = 0; k < gOuts.length; k++) free(owned, gOuts[k]);
                if (!retainGraph) f.release();
            }
        }
        for (Tensor t : internal) if (!kept.contains(t)) t.releaseInternal();
    }

    /** The leaf takes an array only this walk holds over as its first .grad (no copy), else copies or adds it. */
    private static void toLeaf(Tensor leaf, INDArray g, OwnedGradients owned) {
        if (owned.exclusive(g) && leaf.adoptGrad(g)) owned.escape(g);
        else leaf.accumulateGrad(g);
    }

    /** A leaf with hooks during one walk: uses of it not walked yet, whether a gradient reached it, what was gathered. */
    private static final class HookedLeaf {
        int remaining;
        boolean delivered;
        final boolean gather;
        INDArray pending;

        HookedLeaf(boolean gather) { this.gather = gather; }
    }

    /** The leaves with hooks that {@code order} reaches, with their number of uses there; null when there are none. */
    private static Map<Tensor, HookedLeaf> hookedLeaves(List<Function> order) {
        Map<Tensor, HookedLeaf> m = null;
        for (Function f : order) {
            Tensor[] inputs = f.inputs();
            for (int i = 0; i < inputs.length; i++) {
                if (!isHookedLeafUse(f, i)) continue;
                Tensor in = inputs[i];
                if (m == null) m = new IdentityHashMap<>();
                m.computeIfAbsent(in, t -> new HookedLeaf(t.hasGradHooks())).remaining++;
            }
        }
        return m;
    }

    private static boolean isHookedLeafUse(Function f, int i) {
        Tensor in = f.inputs()[i];
        return isLeafUse(f, i) && (in.hasGradHooks() || in.hasPostAccumulateGradHooks());
    }

    /** Whether input i of f is a leaf that the walk gives a gradient through f. */
    private static boolean isLeafUse(Function f, int i) {
        Tensor in = f.inputs()[i];
        return in != null && f.edge(i) == null && f.needsGrad(i) && in.requiresGrad();
    }

    /**
     * After f was walked (gIn null: skipped, no gradient through it): each hooked leaf it uses has one use fewer to go;
     * at its last, the gathered gradient goes through its tensor hooks into .grad, and its post-accumulate hooks run
     * (when some gradient reached it in this walk, as PyTorch's AccumulateGrad runs only on a defined gradient).
     */
    private static void leafUsesDone(Function f, INDArray[] gIn, Map<Tensor, HookedLeaf> hooked, OwnedGradients owned) {
        Tensor[] inputs = f.inputs();
        for (int i = 0; i < inputs.length; i++) {
            if (f.edge(i) != null) continue;
            HookedLeaf h = hooked.get(inputs[i]);
            if (h == null || !isLeafUse(f, i)) continue;
            if (gIn != null && (gIn.length > i && gIn[i] != null || f.takeWroteInPlace(i))) h.delivered = true;
            if (--h.remaining > 0) continue;
            Tensor leaf = inputs[i];
            if (h.gather && h.pending != null) {
                INDArray g = leaf.runGradHooks(h.pending);
                if (g != h.pending) owned.escape(h.pending);
                toLeaf(leaf, g, owned);
                free(owned, g);
                h.pending = null;
            }
            if (h.delivered) leaf.runPostAccumulateGradHooks();
        }
    }

    /**
     * Whether f (one input, needing a gradient, made by a single-output op) added its gradient into that op's gradient
     * gathered so far ({@link Function#backwardInto}); only into an array the walk owns, dense, of the input's shape
     * and type.
     */
    private static boolean intoGathered(Function f, INDArray g, Map<Function, INDArray> grads, OwnedGradients owned) {
        if (g == null || f.inputs().length != 1 || !f.needsGrad(0)) return false;
        Function next = f.edge(0);
        if (next == null || next.outputCount() != 1) return false;
        INDArray prev = grads.get(next);
        INDArray in = f.inputs()[0].nd();
        if (prev == null || !owned.exclusive(prev) || prev.isView() || !Blas.dense(prev) || prev.dataType() != in.dataType()
                || g.dataType() != in.dataType() || !java.util.Arrays.equals(prev.shape(), in.shape()) || Tensor.sharesStorage(prev, g)) {
            return false;
        }
        long t0 = Profiler.isEnabled() ? System.nanoTime() : 0;
        boolean done = f.backwardInto(g, prev);
        if (t0 != 0 && done) Profiler.record(f.profileName() + " backward (into)", System.nanoTime() - t0);
        return done;
    }

    /**
     * The sum of a gradient already collected for an output (or null) and another one: added in place into whichever
     * of the two this walk owns (a tensor used twice, as a residual block's input: no new array and no extra pass),
     * else into a new array.
     */
    private static INDArray accumulate(OwnedGradients owned, INDArray prev, INDArray gi) {
        if (prev == null) return gi;
        INDArray into = owned.exclusive(prev) ? prev : owned.exclusive(gi) ? gi : null;
        INDArray other = into == prev ? gi : prev;
        if (into != null && !into.isView() && into.dataType() == other.dataType() && java.util.Arrays.equals(into.shape(), other.shape())
                && !Tensor.sharesStorage(into, other)) {
            if (into.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT && Blas.available() && Blas.dense(into) && Blas.dense(other)) {
                Blas.saxpy(1f, other, into);   // into + other == other + into exactly: the order of the summands does not matter
            } else {
                into.addi(other);
            }
            free(owned, other);
            return into;
        }
        INDArray sum = prev.add(gi);
        free(owned, prev);
        free(owned, gi);
        owned.add(sum);
        return sum;
    }

    /** Whether gIn[i] is an array of its own: not a view, not aliasing forward data or another returned gradient. */
    private static boolean isFresh(INDArray[] gIn, int i, Tensor[] inputs, INDArray output) {
        INDArray a = gIn[i];
        if (a.isView() || (output != null && Tensor.sharesStorage(a, output))) return false;
        for (Tensor t : inputs) if (t != null && Tensor.sharesStorage(a, t.nd())) return false;
        for (int j = 0; j < gIn.length; j++) if (j != i && gIn[j] != null && Tensor.sharesStorage(a, gIn[j])) return false;
        return true;
    }

    /** Releases an owned array now (and tells the governor); others are left to the garbage collector. */
    private static void free(OwnedGradients owned, INDArray handle) {
        INDArray a = owned.consume(handle);
        if (a == null) return;
        if (Pool.release(a)) return;
        if (a.closeable()) {
            OffHeapGovernor.freed(a);
            a.close();
        }
    }

    /** Functions reachable from {@code root}, each after every function that consumes its output. */
    private static List<Function> topologicalOrder(Function root) {
        List<Function> post = new ArrayList<>();
        Map<Function, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Function f = (Function) top[0];
            int i = (Integer) top[1];
            f.checkAlive();
            Tensor[] inputs = f.inputs();
            if (i < inputs.length) {
                top[1] = i + 1;
                Function next = f.edge(i);
                if (next != null && f.needsGrad(i) && seen.put(next, Boolean.TRUE) == null) {
                    stack.push(new Object[] {next, 0});
                }
            } else {
                stack.pop();
                post.add(f);
            }
        }
        Collections.reverse(post);
        return post;
    }
}
