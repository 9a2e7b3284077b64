package dev.nabla.layers.kernels;

/**
 * Which convolution and pooling kernels run. The choice follows measurements on the onednn-avx2 build
 * (BENCHMARKS.md: KernelBench, StepBench); by default ({@code AUTO}):
 * <ul>
 *   <li>convolution at stride 1 (one group, float32) with the Vector API on: the project's direct kernel
 *       ({@link DirectConv}: forward, input and weight gradients as correlations over stacked zero-padded planes, no
 *       columns; ResNet-20's 3×3 layers at batch 128: forward 0.3–0.4×, backward 0.3× of the im2col + sgemm kernel's
 *       time, BENCHMARKS.md twelfth round), the rule in {@link Conv2dFunction#directBeatsOthers};</li>
 *   <li>convolution otherwise: libnd4j's oneDNN {@code conv2d}/{@code conv2d_bp} for batches of 16 or more with 8 or more input
 *       channels (course conv2 forward 0.8 ms vs 2.3 ms for the project's kernel); the project's float32 kernel
 *       ({@link FastConv}: per-sample im2col + GEMM) for fewer input channels (course conv1 forward 2.1 vs 4.2 ms),
 *       for strided 1×1 kernels (ResNet's projection shortcuts: forward 0.35–0.47×, forward + backward 0.55–0.75× of
 *       oneDNN's time at batch 128),
 *       for small batches (oneDNN's per-call set-up: ~1 ms at batch 1), for the backward of a layer whose input
 *       needs no gradient (libnd4j's conv2d_bp always computes it: one step 22.1 → 18.6 ms), and for the backward at
 *       1,024 or more output positions a sample, or 256 or more below 32 input channels, where oneDNN's conv2d_bp
 *       took 1.6–6× the project's ({@link Conv2dFunction#ownBackwardBeatsOneDnn}); with Intel MKL loaded as
 *       the BLAS the backward is always the project's ({@link Conv2dFunction#libBackwardWrong()});</li>
 *   <li>max pooling: libnd4j's {@code maxpool2d}/{@code maxpool2d_bp} without padding, dilation or ceil mode on inputs
 *       of 256 K elements or more (forward 0.67 ms vs 2.0 ms for the project's sweep on the course's first layer); the
 *       project's float32 kernel ({@link FastMaxPool}) on smaller inputs (the course's second pooling: forward and
 *       backward 0.36–0.49 vs 0.87–1.1 ms) and for what libnd4j cannot do;</li>
 *   <li>a Conv2d followed by a MaxPool2d in a {@link dev.nabla.api.Sequential}, where the convolution would run the project's
 *       kernel, runs as one fused op ({@link FastConvPool}): the convolution's output and its gradient never become
 *       arrays;</li>
 *   <li>libnd4j's kernels run on one OpenMP thread per call, the batch split over Nabla's Java threads
 *       ({@link dev.nabla.api.Nabla#splitBatch});</li>
 *   <li>everything else (groups, dilation, asymmetric padding, average and adaptive pooling, transposed convolution,
 *       float64) on the project's kernels.</li>
 * </ul>
 * {@code OWN} forces the project's kernels everywhere (tests run the PyTorch goldens under both).
 * System property {@code nabla.kernels=own|auto} ({@link dev.nabla.api.Settings}).
 */
public enum Kernels {
    AUTO, OWN;

    private static volatile Kernels choice = dev.nabla.api.Settings.ownKernels() ? OWN : AUTO;

    public static Kernels current() { return choice; }

    /**
     * Whether the normalisation, softmax and GELU kernels' reductions and exp run on the Vector API (the JVM started
     * with {@code --add-modules jdk.incubator.vector}, {@value dev.nabla.api.Settings#VECTOR_API} not false).
     */
    public static boolean vectorApi() { return Vec.on(); }

    /** Sets the kernel choice for the whole JVM; returns the previous one. */
    public static Kernels use(Kernels k) {
        Kernels previous = choice;
        choice = k;
        return previous;
    }
}
