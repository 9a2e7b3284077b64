package dev.nabla.api;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One differentiable operation on the tape: a {@link #forward} on ND4J arrays and the matching
 * {@link #backward}. Subclass it for a custom op and run it with {@link #apply(Function, Tensor...)}. This is the
 * form for kernel writers; a custom op written with tensor ops (as {@code torch.autograd.Function}) is an
 * {@link AutogradFunction}.
 *
 * <pre>{@code
 * final class Square extends Function {
 *     protected INDArray forward(INDArray... x) { return x[0].mul(x[0]); }
 *     protected INDArray[] backward(INDArray g) { return new INDArray[] {g.mul(input(0)).muli(2)}; }
 * }
 * Tensor y = Function.apply(new Square(), x);
 * }</pre>
 */
public abstract class Function {
    private Tensor[] inputs;
    private int[] versions;
    private boolean[] needsGrad;
    private Function[] edges;
    private int[] edgeSlots;
    private Tensor output;
    private int outputVersion = -1;
    private boolean saveOutput;
    private boolean freed;
    /** The output, when {@link Tensor#retainGrad()} asked to keep its gradient. */
    Tensor retainedOutput;
    /** The outputs (by slot) with {@link Tensor#registerHook} hooks, or null when none has any. */
    private Tensor[] hookedOutputs;
    /** The inputs whose gradient {@link #gradInPlace} wrote straight into their .grad in the last backward (bits). */
    private long wroteInPlace;

    /** Computes the result from the inputs' arrays. Must not change the inputs. */
    protected abstract INDArray forward(INDArray... inputs);

    /**
     * The gradients with respect to each input, given the gradient of the output; an entry may be
     * null where {@link #needsGrad(int)} is false. A gradient may have the output's broadcast shape:
     * the engine sums it back to the input's shape.
     */
    protected abstract INDArray[] backward(INDArray gradOutput);

    /** The name shown by {@link Tensor#gradFn()}, PyTorch style ({@code MulBackward}). */
    public String name() { return getClass().getSimpleName() + "Backward"; }

    /** The row under which {@link Profiler} times this op: the class, plus what a kernel choice depends on. */
    protected String profileName() { return getClass().getSimpleName(); }

    /** Runs {@code f} on the inputs and, when any input requires grad and recording is on, records it. */
    public static Tensor apply(Function f, Tensor... inputs) {
        INDArray[] arrays = new INDArray[inputs.length];
        boolean record = false;
        for (int i = 0; i < inputs.length; i++) {
            arrays[i] = inputs[i].nd();
            record |= inputs[i].requiresGrad();
        }
        record &= Grad.isEnabled();
        if (record) f.record(inputs);
        long t0 = Profiler.isEnabled() ? System.nanoTime() : 0;
        INDArray out = f.forward(arrays);
        if (t0 != 0) Profiler.record(f.profileName() + " forward", System.nanoTime() - t0);
        if (!Pool.owns(out) && !sharesAny(out, arrays)) OffHeapGovernor.allocated(out);   // a view allocates nothing
        if (Grad.isAnomalyDetectionEnabled()) {
            Grad.checkFinite(out, () -> "Function '" + f.getClass().getSimpleName() + "' returned from its forward, for inputs of shapes "
                    + shapes(inputs) + ",");
        }
        if (!record) return Tensor.from(out);
        Tensor t = Tensor.fromOp(out, f);
        if (f.saveOutput) {
            f.output = t;
            f.outputVersion = t.version();
        }
        return t;
    }

    /**
     * Puts this function on the tape with these inputs: their versions, whether each needs a gradient, and the function
     * that made each (its edge), taken now, so that a later in-place change of an input does not re-route the
     * gradient of this use (as PyTorch's edges). A null input (an absent optional tensor) needs no gradient.
     */
    final void record(Tensor[] inputs) {
        this.inputs = inputs;
        versions = new int[inputs.length];
        needsGrad = new boolean[inputs.length];
        edges = new Function[inputs.length];
        edgeSlots = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            if (t == null) continue;
            versions[i] = t.version();
            needsGrad[i] = t.requiresGrad();
            if (needsGrad[i]) {
                edges[i] = t.gradFnNode();
                edgeSlots[i] = t.outputNr();
            }
        }
    }

    /**
     * An in-place op wrote this function's output {@code from} into {@code to}: the output kept for the backward is now
     * {@code to} at its current version, so that a later in-place change of it is caught, as PyTorch's saved result.
     */
    void moveSavedOutput(Tensor from, Tensor to) {
        if (output == from && from.dtype() == to.dtype()) {
            output = to;
            outputVersion = to.version();
        }
    }

    /** Whether {@code t} is one of this function's inputs. */
    boolean readsInput(Tensor t) {
        if (inputs != null) for (Tensor in : inputs) if (in == t) return true;
        return false;
    }

    /** The function that made input {@code i} when this one was recorded; null for a leaf (or no gradient). */
    final Function edge(int i) { return edges[i]; }

    /** Which output of {@link #edge(int)} input {@code i} was. */
    final int edgeSlot(int i) { return edgeSlots[i]; }

    /** How many outputs this function gives; more than one only for a custom {@link AutogradFunction}. */
    int outputCount() { return 1; }

    /** The backward of a function of several outputs: one gradient per output (never null). */
    INDArray[] backwardAll(INDArray[] gradOutputs) { return backward(gradOutputs[0]); }

    /**
     * For a single-input op whose input already has a gradient gathered from other uses (a dense array of the input's
     * shape that only the tape holds): adds this op's gradient into it and returns true, instead of returning a
     * gradient of the input's full size to be summed (a slice's backward: its part only). False: not supported.
     */
    boolean backwardInto(INDArray gradOutput, INDArray target) { return false; }

    /** Whether the engine may free the gradients {@link #backward} returns once used (not when user code may hold them). */
    boolean gradientsMayBeFreed() { return true; }

    /** Whether the last backward wrote input i's gradient into its .grad itself (and returned null for it). */
    boolean takeWroteInPlace(int i) {
        boolean w = i < 64 && (wroteInPlace & (1L << i)) != 0;
        if (w) wroteInPlace &= ~(1L << i);
        return w;
    }

    /** Forgets which inputs {@link #gradInPlace} wrote (before a backward). */
    void clearWroteInPlace() { wroteInPlace = 0; }

    /** Set by the backward walk around {@link #backward}: see {@link #gradOutputWritable}. */
    private boolean gradOutputWritable;

    void setGradOutputWritable(boolean writable) { gradOutputWritable = writable; }

    /**
     * Whether {@link #backward} may write its input gradient into the output gradient it was given and return that array:
     * the walk holds it alone (no other consumer, no hook, not kept as anyone's .grad) and would free it right after.
     * Writing into it spares a new array and the cold memory it comes in.
     */
    boolean gradOutputWritable() { return gradOutputWritable; }

    /** Whether some output has {@link Tensor#registerHook} hooks. */
    boolean hasOutputHooks() { return hookedOutputs != null; }

    /** Makes the walk call {@code output}'s tensor hooks with the gradient of output slot {@code slot}. */
    void hook(Tensor output, int slot) {
        if (hookedOutputs == null) hookedOutputs = new Tensor[outputCount()];
        hookedOutputs[slot] = output;
    }

    /** Runs the outputs' tensor hooks on their gradients (in place in the array), before the backward uses them. */
    void runOutputHooks(INDArray[] gradOutputs) {
        if (hookedOutputs == null) return;
        for (int k = 0; k < gradOutputs.length; k++) {
            if (hookedOutputs[k] != null && gradOutputs[k] != null) gradOutputs[k] = hookedOutputs[k].runGradHooks(gradOutputs[k]);
        }
    }

    /** Keeps an output's gradient in its {@code .grad} during backward ({@link Tensor#retainGrad()}). */
    void retain(Tensor output) { retainedOutput = output; }

    /** Gives the outputs that asked for {@link Tensor#retainGrad()} their gradients. */
    void accumulateRetained(INDArray[] gradOutputs) {
        if (retainedOutput != null && gradOutputs[0] != null) retainedOutput.accumulateGrad(gradOutputs[0]);
    }

    /** Whether {@code a} shares memory with one of {@code others} (a view of it, or it). */
    static boolean sharesAny(INDArray a, INDArray... others) {
        for (INDArray o : others) if (o != null && Tensor.sharesStorage(a, o)) return true;
        return false;
    }

    private static String shapes(Tensor[] inputs) {
        StringBuilder b = new StringBuilder();
        for (Tensor t : inputs) b.append(b.length() == 0 ? "" : ", ").append(t.shape());
        return b.toString();
    }

    /** Called from {@link #forward}: keep the output for the backward (as {@code ctx.save_for_backward(out)}). */
    protected final void saveOutput() { saveOutput = true; }

    /** Whether input {@code i} needs a gradient. */
    protected final boolean needsGrad(int i) { return needsGrad != null && needsGrad[i]; }

    /** Input {@code i}'s array, checked not to have been changed in place since the forward. */
    protected final INDArray input(int i) {
        checkAlive();
        Tensor t = inputs[i];
        if (t.version() != versions[i]) throw modified(t, versions[i]);
        return t.nd();
    }

    /** The output's array (after {@link #saveOutput()}), checked as {@link #input(int)}. */
    protected final INDArray output() {
        checkAlive();
        if (output == null) throw new IllegalStateException(name() + ": the output was not saved; call saveOutput() in forward");
        if (output.version() != outputVersion) throw modified(output, outputVersion);
        return output.nd();
    }

    /** Writes a gradient into an existing array: {@code beta} 0 overwrites it, 1 adds to it. */
    @FunctionalInterface
    protected interface GradWriter {
        void write(INDArray target, float beta);
    }

    /**
     * Lets {@link #backward} write input {@code i}'s gradient straight into the leaf's {@code .grad} (a parameter after
     * its first step): {@code writer} gets that array and beta 0 after a zeroGrad (overwrite) or 1 (accumulate), as a
     * BLAS product's beta, which spares a temporary and the copy or add into {@code .grad}. Returns false, writing
     * nothing, when that does not apply (no gradient yet, a non-leaf, another type or shape, anomaly detection on);
     * backward then returns the gradient as usual. When it returns true, backward returns null for input {@code i}.
     */
    protected final boolean gradInPlace(int i, long[] shape, GradWriter writer) {
        checkAlive();
        if (!needsGrad(i) || Grad.isAnomalyDetectionEnabled()) return false;
        Tensor t = inputs[i];
        INDArray target = t.inPlaceGradTarget(t.nd().dataType(), shape);
        if (target == null) return false;
        for (Tensor in : inputs) if (Tensor.sharesStorage(target, in.nd())) return false;
        if (output != null && Tensor.sharesStorage(target, output.nd())) return false;
        writer.write(target, t.takeGradZeroPending() ? 0f : 1f);
        t.grad().markModified();
        if (i < 64) wroteInPlace |= 1L << i;
        return true;
    }

    /** How many inputs the op was applied to. */
    protected final int inputCount() {
        checkAlive();
        return inputs.length;
    }

    /** The shape of input {@code i} (no version check: shapes cannot change in place). */
    protected final long[] inputShape(int i) {
        checkAlive();
        return inputs[i].shape().toArray();
    }

    Tensor[] inputs() { return inputs; }

    /** The saved output's array, or null. */
    INDArray savedOutputArray() { return output == null ? null : output.nd(); }

    boolean isFreed() { return freed; }

    void checkAlive() {
        if (freed) {
            throw new IllegalStateException("Trying to backward through the graph a second time (or directly access saved "
                    + "tensors after they have already been freed) at " + name() + ". Saved intermediate values of the graph "
                    + "are freed when you call backward(); specify retainGraph=true if you need to backward a second time.");
        }
    }

    /** Drops every reference the tape saved, so that ND4J can free the off-heap memory. */
    void release() {
        freed = true;
        inputs = null;
        edges = null;
        output = null;
        releaseSaved();
    }

    /** Called when the tape frees this op: drop any array the op kept for its backward (e.g. an im2col buffer). */
    protected void releaseSaved() {}

    private IllegalStateException modified(Tensor t, int expected) {
        return new IllegalStateException("One of the variables needed for gradient computation has been modified by an "
                + "inplace operation: [" + t.dtype() + " tensor of shape " + t.shape()
                + "], which is input to " + name() + ", is at version " + t.version() + "; expected version " + expected
                + " instead.");
    }
}
