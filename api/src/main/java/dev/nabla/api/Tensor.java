package dev.nabla.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An n-dimensional array with autograd, as PyTorch's {@code torch.Tensor}, over an ND4J {@link INDArray}.
 *
 * <p>Views ({@link #view}, {@link #narrow}, {@link #index(String)}, {@link #t()}, …) share storage with
 * their base: a write through a view is seen by the base. Operations on tensors that require grad are
 * recorded on a tape; {@link #backward()} walks it.
 *
 * <p>In-place ops ({@code add_}, {@code mul_}, {@code copy_}, {@code fill_}, …) work on views under autograd as in
 * PyTorch: writing through a view of a tensor that requires grad (or writing a value that requires grad into a view of
 * one that does not) gives the base the history {@code CopySlices}, which sends the gradient of the view's region
 * through the op's backward and the rest of the base's gradient to its former history. Every view of that base, older
 * ones included, then regenerates its history from the base ({@code AsStridedBackward}) when next used. As in PyTorch,
 * autograd refuses: an in-place op on a leaf that requires grad or on a view of one; on a view made in no-grad mode or
 * returned with others by {@link #split}/{@link #chunk}, when a gradient is involved; a write to an expanded tensor, or
 * from an operand that shares only part of the written tensor's memory ({@code y.narrow(0, 0, 2).mul_(y.narrow(0, 1, 2))});
 * and, at backward, a tensor saved for the backward that was changed in place afterwards ("one of the variables needed
 * for gradient computation has been modified by an inplace operation").
 *
 * <pre>{@code
 * Tensor y = x.mul(2);                 // x requires grad
 * y.narrow(1, 0, 2).mul_(3);           // y.gradFn() is "CopySlices"
 * Tensor buf = Tensor.zeros(4, 3);
 * buf.select(0, 1).copy_(x.select(0, 0));   // buf now requires grad: row 1 is x's row 0
 * }</pre>
 *
 * <pre>{@code
 * Tensor w = Tensor.randn(3, 1).requiresGrad_();
 * Tensor loss = x.mm(w).sub(y).pow(2).mean();
 * loss.backward();          // w.grad() now holds dloss/dw
 * }</pre>
 */
public class Tensor {
    /** Version counter shared by a tensor and its views; bumped by every in-place change. */
    static final class Version {
        int value;
    }

    private INDArray data;
    private Version version;
    private Tensor base;
    private boolean requiresGrad;
    private Tensor grad;
    /** Set by zeroGrad: the gradient reads as zero; the next backward overwrites it instead of adding (one pass less). */
    private boolean gradZeroPending;
    private Function gradFn;
    /** Which output of {@link #gradFn} this tensor is (0 but for a custom function of several outputs). */
    private int outputNr;
    /**
     * Set by {@link Sequential} and {@link Intermediates} on an intermediate result that only the ops of the modules that
     * made it can reach: once the backward pass has freed the graph that saved it, its memory goes back to the
     * {@link Pool} at once.
     */
    private boolean internal;
    /** Set on a view made by a view op: its base and the version its history is valid for (null for others). */
    private DifferentiableView viewMeta;
    /** {@link #registerHook} and {@link #registerPostAccumulateGradHook} hooks, in registration order (null: none). */
    private List<GradHook> gradHooks;
    private List<PostAccumulateGradHook> postAccumulateGradHooks;

    Tensor(INDArray data) {
        this.data = data;
        this.version = new Version();
        Intermediates.made(this);
    }

    /**
     * Replaces the storage (as PyTorch's {@code param.data = …}); used by {@code Module.to(dtype)} and
     * state-dict loading. Not recorded; bumps the version.
     */
    void setData(INDArray newData) {
        this.data = newData;
        this.version.value++;
    }

    static { Nabla.init(); }

    // ---------------------------------------------------------------- creation

    /** Wraps an ND4J array; the tensor shares its memory. */
    public static Tensor from(INDArray array) {
        if (array == null) throw new IllegalArgumentException("Tensor.from: array must not be null");
        DType.of(array.dataType()); // rejects types Nabla does not have
        return new Tensor(array);
    }

    static Tensor fromOp(INDArray out, Function f) {
        Tensor t = new Tensor(out);
        t.gradFn = f;
        t.requiresGrad = true;
        return t;
    }

    /** A 1-d tensor of the default dtype (float32), as {@code torch.tensor([…])}. */
    public static Tensor of(double... values) { return of(Nabla.defaultDtype(), values); }

    /** A 1-d tensor of the given dtype. */
    public static Tensor of(DType dtype, double... values) {
        return new Tensor(Nd4j.createFromArray(values.clone()).castTo(dtype.nd()));
    }

    /** A 2-d tensor of the default dtype from rows of equal length. */
    public static Tensor of(double[]... rows) {
        return new Tensor(Nd4j.createFromArray(rectangular(rows)).castTo(Nabla.defaultDtype().nd()));
    }

    /** A 1-d float32 tensor. */
    public static Tensor of(float... values) { return new Tensor(Nd4j.createFromArray(values.clone())); }

    /** A 2-d float32 tensor from rows of equal length. */
    public static Tensor of(float[]... rows) {
        for (float[] r : rows) check(rows[0].length == r.length, "Tensor.of: expected rows of equal length " + rows[0].length + ", got " + r.length);
        return new Tensor(Nd4j.createFromArray(rows));
    }

    /** A 1-d int64 tensor, as {@code torch.tensor([1, 2, 3])}. */
    public static Tensor of(long... values) { return new Tensor(Nd4j.createFromArray(values.clone())); }

    /** A 1-d int64 tensor from int literals. */
    public static Tensor of(int... values) {
        return new Tensor(Nd4j.createFromArray(Arrays.stream(values).asLongStream().toArray()));
    }

    /** A 2-d int64 tensor from rows of equal length. */
    public static Tensor of(long[]... rows) {
        for (long[] r : rows) check(rows[0].length == r.length, "Tensor.of: expected rows of equal length " + rows[0].length + ", got " + r.length);
        return new Tensor(Nd4j.createFromArray(rows));
    }

    /** A 1-d bool tensor. */
    public static Tensor of(boolean... values) { return new Tensor(Nd4j.createFromArray(values.clone())); }

    /** A 0-d tensor of the default dtype, as {@code torch.tensor(3.5)}. */
    public static Tensor scalar(double value) { return scalar(Nabla.defaultDtype(), value); }

    /** A 0-d tensor of the given dtype. */
    public static Tensor scalar(DType dtype, double value) { return new Tensor(Nd4j.scalar(value).castTo(dtype.nd())); }

    private static double[][] rectangular(double[][] rows) {
        check(rows.length > 0, "Tensor.of: expected at least one row");
        for (double[] r : rows) check(rows[0].length == r.length, "Tensor.of: expected rows of equal length " + rows[0].length + ", got " + r.length);
        return rows;
    }

    /** Uninitialised memory of the default dtype. */
    public static Tensor empty(long... shape) { return empty(Nabla.defaultDtype(), shape); }

    public static Tensor empty(DType dtype, long... shape) { return new Tensor(Nd4j.createUninitialized(dtype.nd(), checkShape("empty", shape))); }

    public static Tensor empty(Shape shape) { return empty(shape.toArray()); }

    public static Tensor empty(DType dtype, Shape shape) { return empty(dtype, shape.toArray()); }

    public static Tensor zeros(long... shape) { return zeros(Nabla.defaultDtype(), shape); }

    public static Tensor zeros(DType dtype, long... shape) { return new Tensor(Nd4j.zeros(dtype.nd(), checkShape("zeros", shape))); }

    /** Zeros of a shape, as {@code torch.zeros(x.shape)}. */
    public static Tensor zeros(Shape shape) { return zeros(shape.toArray()); }

    public static Tensor zeros(DType dtype, Shape shape) { return zeros(dtype, shape.toArray()); }

    public static Tensor ones(long... shape) { return ones(Nabla.defaultDtype(), shape); }

    public static Tensor ones(DType dtype, long... shape) { return new Tensor(Nd4j.ones(dtype.nd(), checkShape("ones", shape))); }

    public static Tensor ones(Shape shape) { return ones(shape.toArray()); }

    public static Tensor ones(DType dtype, Shape shape) { return ones(dtype, shape.toArray()); }

    public static Tensor full(long[] shape, double value) { return full(shape, value, Nabla.defaultDtype()); }

    public static Tensor full(long[] shape, double value, DType dtype) {
        return new Tensor(Nd4j.valueArrayOf(checkShape("full", shape), value, dtype.nd()));
    }

    public static Tensor full(Shape shape, double value) { return full(shape.toArray(), value); }

    public static Tensor full(Shape shape, double value, DType dtype) { return full(shape.toArray(), value, dtype); }

    /** The n×n identity. */
    public static Tensor eye(long n) { return eye(n, n); }

    public static Tensor eye(long n, long m) {
        INDArray r = Nd4j.zeros(Nabla.defaultDtype().nd(), n, m);
        for (long i = 0; i < Math.min(n, m); i++) r.putScalar(i, i, 1.0);
        return new Tensor(r);
    }

    /** 0, 1, …, end − 1 as int64, as {@code torch.arange(end)}. */
    public static Tensor arange(long end) { return arange(0, end, 1); }

    /** start, start + step, … below end, int64 (as PyTorch for integer arguments). */
    public static Tensor arange(long start, long end, long step) {
        check(step != 0, "arange: step must be nonzero");
        long n = Math.max(0, (end - start + step + (step > 0 ? -1 : 1)) / step);
        long[] v = new long[Math.toIntExact(n)];
        for (int i = 0; i < n; i++) v[i] = start + i * step;
        return of(v);
    }

    /** start, start + step, … below end, in the default dtype (as PyTorch for floating arguments). */
    public static Tensor arange(double start, double end, double step) {
        check(step != 0, "arange: step must be nonzero");
        long n = (long) Math.ceil((end - start) / step);
        double[] v = new double[(int) Math.max(0, n)];
        for (int i = 0; i < v.length; i++) v[i] = start + i * step;
        return of(v);
    }

    /** {@code steps} points evenly spaced from start to end inclusive. */
    public static Tensor linspace(double start, double end, int steps) {
        check(steps >= 0, "linspace: number of steps must be non-negative, got " + steps);
        double[] v = new double[steps];
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        int half = steps / 2;
        for (int i = 0; i < steps; i++) v[i] = i < half ? start + step * i : end - step * (steps - i - 1); // as PyTorch
        return of(v);
    }

    /** Uniform on [0, 1), from the seeded generator. */
    public static Tensor rand(long... shape) { return rand(Nabla.defaultDtype(), shape); }

    public static Tensor rand(DType dtype, long... shape) {
        checkFloat("rand", dtype);
        return new Tensor(Nd4j.rand(dtype.nd(), checkShape("rand", shape)));
    }

    public static Tensor rand(Shape shape) { return rand(shape.toArray()); }

    public static Tensor rand(DType dtype, Shape shape) { return rand(dtype, shape.toArray()); }

    /** Standard normal, from the seeded generator. */
    public static Tensor randn(long... shape) { return randn(Nabla.defaultDtype(), shape); }

    public static Tensor randn(DType dtype, long... shape) {
        checkFloat("randn", dtype);
        return new Tensor(Nd4j.randn(dtype.nd(), checkShape("randn", shape)));
    }

    public static Tensor randn(Shape shape) { return randn(shape.toArray()); }

    public static Tensor randn(DType dtype, Shape shape) { return randn(dtype, shape.toArray()); }

    /** Integers uniform in [low, high) as int64, from the seeded generator. */
    public static Tensor randint(long low, long high, long... shape) {
        check(high > low, "randint: expected low < high, got low=" + low + ", high=" + high);
        INDArray u = Nd4j.rand(DataType.DOUBLE, checkShape("randint", shape));
        INDArray r = org.nd4j.linalg.ops.transforms.Transforms.floor(u.muli(high - low).addi(low), false);
        return new Tensor(r.castTo(DataType.LONG));
    }

    public static Tensor randint(long low, long high, Shape shape) { return randint(low, high, shape.toArray()); }

    /** A random permutation of 0 … n − 1 (int64), from the seeded generator. */
    public static Tensor randperm(int n) {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) p[i] = i;
        java.util.Random r = Nabla.javaRandom();
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            long t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return of(p);
    }

    /** A tensor of zeros with this one's shape and dtype. */
    public Tensor zerosLike() { return zeros(dtype(), data.shape()); }

    /** A tensor of ones with this one's shape and dtype. */
    public Tensor onesLike() { return ones(dtype(), data.shape()); }

    // ---------------------------------------------------------------- properties

    /** The underlying ND4J array (shares memory). */
    public INDArray nd() {
        if (data == null) {
            throw new IllegalStateException("Tensor: this intermediate result of a module was released to the memory pool "
                    + "after its last use; Sequential and Intermediates release only results that their modules promise not to keep "
                    + "(a module that keeps one breaks KeepsNoTensors' promise)");
        }
        return data;
    }

    void markInternal() { internal = true; }

    /** False once the memory of this intermediate went back to the pool. */
    boolean hasData() { return data != null; }

    boolean isInternal() { return internal; }

    /** Gives the memory of an intermediate that nothing can reach any more back to the pool (when it came from it). */
    void releaseInternal() {
        if (data != null && Pool.release(data)) data = null;
    }

    /** The sizes of the dimensions, as PyTorch's {@code x.shape}: prints as {@code [2, 3]}, compares by value. */
    public Shape shape() { return Shape.of(data.shape()); }

    /** The same as {@link #shape()}, as PyTorch's {@code x.size()}. */
    public Shape size() { return shape(); }

    /** The size of one dimension; negative counts from the end. */
    public long size(int dim) { return data.size(wrapDim("size", dim, dim())); }

    public int dim() { return data.rank(); }

    public long numel() { return data.length(); }

    public DType dtype() { return DType.of(data.dataType()); }

    public Device device() { return Device.current(); }

    /** A copy in another dtype (this tensor itself when it has it already). Differentiable between float types. */
    public Tensor to(DType dtype) {
        if (dtype == dtype()) return this;
        if (requiresGrad && !dtype.isFloatingPoint()) return detach().to(dtype);
        return Function.apply(new ViewOps.Cast(dtype.nd()), this);
    }

    /** This tensor when it is on {@code device}; ND4J has one backend per JVM, so any other device is an error. */
    public Tensor to(Device device) {
        Device here = device();
        if (!here.equals(device)) {
            throw new IllegalArgumentException("Tensor.to(" + device + "): this JVM runs ND4J's " + here.kind()
                    + " backend and ND4J has one backend per JVM; build with " + (device.kind() == Device.Kind.CUDA
                    ? "the cuda profile (mvn -Pcuda …)" : "the default CPU profile"));
        }
        return this;
    }

    /** The value of a one-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalStateException("item(): a Tensor with " + numel() + " elements cannot be converted to a scalar");
        }
        return data.getDouble(0);
    }

    /** The elements in row-major order. */
    public double[] toDoubleArray() { return flat().toDoubleVector(); }

    public float[] toFloatArray() { return flat().toFloatVector(); }

    public long[] toLongArray() { return flat().castTo(DataType.LONG).toLongVector(); }

    private INDArray flat() {
        INDArray c = data.dup('c');
        if (c.dataType() == DataType.BOOL || c.dataType() == DataType.HALF) c = c.castTo(DataType.DOUBLE);
        return c.reshape(c.length());
    }

    // ---------------------------------------------------------------- autograd state

    public boolean requiresGrad() {
        refreshView();
        return requiresGrad;
    }

    /** Sets whether gradients are accumulated into this leaf; only floating-point tensors can require grad. */
    public Tensor requiresGrad(boolean flag) {
        if (!isLeaf()) {
            throw new IllegalStateException("requiresGrad(): you can only change requires_grad flags of leaf variables; "
                    + "use detach() to get a leaf from " + gradFn.name());
        }
        if (flag && !dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("requiresGrad(): only tensors of floating point dtype can require gradients, got " + dtype());
        }
        requiresGrad = flag;
        return this;
    }

    /** {@code requiresGrad(true)}, as PyTorch's {@code requires_grad_()}. */
    public Tensor requiresGrad_() { return requiresGrad(true); }

    /** The accumulated gradient, or null before the first backward. */
    public Tensor grad() {
        if (gradZeroPending) {   // someone looks before the next backward: make the zero real
            gradZeroPending = false;
            grad.nd().assign(0);
            grad.markModified();
        }
        return grad;
    }

    /**
     * zeroGrad's in-place zeroing, done lazily: the gradient reads as zero through {@link #grad()}, and the next
     * backward writes it instead of adding to zero (measured: 0.4 ms of an MLP 784-512-512-10 step).
     */
    void zeroGradLazily() {
        if (grad != null) gradZeroPending = true;
    }

    /** Whether a gradient exists (without making a pending zero real). */
    boolean hasGrad() { return grad != null; }

    /** Replaces the gradient (null clears it). */
    public void setGrad(Tensor g) {
        if (g != null && !g.shape().equals(shape())) {
            throw new IllegalArgumentException("setGrad: assigned grad has shape " + g.shape()
                    + ", expected " + shape());
        }
        grad = g;
        gradZeroPending = false;
    }

    /** True for tensors not made by a recorded op: user-created tensors and parameters. */
    public boolean isLeaf() {
        refreshView();
        return gradFn == null;
    }

    /** The name of the op that made this tensor ({@code MulBackward}), or null for a leaf. */
    public String gradFn() {
        refreshView();
        return gradFn == null ? null : gradFn.name();
    }

    Function gradFnNode() {
        refreshView();
        return gradFn;
    }

    /** {@link #gradFnNode()} as it is, without regenerating a view's history. */
    Function gradFnNodeRaw() { return gradFn; }

    int outputNr() {
        refreshView();
        return outputNr;
    }

    /** A view whose base's version moved regenerates its history from the base first ({@link DifferentiableView}). */
    private void refreshView() {
        if (viewMeta != null) viewMeta.refresh(this);
    }

    /** Leaves the tape: this (non-leaf) tensor's values no longer depend on any recorded op. */
    void clearTapePlace() {
        if (gradFn == null) return;
        gradFn = null;
        requiresGrad = false;
    }

    /** For an op that replaces this tensor's history: a tensor sharing its storage that keeps its current place. */
    Tensor tapeStandIn() {
        Tensor s = new Tensor(data);
        return requiresGrad ? leaveTapePlace(s) : s;
    }

    DifferentiableView viewMeta() { return viewMeta; }

    /** Makes this tensor output {@code nr} of {@code f} (a custom function's output, or an input it changed in place). */
    void attachTo(Function f, int nr) {
        gradFn = f;
        outputNr = nr;
        requiresGrad = true;
    }

    /** Whether this tensor shares the storage of another one it was made from (a view, or a detach()). */
    boolean isView() { return base != null; }

    /** The tensor whose storage a view shares (null if this is not a view). */
    Tensor viewBase() { return base; }

    int version() { return version.value; }

    /**
     * Records an in-place change made directly on {@link #nd()} (as optimizers do), so that the tape's
     * version check sees it, as every in-place op of Nabla does.
     */
    public void markModified() { version.value++; }

    /** Keeps this non-leaf's gradient in {@link #grad()} during backward, as PyTorch's {@code retain_grad()}. */
    public Tensor retainGrad() {
        refreshView();
        if (!requiresGrad) throw new IllegalStateException("retainGrad(): can't retain_grad on Tensor that has requires_grad=False");
        if (gradFn != null) gradFn.retain(this);
        return this;
    }

    /** A hook on the gradient that flows into a tensor in backward ({@link #registerHook}). */
    @FunctionalInterface
    public interface GradHook {
        /** Called with the gradient; returns a replacement of the same shape, or null to keep it. Must not change it in place. */
        Tensor apply(Tensor grad);
    }

    /** A hook called on a leaf once its {@code .grad} holds this backward's gradient ({@link #registerPostAccumulateGradHook}). */
    @FunctionalInterface
    public interface PostAccumulateGradHook {
        void apply(Tensor leaf);
    }

    /**
     * Registers a hook on the gradient with respect to this tensor, as PyTorch's {@code Tensor.register_hook}: every
     * backward pass calls it once with the whole gradient flowing into this tensor in that pass (for a leaf, the sum
     * over its uses, before it is added to {@code .grad}; for a non-leaf, before its op's backward uses it), and a
     * tensor it returns replaces the gradient. Hooks run in registration order, each on the previous one's result.
     *
     * <pre>{@code
     * RemovableHandle h = w.registerHook(g -> g.mul(2));   // w.grad() gets twice the gradient
     * loss.backward();
     * h.remove();
     * }</pre>
     */
    public RemovableHandle registerHook(GradHook hook) {
        refreshView();
        if (hook == null) throw new IllegalArgumentException("registerHook: the hook must not be null");
        if (!requiresGrad) {
            throw new IllegalStateException("registerHook: cannot register a hook on a tensor that doesn't require gradient; call requiresGrad_() on the leaf first");
        }
        if (gradHooks == null) gradHooks = new ArrayList<>();
        gradHooks.add(hook);
        if (gradFn != null) gradFn.hook(this, outputNr);
        List<GradHook> list = gradHooks;
        return () -> list.removeIf(h -> h == hook);
    }

    /**
     * Registers a hook called on this leaf after its {@code .grad} has been accumulated in a backward pass, as PyTorch
     * 2.1's {@code Tensor.register_post_accumulate_grad_hook}: once per backward in which a gradient reached it, at the
     * moment that gradient is final (its last use in the graph has been walked), while the rest of backward goes on.
     * What data-parallel training hangs its bucketed all-reduce on.
     *
     * <pre>{@code
     * for (Parameter p : model.parameters()) p.registerPostAccumulateGradHook(t -> ready(t));
     * }</pre>
     */
    public RemovableHandle registerPostAccumulateGradHook(PostAccumulateGradHook hook) {
        refreshView();
        if (hook == null) throw new IllegalArgumentException("registerPostAccumulateGradHook: the hook must not be null");
        if (gradFn != null) {
            throw new IllegalStateException("registerPostAccumulateGradHook: post accumulate grad hooks cannot be registered on non-leaf tensors (this one was made by "
                    + gradFn.name() + "); register it on the leaves, or use registerHook");
        }
        if (!requiresGrad) {
            throw new IllegalStateException("registerPostAccumulateGradHook: cannot register a hook on a tensor that doesn't require gradient; call requiresGrad_() first");
        }
        if (postAccumulateGradHooks == null) postAccumulateGradHooks = new ArrayList<>();
        postAccumulateGradHooks.add(hook);
        List<PostAccumulateGradHook> list = postAccumulateGradHooks;
        return () -> list.removeIf(h -> h == hook);
    }

    /** Whether a leaf's gradient must be gathered before it reaches .grad (tensor hooks see the whole of it). */
    boolean hasGradHooks() { return gradHooks != null && !gradHooks.isEmpty(); }

    /** Whether the walk must tell this leaf when its gradient is final. */
    boolean hasPostAccumulateGradHooks() { return postAccumulateGradHooks != null && !postAccumulateGradHooks.isEmpty(); }

    /** The gradient after this tensor's {@link #registerHook} hooks (the same array when none replaced it). */
    INDArray runGradHooks(INDArray g) {
        if (!hasGradHooks()) return g;
        INDArray cur = g;
        for (GradHook h : List.copyOf(gradHooks)) {
            Tensor r = h.apply(new Tensor(cur));
            if (r == null) continue;
            if (!Arrays.equals(r.data.shape(), cur.shape())) {
                throw new IllegalStateException("registerHook: a hook changed the size of the gradient: expected " + Shape.of(cur.shape())
                        + ", got " + r.shape() + "; return a gradient of the tensor's shape");
            }
            cur = r.data.dataType() == cur.dataType() ? r.data : r.data.castTo(cur.dataType());
        }
        return cur;
    }

    /** Calls the {@link #registerPostAccumulateGradHook} hooks, in registration order. */
    void runPostAccumulateGradHooks() {
        if (!hasPostAccumulateGradHooks()) return;
        for (PostAccumulateGradHook h : List.copyOf(postAccumulateGradHooks)) h.apply(this);
    }

    /** The same data, cut from the tape: no gradient flows through the result. Shares storage. */
    public Tensor detach() {
        Tensor t = new Tensor(data);
        t.version = version;
        t.base = base != null ? base : this;
        return t;
    }

    /**
     * For {@link Function#gradInPlace}: this leaf's existing .grad array when a backward may write into it (a dense
     * array of the given type and shape), else null.
     */
    INDArray inPlaceGradTarget(org.nd4j.linalg.api.buffer.DataType dtype, long[] shape) {
        if (gradFn != null || !requiresGrad || grad == null || hasGradHooks()) return null;
        INDArray a = grad.data;
        if (a.dataType() != dtype || !Arrays.equals(a.shape(), shape) || a.isView() || !Blas.dense(a)) return null;
        return a;
    }

    /** Whether the next gradient must overwrite .grad (a zeroGrad is pending); clears the pending zero. */
    boolean takeGradZeroPending() {
        boolean p = gradZeroPending;
        gradZeroPending = false;
        return p;
    }

    /**
     * Takes {@code g} over as this tensor's first gradient, as PyTorch's AccumulateGrad steals a buffer nobody else
     * holds: only when there is no .grad yet and g is a dense C-order array of this tensor's dtype and shape that the
     * caller owns alone (the backward walk's own gradient arrays). Returns whether it did.
     */
    boolean adoptGrad(INDArray g) {
        if (grad != null || g.isView() || g.ordering() != 'c' || g.dataType() != data.dataType() || !Blas.dense(g)
                || !Arrays.equals(g.shape(), data.shape()) || sharesStorage(g, data)) {
            return false;
        }
        grad = new Tensor(g);
        return true;
    }

    void accumulateGrad(INDArray g) {
        if (grad == null) {
            grad = new Tensor(g.dataType() == data.dataType() ? g.dup('c') : g.castTo(data.dataType()));
        } else if (gradZeroPending) {
            gradZeroPending = false;
            grad.data.assign(g);
            grad.markModified();
        } else {
            grad.data.addi(g);
        }
    }

    /** Backward from a one-element tensor (the loss): accumulates d(this)/d(leaf) into every leaf's grad. */
    public void backward() { backward(null, false); }

    /** Backward with the gradient of some scalar with respect to this tensor. */
    public void backward(Tensor gradient) { backward(gradient, false); }

    /** Backward; {@code retainGraph} keeps the tape so that backward can run through it again. */
    public void backward(Tensor gradient, boolean retainGraph) {
        INDArray seed;
        if (gradient == null) {
            if (numel() != 1) {
                throw new IllegalStateException("backward(): grad can be implicitly created only for scalar outputs; this tensor has shape "
                        + shape() + ", so pass the gradient: backward(gradient)");
            }
            seed = Nd4j.ones(data.dataType(), data.shape());
        } else {
            if (!gradient.shape().equals(shape())) {
                throw new IllegalArgumentException("backward(gradient): mismatch in shape: grad_output has a shape of "
                        + gradient.shape() + " and output has a shape of " + shape());
            }
            seed = gradient.data.castTo(data.dataType());
        }
        Autograd.backward(this, seed, retainGraph);
    }

    // ---------------------------------------------------------------- views

    private Tensor asView(Tensor t) {
        t.version = version;
        t.base = base != null ? base : this;
        t.viewMeta = DifferentiableView.of(this, viewMeta);
        return t;
    }

    /** The same data with another shape, never copying (one dimension may be −1). */
    public Tensor view(long... shape) {
        return asView(Function.apply(new ViewOps.Reshape(inferShape("view", shape), true), this));
    }

    public Tensor view(Shape shape) { return view(shape.toArray()); }

    /** Another shape: a view where the strides allow it, a copy otherwise (one dimension may be −1). */
    public Tensor reshape(long... shape) {
        Tensor r = Function.apply(new ViewOps.Reshape(inferShape("reshape", shape), false), this);
        return sharesStorage(r.data, data) ? asView(r) : r;
    }

    public Tensor reshape(Shape shape) { return reshape(shape.toArray()); }

    private long[] inferShape(String op, long[] shape) {
        long known = 1;
        int unknown = -1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                check(unknown < 0, op + ": only one dimension can be inferred, got " + Arrays.toString(shape));
                unknown = i;
            } else {
                check(shape[i] >= 0, op + ": invalid shape dimension " + shape[i] + " in " + Arrays.toString(shape));
                known *= shape[i];
            }
        }
        long[] r = shape.clone();
        if (unknown >= 0) {
            check(known != 0 && numel() % known == 0, op + ": shape " + Arrays.toString(shape) + " is invalid for input of size " + numel());
            r[unknown] = numel() / known;
        } else {
            check(known == numel(), op + ": shape " + Arrays.toString(shape) + " is invalid for input of size " + numel());
        }
        return r;
    }

    /** The transpose of a matrix (a 1-d or 0-d tensor as it is). */
    public Tensor t() {
        check(dim() <= 2, "t(): expects a tensor with <= 2 dimensions, but self is " + dim() + "D");
        return dim() < 2 ? this : transpose(0, 1);
    }

    /** Swaps two dimensions of this tensor itself, as PyTorch's {@code transpose_} (see {@link #transpose}). */
    public Tensor transpose_(int dim0, int dim1) { return inPlaceView("transpose_", s -> s.transpose(dim0, dim1)); }

    /** Transposes this matrix itself, as PyTorch's {@code t_} (see {@link #t}). */
    public Tensor t_() { return inPlaceView("t_", Tensor::t); }

    /** Removes every dimension of size 1 from this tensor itself, as PyTorch's {@code squeeze_}. */
    public Tensor squeeze_() { return inPlaceView("squeeze_", Tensor::squeeze); }

    /** Removes dimension {@code dim} of this tensor itself if its size is 1, as PyTorch's {@code squeeze_(dim)}. */
    public Tensor squeeze_(int dim) { return inPlaceView("squeeze_", s -> s.squeeze(dim)); }

    /** Inserts a dimension of size 1 into this tensor itself, as PyTorch's {@code unsqueeze_}. */
    public Tensor unsqueeze_(int dim) { return inPlaceView("unsqueeze_", s -> s.unsqueeze(dim)); }

    /** Swaps two dimensions (a view). */
    public Tensor transpose(int dim0, int dim1) {
        int n = dim();
        int a = wrapDim("transpose", dim0, n), b = wrapDim("transpose", dim1, n);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        p[a] = b;
        p[b] = a;
        return permute(p);
    }

    /** Reorders the dimensions (a view). */
    public Tensor permute(int... dims) {
        int n = dim();
        check(dims.length == n, "permute: number of dims don't match in permute: expected " + n + ", got " + dims.length);
        int[] p = new int[n];
        boolean[] seen = new boolean[n];
        for (int i = 0; i < n; i++) {
            p[i] = wrapDim("permute", dims[i], n);
            check(!seen[p[i]], "permute: repeated dim " + dims[i] + " in " + Arrays.toString(dims));
            seen[p[i]] = true;
        }
        if (n == 0) return asView(Function.apply(new ViewOps.Reshape(new long[0], true), this));
        return asView(Function.apply(new ViewOps.Permute(p), this));
    }

    /** {@code length} entries of dimension {@code dim} from {@code start} (a view). */
    public Tensor narrow(int dim, long start, long length) {
        int d = wrapDim("narrow", dim, dim());
        long size = data.size(d);
        long s = start < 0 ? start + size : start;
        check(s >= 0 && length >= 0 && s + length <= size, "narrow: start (" + start + ") + length (" + length
                + ") exceeds dimension size (" + size + ") of dimension " + dim);
        ViewOps.Part[] parts = allParts();
        parts[d] = ViewOps.Part.range(s, s + length, 1);
        return slice(parts);
    }

    /** Entry {@code index} of dimension {@code dim}, removing that dimension (a view). */
    public Tensor select(int dim, long index) {
        int d = wrapDim("select", dim, dim());
        long size = data.size(d);
        long i = index < 0 ? index + size : index;
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("select(): index " + index + " out of range for tensor of size "
                    + shape() + " at dimension " + dim);
        }
        ViewOps.Part[] parts = allParts();
        parts[d] = ViewOps.Part.point(i);
        return slice(parts);
    }

    private ViewOps.Part[] allParts() {
        ViewOps.Part[] parts = new ViewOps.Part[dim()];
        for (int i = 0; i < parts.length; i++) parts[i] = ViewOps.Part.all(data.size(i));
        return parts;
    }

    Tensor slice(ViewOps.Part[] parts) { return asView(Function.apply(new ViewOps.Slice(parts), this)); }

    /**
     * Python slicing, as {@code x[":, 1:3"]}: comma-separated entries, each an index ({@code 0},
     * {@code -1}), a slice {@code start:stop:step} with any part omitted and a positive step,
     * {@code ...}, or {@code None} for a new axis. The result is a view that can be written to:
     * {@code x.index(":, 1:3").fill_(-1)}.
     */
    public Tensor index(String spec) { return Indexing.apply(this, spec); }

    /** The elements where a bool mask (broadcast to this shape) is true, as a 1-d copy ({@code x[mask]}). */
    public Tensor index(Tensor mask) { return maskedSelect(mask); }

    /** Broadcasts size-1 dimensions to a larger shape (a stride-0 view); −1 keeps a size. */
    public Tensor expand(long... shape) {
        long[] s = shape.clone();
        int lead = s.length - dim();
        check(lead >= 0, "expand: the number of sizes provided (" + s.length + ") must be greater or equal to the number of dimensions in the tensor (" + dim() + ")");
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                check(i >= lead, "expand: -1 is not allowed in a leading, non-existing dimension " + i);
                s[i] = data.size(i - lead);
            }
        }
        return asView(Function.apply(new ViewOps.Expand(s), this));
    }

    /** Expands to another tensor's shape. */
    public Tensor expandAs(Tensor other) { return expand(other.data.shape()); }

    public Tensor expand(Shape shape) { return expand(shape.toArray()); }

    /** Removes every dimension of size 1. */
    public Tensor squeeze() {
        long[] s = Arrays.stream(data.shape()).filter(x -> x != 1).toArray();
        return s.length == dim() ? this : view(s);
    }

    /** Removes dimension {@code dim} if its size is 1. */
    public Tensor squeeze(int dim) {
        if (dim() == 0) return this;
        int d = wrapDim("squeeze", dim, dim());
        if (data.size(d) != 1) return this;
        long[] s = new long[dim() - 1];
        for (int i = 0, k = 0; i < dim(); i++) if (i != d) s[k++] = data.size(i);
        return view(s);
    }

    /** Inserts a dimension of size 1 at {@code dim} (−1 appends). */
    public Tensor unsqueeze(int dim) {
        int d = wrapDim("unsqueeze", dim, dim() + 1);
        long[] s = new long[dim() + 1];
        for (int i = 0, k = 0; i < s.length; i++) s[i] = i == d ? 1 : data.size(k++);
        return reshape(s);
    }

    /** All dimensions as one. */
    public Tensor flatten() { return flatten(0, -1); }

    /** Dimensions {@code start} … {@code end} (inclusive) as one. */
    public Tensor flatten(int start, int end) {
        if (dim() == 0) return reshape(1);
        int a = wrapDim("flatten", start, dim()), b = wrapDim("flatten", end, dim());
        check(a <= b, "flatten: start_dim cannot come after end_dim");
        long[] s = new long[dim() - (b - a)];
        int k = 0;
        for (int i = 0; i < a; i++) s[k++] = data.size(i);
        long m = 1;
        for (int i = a; i <= b; i++) m *= data.size(i);
        s[k++] = m;
        for (int i = b + 1; i < dim(); i++) s[k++] = data.size(i);
        return reshape(s);
    }

    /** This tensor if it is C-contiguous, else a C-ordered copy. */
    public Tensor contiguous() {
        if (isContiguous()) return this;
        return Function.apply(new ViewOps.Copy(), this);
    }

    /** Whether the elements are laid out densely in row-major order. */
    public boolean isContiguous() {
        long expected = 1;
        for (int i = dim() - 1; i >= 0; i--) {
            if (data.size(i) != 1 && data.stride(i) != expected) return false;
            expected *= data.size(i);
        }
        return true;
    }

    /** A copy with its own storage (differentiable). */
    public Tensor clone() { return Function.apply(new ViewOps.Copy(), this); }

    // ---------------------------------------------------------------- joining and splitting

    /** Concatenates along an existing dimension, as {@code torch.cat(tensors, dim)}: {@code Tensor.cat(List.of(a, b), 1)}. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        check(!tensors.isEmpty(), "cat: expected a non-empty list of tensors");
        Tensor first = tensors.get(0);
        int d = wrapDim("cat", dim, first.dim());
        for (int i = 1; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            boolean ok = t.dim() == first.dim();
            for (int k = 0; ok && k < first.dim(); k++) ok = k == d || t.data.size(k) == first.data.size(k);
            check(ok, "cat: sizes of tensors must match except in dimension " + dim + "; expected " + first.shape()
                    + " but got " + t.shape() + " for tensor number " + i + " in the list");
        }
        return Function.apply(new ViewOps.Cat(d), tensors.toArray(new Tensor[0]));
    }

    /** Concatenates along an existing dimension: {@code Tensor.cat(new Tensor[] {a, b}, 1)}, as {@code torch.cat((a, b), 1)}. */
    public static Tensor cat(Tensor[] tensors, int dim) { return cat(List.of(tensors), dim); }

    /** Stacks equal-shaped tensors along a new dimension. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        check(!tensors.isEmpty(), "stack: expected a non-empty list of tensors");
        long[] s = tensors.get(0).data.shape();
        int d = wrapDim("stack", dim, s.length + 1);
        List<Tensor> u = new ArrayList<>();
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            check(Arrays.equals(t.data.shape(), s), "stack: expects each tensor to be equal size, but got " + Arrays.toString(s)
                    + " at entry 0 and " + t.shape() + " at entry " + i);
            u.add(t.unsqueeze(d));
        }
        return cat(u, d);
    }

    /** Stacks equal-shaped tensors along a new dimension: {@code Tensor.stack(new Tensor[] {a, b}, 0)}. */
    public static Tensor stack(Tensor[] tensors, int dim) { return stack(List.of(tensors), dim); }

    /** {@code chunks} views along {@code dim}, each of size ceil(n / chunks) but the last. */
    public List<Tensor> chunk(int chunks, int dim) {
        check(chunks > 0, "chunk: expects chunks to be greater than 0, got: " + chunks);
        long n = size(dim);
        return split(Math.max(1, (n + chunks - 1) / chunks), dim);
    }

    /** Views of {@code size} entries along {@code dim} (the last may be smaller). */
    public List<Tensor> split(long size, int dim) {
        check(size > 0, "split: expects split_size be non-negative, got " + size);
        long n = size(dim);
        List<Tensor> r = new ArrayList<>();
        for (long at = 0; at < n; at += size) r.add(narrow(dim, at, Math.min(size, n - at)));
        if (n == 0) r.add(this);
        else markMultiOutput(r, "SplitBackward");
        return r;
    }

    /** Views with the given sizes along {@code dim}; the sizes must add up to the dimension. */
    public List<Tensor> split(long[] sizes, int dim) {
        long n = size(dim), sum = 0;
        for (long s : sizes) sum += s;
        check(sum == n, "split_with_sizes expects split_sizes to sum exactly to " + n + " (input tensor's size at dimension "
                + dim + "), but got split_sizes=" + Arrays.toString(sizes));
        List<Tensor> r = new ArrayList<>();
        long at = 0;
        for (long s : sizes) { r.add(narrow(dim, at, s)); at += s; }
        markMultiOutput(r, "SplitWithSizesBackward");
        return r;
    }

    /** Views returned together by one function cannot be changed in place under autograd, as in PyTorch. */
    private static void markMultiOutput(List<Tensor> views, String fn) {
        for (int i = 0; i < views.size(); i++) {
            Tensor v = views.get(i);
            v.viewMeta = v.viewMeta.asMultiOutput(fn, i);
        }
    }

    /** The entries of {@code dim} listed by a 1-d integer index, as a copy. */
    public Tensor indexSelect(int dim, Tensor index) {
        check(index.dim() <= 1 && !index.dtype().isFloatingPoint() && index.dtype() != DType.BOOL,
                "indexSelect: expected a 1-d integer index, got " + index.dtype() + " of shape " + index.shape());
        return Function.apply(new ViewOps.IndexSelect(wrapDim("indexSelect", dim, dim()), index.toLongArray()), this);
    }

    /** As {@code torch.gather}: {@code out[i][j] = this[index[i][j]][j]} for dim 0, and so on. */
    public Tensor gather(int dim, Tensor index) {
        check(!index.dtype().isFloatingPoint() && index.dtype() != DType.BOOL, "gather: expected an integer index, got " + index.dtype());
        return Function.apply(new ViewOps.Gather(wrapDim("gather", dim, dim()), index.data), this);
    }

    /** Elements of {@code a} where {@code cond} is true, of {@code b} elsewhere (all three broadcast). */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        check(cond.dtype() == DType.BOOL, "where: expected condition to be a bool tensor, got " + cond.dtype());
        return Function.apply(new ViewOps.Where(cond.data), a, b);
    }

    /** The elements where the bool mask is true, as a 1-d tensor. */
    public Tensor maskedSelect(Tensor mask) { return Function.apply(new ViewOps.MaskedSelect(mask.data), this); }

    /** A copy with {@code value} where the bool mask is true. */
    public Tensor maskedFill(Tensor mask, double value) {
        check(mask.dtype() == DType.BOOL, "maskedFill: expected a bool mask, got " + mask.dtype());
        return Function.apply(new ViewOps.MaskedFill(mask.data, value), this);
    }

    /** Writes {@code value} where the bool mask is true ({@code x[mask] = value}). */
    public Tensor maskedFill_(Tensor mask, double value) {
        check(mask.dtype() == DType.BOOL, "maskedFill_: expected a bool mask, got " + mask.dtype());
        Broadcast.shape("maskedFill_", data.shape(), mask.data.shape());
        return inPlace("maskedFill_", s -> s.maskedFill(mask, value));
    }

    // ---------------------------------------------------------------- in place

    /**
     * Runs an in-place op: the out-of-place result is computed from this tensor and written back
     * through its storage; the version counter goes up; under autograd the tensor takes the op's
     * place on the tape.
     */
    /** {@link #inPlace(String, UnaryOperator)} of an op with a tensor operand, which must not partially overlap this one. */
    private Tensor inPlace(String op, Tensor operand, UnaryOperator<Tensor> compute) {
        MemOverlap.checkNoPartialOverlap(op, data, operand.data);
        return inPlace(op, compute);
    }

    private Tensor inPlace(String op, UnaryOperator<Tensor> compute) {
        boolean record = Grad.isEnabled();
        checkNotRecordedLeaf(op);
        checkNoInternalOverlap(op);
        Tensor self = this;
        if (record && requiresGrad()) self = leaveTapePlace(new Tensor(data.dup()));   // the old value keeps the old place
        Tensor r = compute.apply(self);
        // the result's history must not hold this tensor, whose values change now (PyTorch saves the original self)
        if (record && r.requiresGrad() && self == this && r.gradFn.readsInput(this)) r = compute.apply(self = new Tensor(data.dup()));
        check(r.shape().equals(shape()), op + ": output with shape " + shape()
                + " doesn't match the broadcast shape " + r.shape());
        boolean rebase = record && rebasesView(op, r.requiresGrad());
        if (r.data.dataType() != data.dataType()) {
            check(dtype().isFloatingPoint() || !r.dtype().isFloatingPoint(), op + ": result type " + r.dtype()
                    + " can't be cast to the desired output type " + dtype());
            data.assign(r.data.castTo(data.dataType()));
        } else {
            data.assign(r.data);
        }
        version.value++;
        if (record && r.requiresGrad && r.gradFn != null) r.gradFn.moveSavedOutput(r, this);   // the result kept for backward is this tensor now
        if (rebase) {
            if (r.data.dataType() == data.dataType()) r.data = data;   // CopySlices keeps r for its shape: not its own copy
            viewMeta.rebase(op, this, r);
        } else if (record && r.requiresGrad) {
            takeTapePlace(r);
        }
        return this;
    }

    /**
     * Whether an in-place op on this tensor, a view, must rebase the history onto its base ({@link CopySlices}): with grad
     * mode on, when the view, its base or the value written requires grad. Refuses (as PyTorch) a view that cannot be.
     */
    private boolean rebasesView(String op, boolean valueRequiresGrad) {
        if (viewMeta == null || !(valueRequiresGrad || requiresGrad() || viewMeta.base().requiresGrad())) return false;
        viewMeta.checkRebase(op, this);
        return true;
    }

    /** A write to an expanded tensor (stride 0) would give several elements one memory location: refused, as PyTorch. */
    private void checkNoInternalOverlap(String op) {
        if (data.length() == 0) return;   // no element, no shared location (ND4J gives empty arrays stride 0)
        for (int i = 0; i < data.rank(); i++) {
            if (data.size(i) > 1 && data.stride(i) == 0) {
                throw new IllegalStateException(op + ": unsupported operation: more than one element of the written-to tensor "
                        + "refers to a single memory location (shape " + shape() + ", strides " + Arrays.toString(data.stride())
                        + "); clone() the tensor before performing the operation");
            }
        }
    }

    /** Gives {@code standIn} this tensor's place on the tape (its function, output slot, retained gradient); returns it. */
    private Tensor leaveTapePlace(Tensor standIn) {
        standIn.requiresGrad = true;
        standIn.gradFn = gradFn;
        standIn.outputNr = outputNr;
        if (gradFn != null && gradFn.retainedOutput == this) gradFn.retainedOutput = standIn;
        return standIn;
    }

    /** Takes {@code r}'s place on the tape: this tensor is now what {@code r}'s function made. */
    private void takeTapePlace(Tensor r) {
        requiresGrad = true;
        gradFn = r.gradFn;
        outputNr = r.outputNr;
        if (gradFn.retainedOutput == r) gradFn.retainedOutput = this;
    }

    /** Overwrites the elements without recording; used by fills. */
    private Tensor overwrite(String op, INDArray values) {
        checkNotRecordedLeaf(op);
        checkNoInternalOverlap(op);
        boolean rebase = Grad.isEnabled() && rebasesView(op, false);
        data.assign(values.dataType() == data.dataType() ? values : values.castTo(data.dataType()));
        return overwritten(op, rebase);
    }

    /**
     * After a fill: the version goes up; the values no longer depend on the graph, but a view's base keeps its history
     * elsewhere (it takes a {@link CopySlices} whose region gets no gradient).
     */
    private Tensor overwritten(String op, boolean rebase) {
        version.value++;
        if (rebase) viewMeta.rebase(op, this, new Tensor(data));
        else clearTapePlace();
        return this;
    }

    public Tensor fill_(double value) {
        checkNotRecordedLeaf("fill_");
        checkNoInternalOverlap("fill_");
        boolean rebase = Grad.isEnabled() && rebasesView("fill_", false);
        data.assign(value);
        return overwritten("fill_", rebase);
    }

    /** In-place changes of a leaf that requires grad are refused while recording, as PyTorch. */
    private void checkNotRecordedLeaf(String op) {
        if (Grad.isEnabled() && requiresGrad && isLeaf()) {
            throw new IllegalStateException(op + ": a leaf Variable that requires grad is being used in an in-place operation; "
                    + "do it under Grad.disabled() or on a detach()ed tensor");
        }
    }

    public Tensor zero_() { return fill_(0); }

    /** Normal values with the given mean and standard deviation, from the seeded generator. */
    public Tensor normal_(double mean, double std) {
        check(std >= 0, "normal_: expects std >= 0.0, but found std " + std);
        checkFloat("normal_", dtype());
        return overwrite("normal_", Nd4j.randn(data.dataType(), data.shape()).muli(std).addi(mean));
    }

    /** Uniform values on [a, b), from the seeded generator. */
    public Tensor uniform_(double a, double b) {
        check(a <= b, "uniform_: expects from <= to, but got from=" + a + " > to=" + b);
        checkFloat("uniform_", dtype());
        return overwrite("uniform_", Nd4j.rand(data.dataType(), data.shape()).muli(b - a).addi(a));
    }

    /** Integers uniform on [0, n), from the seeded generator. */
    public Tensor random_(long n) {
        check(n > 0, "random_: expects 'from' to be less than 'to', but got from=0 >= to=" + n);
        return overwrite("random_", randint(0, n, data.shape()).data);
    }

    /** 1 with probability p, else 0, from the seeded generator. */
    public Tensor bernoulli_(double p) {
        check(p >= 0 && p <= 1, "bernoulli_: expects 0 <= p <= 1, but got p=" + p);
        return overwrite("bernoulli_", Nd4j.rand(DataType.DOUBLE, data.shape()).lt(p).castTo(data.dataType()));
    }

    /** Copies (broadcast) values from {@code src}; differentiable with respect to {@code src}. */
    public Tensor copy_(Tensor src) {
        Broadcast.shape("copy_", data.shape(), src.data.shape());
        MemOverlap.checkNoPartialOverlap("copy_", data, src.data);
        if (src.requiresGrad && Grad.isEnabled()) {
            return inPlace("copy_", s -> src.to(dtype()).expand(data.shape()).clone());
        }
        return overwrite("copy_", Broadcast.expand(src.data, data.shape()));
    }

    public Tensor add_(Tensor o) { return inPlace("add_", o, s -> s.add(o)); }

    public Tensor add_(double c) { return inPlace("add_", s -> s.add(c)); }

    public Tensor sub_(Tensor o) { return inPlace("sub_", o, s -> s.sub(o)); }

    public Tensor sub_(double c) { return inPlace("sub_", s -> s.sub(c)); }

    public Tensor mul_(Tensor o) { return inPlace("mul_", o, s -> s.mul(o)); }

    public Tensor mul_(double c) { return inPlace("mul_", s -> s.mul(c)); }

    public Tensor div_(Tensor o) { return inPlace("div_", o, s -> s.div(o)); }

    public Tensor div_(double c) { return inPlace("div_", s -> s.div(c)); }

    public Tensor clamp_(double min, double max) { return inPlace("clamp_", s -> s.clamp(min, max)); }

    public Tensor pow_(double exponent) { return inPlace("pow_", s -> s.pow(exponent)); }

    public Tensor pow_(Tensor exponent) { return inPlace("pow_", exponent, s -> s.pow(exponent)); }

    public Tensor neg_() { return inPlace("neg_", Tensor::neg); }

    public Tensor exp_() { return inPlace("exp_", Tensor::exp); }

    public Tensor log_() { return inPlace("log_", Tensor::log); }

    public Tensor sqrt_() { return inPlace("sqrt_", Tensor::sqrt); }

    public Tensor abs_() { return inPlace("abs_", Tensor::abs); }

    public Tensor sign_() { return inPlace("sign_", Tensor::sign); }

    public Tensor sin_() { return inPlace("sin_", Tensor::sin); }

    public Tensor cos_() { return inPlace("cos_", Tensor::cos); }

    public Tensor tanh_() { return inPlace("tanh_", Tensor::tanh); }

    public Tensor sigmoid_() { return inPlace("sigmoid_", Tensor::sigmoid); }

    /**
     * ReLU in place, as PyTorch's {@code relu_} ({@code nn.ReLU(inplace=True)}). On a dense float32 tensor that is not a
     * differentiable view, the kernel writes into this tensor's own memory: no copy of the old values (ReLU's backward
     * reads only its output) and no new array ([128, 16, 32, 32]: a new 8 MB array a call otherwise). An op that saved
     * this tensor refuses its backward afterwards, as PyTorch's "modified by an inplace operation".
     */
    public Tensor relu_() {
        if (viewMeta != null || !UnaryOps.reluWritesInPlace(data)) return inPlace("relu_", Tensor::relu);
        boolean record = Grad.isEnabled();
        checkNotRecordedLeaf("relu_");
        Tensor self = this;
        if (record && requiresGrad()) self = leaveTapePlace(new Tensor(data));   // shares the memory: its old values are never read
        Tensor r = Function.apply(new UnaryOps.Relu(true), self);
        version.value++;
        if (record && r.requiresGrad && r.gradFn != null) {
            r.gradFn.moveSavedOutput(r, this);
            takeTapePlace(r);
        }
        return this;
    }

    /**
     * Makes this tensor the view {@code view} gives of it (shape and strides change, the elements do not), as PyTorch's
     * {@code transpose_}: the version goes up, so an op that saved this tensor refuses its backward; under autograd
     * this tensor takes the view op's place on the tape.
     */
    private Tensor inPlaceView(String op, UnaryOperator<Tensor> view) {
        boolean record = Grad.isEnabled();
        checkNotRecordedLeaf(op);
        Tensor self = this;
        if (record && requiresGrad()) { // the old shape keeps the old place on the tape
            self = new Tensor(data);
            self.version = version;
            self.base = base;
            leaveTapePlace(self);
        }
        Tensor r = view.apply(self);
        data = r.data;
        version.value++;
        if (record && r.requiresGrad) takeTapePlace(r);
        return this;
    }

    // ---------------------------------------------------------------- pointwise

    public Tensor add(Tensor o) { return Function.apply(new ArithmeticOps.Add(), this, o); }

    /** this + alpha · o, as {@code torch.add(x, o, alpha=…)}. */
    public Tensor add(Tensor o, double alpha) { return add(o.mul(alpha)); }

    public Tensor add(double c) { return Function.apply(new ArithmeticOps.AddScalar(c), this); }

    public Tensor sub(Tensor o) { return Function.apply(new ArithmeticOps.Sub(), this, o); }

    public Tensor sub(double c) { return Function.apply(new ArithmeticOps.SubScalar(c), this); }

    /** c − this, as PyTorch's {@code rsub}. */
    public Tensor rsub(double c) { return Function.apply(new ArithmeticOps.RSubScalar(c), this); }

    public Tensor mul(Tensor o) { return Function.apply(new ArithmeticOps.Mul(), this, o); }

    public Tensor mul(double c) { return Function.apply(new ArithmeticOps.MulScalar(c), this); }

    /** True division (integers give the default float dtype). */
    public Tensor div(Tensor o) { return Function.apply(new ArithmeticOps.Div(), this, o); }

    public Tensor div(double c) { return Function.apply(new ArithmeticOps.DivScalar(c), this); }

    /** c / this. */
    public Tensor rdiv(double c) { return Function.apply(new ArithmeticOps.RDivScalar(c), this); }

    public Tensor neg() { return Function.apply(new UnaryOps.Neg(), this); }

    public Tensor pow(Tensor exponent) { return Function.apply(new ArithmeticOps.Pow(), this, exponent); }

    public Tensor pow(double exponent) { return Function.apply(new ArithmeticOps.PowScalar(exponent), this); }

    public Tensor exp() { return Function.apply(new UnaryOps.Exp(), this); }

    public Tensor log() { return Function.apply(new UnaryOps.Log(), this); }

    public Tensor sqrt() { return Function.apply(new UnaryOps.Sqrt(), this); }

    public Tensor abs() { return Function.apply(new UnaryOps.Abs(), this); }

    public Tensor sign() { return Function.apply(new UnaryOps.Sign(), this); }

    public Tensor sin() { return Function.apply(new UnaryOps.Sin(), this); }

    public Tensor cos() { return Function.apply(new UnaryOps.Cos(), this); }

    public Tensor tanh() { return Function.apply(new UnaryOps.Tanh(), this); }

    public Tensor sigmoid() { return Function.apply(new UnaryOps.Sigmoid(), this); }

    public Tensor relu() { return Function.apply(new UnaryOps.Relu(), this); }

    /** Limits to [min, max]; use ±infinity for a one-sided clamp. */
    public Tensor clamp(double min, double max) {
        check(!(min > max) || Double.isNaN(min), "clamp: min (" + min + ") must not be greater than max (" + max + ")");
        return Function.apply(new UnaryOps.Clamp(min, max), this);
    }

    public Tensor eq(Tensor o) { return compare("eq", "equals", o); }

    public Tensor ne(Tensor o) { return compare("ne", "not_equals", o); }

    public Tensor gt(Tensor o) { return compare("gt", "greater", o); }

    public Tensor ge(Tensor o) { return compare("ge", "greater_equal", o); }

    public Tensor lt(Tensor o) { return compare("lt", "less", o); }

    public Tensor le(Tensor o) { return compare("le", "less_equal", o); }

    public Tensor eq(double c) { return eq(scalarLike(c)); }

    public Tensor ne(double c) { return ne(scalarLike(c)); }

    public Tensor gt(double c) { return gt(scalarLike(c)); }

    public Tensor ge(double c) { return ge(scalarLike(c)); }

    public Tensor lt(double c) { return lt(scalarLike(c)); }

    public Tensor le(double c) { return le(scalarLike(c)); }

    private Tensor scalarLike(double c) {
        DType t = dtype().isFloatingPoint() || ArithmeticOps.isPythonInt(c) ? dtype() : Nabla.defaultDtype();
        if (t == DType.BOOL) t = DType.FLOAT32;
        return scalar(t, c);
    }

    private Tensor compare(String op, String libOp, Tensor o) {
        DataType t = ArithmeticOps.resultType(data, o.data);
        INDArray a = data.dataType() == t ? data : data.castTo(t);
        INDArray b = o.data.dataType() == t ? o.data : o.data.castTo(t);
        return new Tensor(Broadcast.pairwise(op, libOp, a, b, DataType.BOOL));
    }

    /** Logical not of a bool tensor. */
    public Tensor logicalNot() {
        check(dtype() == DType.BOOL, "logicalNot: expected a bool tensor, got " + dtype());
        return new Tensor(data.castTo(DataType.INT).rsub(1).castTo(DataType.BOOL));
    }

    // ---------------------------------------------------------------- reductions

    public Tensor sum() { return Function.apply(new ReduceOps.Sum(ReduceOps.dims("sum", null, dim()), false), this); }

    public Tensor sum(int dim) { return sum(new int[] {dim}, false); }

    public Tensor sum(int dim, boolean keepDim) { return sum(new int[] {dim}, keepDim); }

    public Tensor sum(int[] dims, boolean keepDim) {
        return Function.apply(new ReduceOps.Sum(ReduceOps.dims("sum", dims, dim()), keepDim), this);
    }

    public Tensor mean() { return Function.apply(new ReduceOps.Mean(ReduceOps.dims("mean", null, dim()), false), this); }

    public Tensor mean(int dim) { return mean(new int[] {dim}, false); }

    public Tensor mean(int dim, boolean keepDim) { return mean(new int[] {dim}, keepDim); }

    public Tensor mean(int[] dims, boolean keepDim) {
        return Function.apply(new ReduceOps.Mean(ReduceOps.dims("mean", dims, dim()), keepDim), this);
    }

    /** Unbiased variance of all elements (divides by N − 1), as PyTorch. */
    public Tensor var() { return var(null, true, false); }

    public Tensor var(int dim) { return var(new int[] {dim}, true, false); }

    public Tensor var(int dim, boolean keepDim) { return var(new int[] {dim}, true, keepDim); }

    public Tensor var(int[] dims, boolean unbiased, boolean keepDim) { return variance("var", dims, unbiased, keepDim); }

    /** Unbiased standard deviation of all elements, as PyTorch. */
    public Tensor std() { return std(null, true, false); }

    public Tensor std(int dim) { return std(new int[] {dim}, true, false); }

    public Tensor std(int dim, boolean keepDim) { return std(new int[] {dim}, true, keepDim); }

    public Tensor std(int[] dims, boolean unbiased, boolean keepDim) { return variance("std", dims, unbiased, keepDim).sqrt(); }

    private Tensor variance(String op, int[] dims, boolean unbiased, boolean keepDim) {
        check(dtype().isFloatingPoint(), op + "(): std and var only support floating point and complex dtypes. Got: " + dtype()
                + "; convert with x.to(DType.FLOAT32)." + op + "(…)");
        return Function.apply(new ReduceOps.Var(ReduceOps.dims(op, dims, dim()), unbiased, keepDim), this);
    }

    /** The largest element (ties share the gradient). */
    public Tensor max() {
        checkNonEmpty("max");
        return Function.apply(new ReduceOps.Extreme(true, ReduceOps.dims("max", null, dim()), false), this);
    }

    public Tensor min() {
        checkNonEmpty("min");
        return Function.apply(new ReduceOps.Extreme(false, ReduceOps.dims("min", null, dim()), false), this);
    }

    /** Largest values along {@code dim} and their indices, as {@code torch.max(x, dim)}. */
    public ValuesIndices max(int dim, boolean keepDim) { return extreme(true, dim, keepDim); }

    public ValuesIndices max(int dim) { return extreme(true, dim, false); }

    public ValuesIndices min(int dim, boolean keepDim) { return extreme(false, dim, keepDim); }

    public ValuesIndices min(int dim) { return extreme(false, dim, false); }

    private ValuesIndices extreme(boolean max, int dim, boolean keepDim) {
        checkNonEmpty(max ? "max" : "min");
        int d = wrapDim(max ? "max" : "min", dim, Math.max(1, dim()));
        if (dim() == 0) return new ValuesIndices(clone(), zeros(DType.INT64));
        INDArray idx = ReduceOps.argExtreme(data, max, d);
        Tensor values = Function.apply(new ReduceOps.ExtremeDim(d, keepDim, idx), this);
        INDArray i = keepDim ? idx : idx.reshape(ReduceOps.removedShape(data.shape(), new int[] {d}));
        return new ValuesIndices(values, new Tensor(i));
    }

    /** Index of the largest element of the flattened tensor (int64, 0-d). */
    public Tensor argmax() { return flatten().max(0).indices(); }

    public Tensor argmax(int dim) { return max(dim).indices(); }

    public Tensor argmax(int dim, boolean keepDim) { return max(dim, keepDim).indices(); }

    public Tensor argmin() { return flatten().min(0).indices(); }

    public Tensor argmin(int dim) { return min(dim).indices(); }

    public Tensor argmin(int dim, boolean keepDim) { return min(dim, keepDim).indices(); }

    /** The Euclidean norm of all elements. */
    public Tensor norm() { return norm(2); }

    /** The p-norm of all elements (p may be {@code Double.POSITIVE_INFINITY}). */
    public Tensor norm(double p) { return Function.apply(new ReduceOps.Norm(p, ReduceOps.dims("norm", null, dim()), false), this); }

    public Tensor norm(double p, int dim, boolean keepDim) {
        return Function.apply(new ReduceOps.Norm(p, ReduceOps.dims("norm", new int[] {dim}, dim()), keepDim), this);
    }

    /** ‖this − other‖_p. */
    public Tensor dist(Tensor other, double p) { return sub(other).norm(p); }

    public Tensor dist(Tensor other) { return dist(other, 2); }

    // ---------------------------------------------------------------- predicates and cumulative ops

    /**
     * Whether {@code other} has this shape and the same values (after type promotion), as {@code torch.equal}; a NaN
     * anywhere makes it false.
     *
     * <pre>{@code
     * Tensor.of(1, 2).equal(Tensor.of(1.0, 2.0));   // true
     * }</pre>
     */
    public boolean equal(Tensor other) { return Predicates.equal(data, other.data); }

    /** Whether every element is close to {@code other}'s (broadcast), with PyTorch's rtol 1e-5 and atol 1e-8. */
    public boolean allclose(Tensor other) { return allclose(other, 1e-5, 1e-8, false); }

    public boolean allclose(Tensor other, double rtol, double atol) { return allclose(other, rtol, atol, false); }

    /**
     * Whether every element satisfies {@link #isclose(Tensor, double, double, boolean)}, as {@code torch.allclose}.
     *
     * <pre>{@code
     * if (!y.allclose(expected, 1e-4, 1e-6)) throw new AssertionError();
     * }</pre>
     */
    public boolean allclose(Tensor other, double rtol, double atol, boolean equalNan) {
        INDArray close = Predicates.isclose("allclose", data, other.data, rtol, atol, equalNan);
        return Predicates.reduce(close, ReduceOps.dims("allclose", null, close.rank()), false, true).getDouble(0) != 0;
    }

    /** {@link #isclose(Tensor, double, double, boolean)} with PyTorch's rtol 1e-5 and atol 1e-8. */
    public Tensor isclose(Tensor other) { return isclose(other, 1e-5, 1e-8, false); }

    public Tensor isclose(Tensor other, double rtol, double atol) { return isclose(other, rtol, atol, false); }

    /**
     * |this − other| ≤ atol + rtol·|other| element-wise (broadcast), a bool tensor, as {@code torch.isclose}: equal
     * infinities are close, NaNs only with {@code equalNan}; both tensors must have one dtype.
     *
     * <pre>{@code
     * Tensor.of(1.0, Double.NaN).isclose(Tensor.of(1.0 + 1e-9, Double.NaN), 1e-5, 1e-8, true);   // [true, true]
     * }</pre>
     */
    public Tensor isclose(Tensor other, double rtol, double atol, boolean equalNan) {
        return new Tensor(Predicates.isclose("isclose", data, other.data, rtol, atol, equalNan));
    }

    /**
     * Whether all elements are nonzero (NaN is), a 0-d bool tensor (uint8 for uint8), true when empty, as
     * {@code torch.all}.
     *
     * <pre>{@code
     * boolean ok = x.ge(0).all().item() != 0;
     * }</pre>
     */
    public Tensor all() { return new Tensor(Predicates.reduce(data, ReduceOps.dims("all", null, dim()), false, true)); }

    public Tensor all(int dim) { return all(dim, false); }

    /** Whether all elements along {@code dim} are nonzero, as {@code x.all(dim, keepdim)}. */
    public Tensor all(int dim, boolean keepDim) { return new Tensor(Predicates.reduce(data, reduceDim("all", dim), keepDim, true)); }

    /** Whether any element is nonzero, a 0-d bool tensor (uint8 for uint8), false when empty, as {@code torch.any}. */
    public Tensor any() { return new Tensor(Predicates.reduce(data, ReduceOps.dims("any", null, dim()), false, false)); }

    public Tensor any(int dim) { return any(dim, false); }

    /** Whether any element along {@code dim} is nonzero, as {@code x.any(dim, keepdim)}. */
    public Tensor any(int dim, boolean keepDim) { return new Tensor(Predicates.reduce(data, reduceDim("any", dim), keepDim, false)); }

    private int[] reduceDim(String op, int d) {
        int w = wrapDim(op, d, dim());
        return dim() == 0 ? new int[0] : new int[] {w};
    }

    /**
     * Running sums along {@code dim} (negative counts from the end), as {@code torch.cumsum}: float32 and float64 keep
     * their dtype, integer and bool inputs give int64; differentiable.
     *
     * <pre>{@code
     * Tensor.of(1, 2, 3).cumsum(0);   // tensor([1, 3, 6])
     * }</pre>
     */
    public Tensor cumsum(int dim) {
        return Function.apply(new CumulativeOps.CumSum(wrapDim("cumsum", dim, dim())), this);
    }

    /**
     * Running products along {@code dim}, as {@code torch.cumprod} (dtypes as {@link #cumsum}); the gradient is
     * exact where the input has zeros.
     *
     * <pre>{@code
     * Tensor.of(2.0, 0.0, 3.0).cumprod(0);   // tensor([2., 0., 0.])
     * }</pre>
     */
    public Tensor cumprod(int dim) {
        return Function.apply(new CumulativeOps.CumProd(wrapDim("cumprod", dim, dim())), this);
    }

    // ---------------------------------------------------------------- linear algebra

    /** Matrix product of two 2-d tensors. */
    public Tensor mm(Tensor o) { return Function.apply(new LinalgOps.Mm(), this, o); }

    /** Batched matrix product of two 3-d tensors with the same batch size. */
    public Tensor bmm(Tensor o) { return Function.apply(new LinalgOps.Bmm(), this, o); }

    /** Matrix × vector. */
    public Tensor mv(Tensor v) {
        check(dim() == 2 && v.dim() == 1, "mv: expected a matrix and a vector, got shapes " + shape()
                + " and " + v.shape());
        return mm(v.unsqueeze(1)).squeeze(1);
    }

    /** Inner product of two 1-d tensors of the same size. */
    public Tensor dot(Tensor o) {
        check(dim() == 1 && o.dim() == 1, "dot: 1D tensors expected, but got " + dim() + "D and " + o.dim() + "D tensors");
        check(numel() == o.numel(), "dot: inconsistent tensor size, expected tensor [" + numel() + "] and src [" + o.numel()
                + "] to have the same number of elements, but got " + numel() + " and " + o.numel() + " elements respectively");
        return unsqueeze(0).mm(o.unsqueeze(1)).reshape();
    }

    /** As {@code torch.matmul} ({@code @}): dot, mv, mm, or a batched product with broadcast batch dims. */
    public Tensor matmul(Tensor o) { return matmul(o, 1); }

    /**
     * alpha·(this @ o), as {@code torch.baddbmm}'s alpha: for batched products (either operand of 3 or more dims) the
     * scale is applied by the GEMM itself, so attention's q·kᵀ/√d makes no pass over q, k or the scores.
     */
    public Tensor matmul(Tensor o, double alpha) {
        int a = dim(), b = o.dim();
        if (alpha != 1 && a <= 2 && b <= 2) return matmul(o).mul(alpha);
        check(a > 0 && b > 0, "matmul: both arguments to matmul need to be at least 1D, but they are " + a + "D and " + b + "D");
        if (a == 1 && b == 1) return dot(o);
        if (a == 2 && b == 1) return mv(o);
        if (a == 1 && b == 2) return unsqueeze(0).mm(o).squeeze(0);
        if (a == 2 && b == 2) return mm(o);
        Tensor x = a == 1 ? unsqueeze(0) : this;
        Tensor y = b == 1 ? o.unsqueeze(1) : o;
        long[] xs = x.data.shape(), ys = y.data.shape();
        long n = xs[xs.length - 2], k = xs[xs.length - 1], k2 = ys[ys.length - 2], m = ys[ys.length - 1];
        check(k == k2, "matmul: shapes " + shape() + " and " + o.shape() + " cannot be multiplied ("
                + k + " vs " + k2 + ")");
        long[] batch = Broadcast.shape("matmul", Arrays.copyOf(xs, xs.length - 2), Arrays.copyOf(ys, ys.length - 2));
        // the batch read in place through the strides (stride 0 where broadcast): no copies of permuted or expanded operands
        Tensor r = Function.apply(new LinalgOps.Matmul(alpha), x.expand(concat(batch, n, k)), y.expand(concat(batch, k, m)));
        if (a == 1) r = r.squeeze(-2);
        if (b == 1) r = r.squeeze(-1);
        return r;
    }

    /** The inverse of a square matrix or of each in a batch [..., n, n], as {@code torch.linalg.inv}. */
    public Tensor inverse() { return LinalgOps.inverse(this); }

    /** The determinant of a square matrix [n, n] (0-d) or of each in a batch [..., n, n], as {@code torch.det}. */
    public Tensor det() { return LinalgOps.det(this); }

    /**
     * X with {@code this · X = b}, as {@code torch.linalg.solve(A, B)}: A [..., n, n], b a vector [n] (giving [n])
     * or matrices [..., n, k]; batch dimensions broadcast.
     */
    public Tensor solve(Tensor b) { return LinalgOps.solve(this, b); }

    /**
     * The least-squares solution X of {@code this · X ≈ b}, as {@code torch.linalg.lstsq(A, B).solution}, for a
     * full-rank A [..., m, n] with m ≥ n and b [..., m, k] or [m].
     *
     * <pre>{@code
     * Tensor a = Tensor.stack(List.of(age, Tensor.ones(age.shape())), 1);
     * Tensor slopeIntercept = a.lstsq(pressure);    // [2]
     * }</pre>
     */
    public Tensor lstsq(Tensor b) { return LinalgOps.lstsq(this, b); }

    /**
     * Eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix [..., n, n], as
     * {@code torch.linalg.eigh}; only the lower triangle is read.
     */
    public Eigh eigh() { return LinalgOps.eigh(this); }

    private static long[] concat(long[] a, long... b) {
        long[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    // ---------------------------------------------------------------- helpers

    /** Whether two arrays are views of the same memory (ND4J wraps a view's buffer in a new object). */
    static boolean sharesStorage(INDArray a, INDArray b) {
        return a.data().address() == b.data().address();
    }

    /** A dimension index in [−rank, rank) as a non-negative one. */
    static int wrapDim(String op, int dim, int rank) {
        int r = Math.max(rank, 1);
        if (dim < -r || dim >= r) {
            throw new IndexOutOfBoundsException(op + ": dimension out of range (expected to be in range of [" + (-r) + ", "
                    + (r - 1) + "], but got " + dim + ")");
        }
        return dim < 0 ? dim + r : dim;
    }

    static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    private void checkNonEmpty(String op) {
        check(numel() > 0, op + "(): expected a non-empty tensor; this one has shape " + shape());
    }

    private static void checkFloat(String op, DType dtype) {
        check(dtype.isFloatingPoint(), op + ": expected a floating-point dtype, got " + dtype);
    }

    private static long[] checkShape(String op, long[] shape) {
        for (long s : shape) check(s >= 0, op + ": negative dimension " + s + " in shape " + Arrays.toString(shape));
        return shape;
    }

    /** Prints as PyTorch: {@code tensor([[1.1250, 1.1250]])}, with the dtype when not float32 and {@code requires_grad=True}. */
    @Override public String toString() { return TensorFormatter.format(this); }
}
