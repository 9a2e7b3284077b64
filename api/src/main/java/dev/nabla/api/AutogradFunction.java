package dev.nabla.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A differentiable operation written with Nabla's own tensor ops, as PyTorch's {@code torch.autograd.Function}: a
 * {@link #forward} from the inputs to the outputs and a {@link #backward} from the outputs' gradients to the inputs'.
 * Both run with recording off; the context carries what the backward needs.
 *
 * <pre>{@code
 * final class Exp extends AutogradFunction {
 *     protected Tensor[] forward(Context ctx, Tensor... x) {
 *         Tensor y = x[0].exp();
 *         ctx.saveForBackward(y);
 *         return new Tensor[] {y};
 *     }
 *     protected Tensor[] backward(Context ctx, Tensor... grad) {
 *         return new Tensor[] {grad[0].mul(ctx.savedTensors().get(0))};
 *     }
 * }
 * Tensor y = new Exp().apply(x);
 * }</pre>
 *
 * Non-tensor arguments are the function's constructor parameters ({@code new Clamp(0, 1).apply(x)}); an instance
 * keeps no state of a call, so it can be applied again. {@link #backward} returns one gradient per input, in order,
 * null where an input needs none ({@link Context#needsInputGrad}); a gradient may have a shape the input broadcasts
 * to (it is summed back). The gradients passed in are zeros for an output that did not reach the loss. The
 * tensor-free form for kernel writers, on ND4J arrays, is {@link Function}.
 */
public abstract class AutogradFunction {
    /** Computes the outputs (at least one) from the inputs (an absent optional input may be null); recording is off. */
    protected abstract Tensor[] forward(Context ctx, Tensor... inputs);

    /** The gradients with respect to each input, given one gradient per output; recording is off. */
    protected abstract Tensor[] backward(Context ctx, Tensor... gradOutputs);

    /** The name shown by {@link Tensor#gradFn()} and in errors, PyTorch style ({@code ExpBackward}). */
    public String name() {
        String n = getClass().getSimpleName();
        return (n.isEmpty() ? "AutogradFunction" : n) + "Backward";
    }

    /** Runs the function on the inputs and, when one of them requires grad and recording is on, records it; one output. */
    public final Tensor apply(Tensor... inputs) {
        List<Tensor> out = applyAll(inputs);
        if (out.size() != 1) {
            throw new IllegalStateException(name() + ": forward returned " + out.size() + " outputs; use applyAll(...) for "
                    + "a function of several outputs");
        }
        return out.get(0);
    }

    /** As {@link #apply}, for a function of several outputs: all of them, in order. */
    public final List<Tensor> applyAll(Tensor... inputs) {
        boolean record = false;
        boolean[] needs = new boolean[inputs.length];
        if (Grad.isEnabled()) {
            for (int i = 0; i < inputs.length; i++) record |= needs[i] = inputs[i] != null && inputs[i].requiresGrad();
        }
        Context ctx = new Context(this, inputs.clone(), needs);
        Tensor[] outs;
        try (var g = Grad.disabled()) {
            outs = forward(ctx, inputs.clone());
        }
        ctx.inForward = false;
        if (outs == null || outs.length == 0) throw new IllegalStateException(name() + ": forward returned no output");
        outs = outs.clone();
        for (int k = 0; k < outs.length; k++) {
            if (outs[k] == null) throw new IllegalStateException(name() + ": forward returned null as output " + k);
        }
        for (Tensor d : ctx.dirty) {
            if (indexOf(inputs, d) < 0) {
                throw new IllegalStateException(name() + ": markDirty was given a tensor that is not an input; only inputs "
                        + "changed in place by forward are dirty");
            }
            if (indexOf(outs, d) < 0) {
                throw new IllegalStateException(name() + ": an input marked dirty (changed in place) must be returned as an output");
            }
        }
        for (Tensor n : ctx.nonDifferentiable) {
            if (indexOf(outs, n) < 0) throw new IllegalStateException(name() + ": markNonDifferentiable was given a tensor that is not an output");
        }
        if (!record) {
            for (int k = 0; k < outs.length; k++) if (indexOf(inputs, outs[k]) >= 0 && !ctx.isDirty(outs[k])) outs[k] = outs[k].detach();
            return List.of(outs);
        }
        for (Tensor d : ctx.dirty) {
            if (Grad.isEnabled() && d.requiresGrad() && d.isLeaf()) {
                throw new IllegalStateException(name() + ": a leaf Variable that requires grad is being used in an in-place "
                        + "operation (markDirty); clone() it before passing it in");
            }
            if (d.viewMeta() != null) d.viewMeta().checkRebase(name(), d);   // a view: its base takes a CopySlices below
        }
        Node node = new Node(this, ctx, outs.length);
        node.record(inputs.clone());   // the dirty inputs still carry their history: forward ran with recording off
        for (int k = 0; k < outs.length; k++) {
            Tensor o = outs[k];
            node.outputShapes[k] = o.nd().shape();
            node.outputTypes[k] = o.nd().dataType();
            boolean dirty = ctx.isDirty(o);
            // an input returned as it is, or a tensor with a history of its own, comes out as a new alias of it
            if (!dirty && (indexOf(inputs, o) >= 0 || !o.isLeaf() || o.requiresGrad() || indexOf(outs, o) < k)) o = o.detach();
            if (!ctx.isNonDifferentiable(outs[k]) && o.dtype().isFloatingPoint()) {
                if (dirty && o.viewMeta() != null) {   // written through a view: the base's history is rebased, as PyTorch's
                    Tensor r = Tensor.from(o.nd());
                    r.attachTo(node, k);
                    o.viewMeta().rebase(name(), o, r);
                } else {
                    o.attachTo(node, k);
                }
            }
            outs[k] = o;
        }
        return Collections.unmodifiableList(Arrays.asList(outs));
    }

    private static int indexOf(Tensor[] ts, Tensor t) {
        for (int i = 0; i < ts.length; i++) if (ts[i] == t) return i;
        return -1;
    }

    /**
     * What one call of the function carries from its forward to its backward, as PyTorch's {@code ctx}: the saved
     * tensors, which inputs need a gradient, and the inputs changed in place or outputs without a gradient.
     */
    public static final class Context {
        private final AutogradFunction fn;
        private final Tensor[] inputs;
        private final boolean[] needs;
        private boolean inForward = true;
        private Tensor[] saved = new Tensor[0];
        private int[] savedVersions = new int[0];
        private boolean freed;
        private final Set<Tensor> dirty = Collections.newSetFromMap(new IdentityHashMap<>());
        private final Set<Tensor> nonDifferentiable = Collections.newSetFromMap(new IdentityHashMap<>());

        private Context(AutogradFunction fn, Tensor[] inputs, boolean[] needs) {
            this.fn = fn;
            this.inputs = inputs;
            this.needs = needs;
        }

        /**
         * Keeps tensors (inputs, outputs or intermediates; null allowed) for the backward, as
         * {@code ctx.save_for_backward}; an in-place change of one of them afterwards is an error when the backward
         * reads it. Call once, from forward.
         */
        public void saveForBackward(Tensor... tensors) {
            checkInForward("saveForBackward");
            saved = tensors.clone();
            savedVersions = new int[saved.length];
            for (int i = 0; i < saved.length; i++) savedVersions[i] = saved[i] == null ? 0 : saved[i].version();
        }

        /** The tensors given to {@link #saveForBackward}, checked unchanged since. */
        public List<Tensor> savedTensors() {
            if (freed) {
                throw new IllegalStateException("Trying to backward through the graph a second time (or directly access saved "
                        + "tensors after they have already been freed) at " + fn.name() + ". Saved intermediate values of the "
                        + "graph are freed when you call backward(); specify retainGraph=true if you need to backward a second time.");
            }
            for (int i = 0; i < saved.length; i++) {
                Tensor t = saved[i];
                if (t != null && t.version() != savedVersions[i]) {
                    throw new IllegalStateException("One of the variables needed for gradient computation has been modified by an "
                            + "inplace operation: [" + t.dtype() + " tensor of shape " + t.shape() + "], which is saved tensor "
                            + i + " of " + fn.name() + ", is at version " + t.version() + "; expected version "
                            + savedVersions[i] + " instead.");
                }
            }
            return Collections.unmodifiableList(new ArrayList<>(Arrays.asList(saved)));
        }

        /** Whether input {@code i} needs a gradient (it requires grad and recording was on), as {@code ctx.needs_input_grad[i]}. */
        public boolean needsInputGrad(int i) {
            if (i < 0 || i >= needs.length) {
                throw new IndexOutOfBoundsException(fn.name() + ": needsInputGrad(" + i + "), but the function has " + needs.length + " inputs");
            }
            return needs[i];
        }

        /**
         * Declares inputs that forward changed in place, as {@code ctx.mark_dirty}; forward must return them. A dirty view
         * rebases its base's history as an in-place op of Nabla does ({@code CopySlices}, see {@link Tensor}).
         */
        public void markDirty(Tensor... tensors) {
            checkInForward("markDirty");
            for (Tensor t : tensors) dirty.add(t);
        }

        /** Declares outputs that have no gradient (indices, masks), as {@code ctx.mark_non_differentiable}. */
        public void markNonDifferentiable(Tensor... tensors) {
            checkInForward("markNonDifferentiable");
            for (Tensor t : tensors) nonDifferentiable.add(t);
        }

        boolean isDirty(Tensor t) { return dirty.contains(t); }

        boolean isNonDifferentiable(Tensor t) { return nonDifferentiable.contains(t); }

        private void checkInForward(String what) {
            if (!inForward) throw new IllegalStateException(fn.name() + ": " + what + " can only be called from forward");
        }
    }

    /** The tape's node for one call: its backward is the user's, checked. */
    private static final class Node extends Function {
        private final AutogradFunction fn;
        private final Context ctx;
        private final long[][] outputShapes;
        private final org.nd4j.linalg.api.buffer.DataType[] outputTypes;
        private final Tensor[] retained;

        Node(AutogradFunction fn, Context ctx, int outputs) {
            this.fn = fn;
            this.ctx = ctx;
            this.outputShapes = new long[outputs][];
            this.outputTypes = new org.nd4j.linalg.api.buffer.DataType[outputs];
            this.retained = new Tensor[outputs];
        }

        @Override public String name() { return fn.name(); }

        @Override protected String profileName() { return fn.getClass().getSimpleName(); }

        @Override protected INDArray forward(INDArray... inputs) {
            throw new UnsupportedOperationException(fn.name() + ": runs through AutogradFunction.apply");
        }

        @Override protected INDArray[] backward(INDArray gradOutput) { return backwardAll(new INDArray[] {gradOutput}); }

        @Override int outputCount() { return outputShapes.length; }

        @Override boolean gradientsMayBeFreed() { return false; }   // user code may keep what it returned

        @Override void retain(Tensor output) { retained[output.outputNr()] = output; }

        @Override void accumulateRetained(INDArray[] gradOutputs) {
            for (int k = 0; k < retained.length; k++) if (retained[k] != null && gradOutputs[k] != null) retained[k].accumulateGrad(gradOutputs[k]);
        }

        @Override INDArray[] backwardAll(INDArray[] gradOutputs) {
            checkAlive();
            Tensor[] g = new Tensor[gradOutputs.length];
            for (int k = 0; k < g.length; k++) {
                g[k] = gradOutputs[k] != null ? Tensor.from(gradOutputs[k])
                        : Tensor.from(org.nd4j.linalg.factory.Nd4j.zeros(outputTypes[k], outputShapes[k]));
            }
            Tensor[] r = fn.backward(ctx, g);
            int n = inputCount();
            if (r == null || r.length != n) {
                throw new IllegalStateException("function " + name() + " returned an incorrect number of gradients (expected "
                        + n + ", got " + (r == null ? "null" : r.length) + "); return one per input, null where none is needed");
            }
            INDArray[] out = new INDArray[n];
            for (int i = 0; i < n; i++) {
                if (r[i] == null) continue;
                Tensor in = inputs()[i];
                if (in == null) {
                    throw new IllegalStateException("function " + name() + " returned a gradient different than null at position "
                            + i + ", but the corresponding forward input was null (no tensor)");
                }
                if (!needsGrad(i)) continue;
                if (!r[i].dtype().isFloatingPoint()) {
                    throw new IllegalStateException("function " + name() + " returned a gradient of dtype " + r[i].dtype()
                            + " at index " + i + "; gradients are floating point");
                }
                long[] want = in.nd().shape(), got = r[i].nd().shape();
                if (!Arrays.equals(want, got) && !expandable(want, got)) {
                    throw new IllegalStateException("function " + name() + " returned an invalid gradient at index " + i
                            + " - got " + Shape.of(got) + " but expected shape compatible with " + Shape.of(want));
                }
                out[i] = r[i].nd();
            }
            return out;
        }

        /** Whether an array of shape {@code from} broadcasts to {@code to}. */
        private static boolean expandable(long[] from, long[] to) {
            if (from.length > to.length) return false;
            for (int i = 1; i <= from.length; i++) {
                long a = from[from.length - i], b = to[to.length - i];
                if (a != b && a != 1) return false;
            }
            return true;
        }

        @Override protected void releaseSaved() {
            ctx.freed = true;
            ctx.saved = new Tensor[0];
        }
    }
}
