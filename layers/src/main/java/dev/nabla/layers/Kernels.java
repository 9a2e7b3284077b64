package dev.nabla.layers;

/**
 * Which convolution and pooling kernels run. Measured on the onednn-avx2 build (BENCHMARKS.md,
 * KernelBench), libnd4j's {@code conv2d}/{@code conv2d_bp}/{@code maxpool2d}/{@code maxpool2d_bp} are
 * 2–10× faster than the project's own im2col + GEMM and pooling loops for the shapes they support;
 * so by default ({@code AUTO}) those run, and the project's own kernels cover what libnd4j cannot do
 * or gets wrong here: groups, dilation (refused by onednn's convolution, wrong in its pooling),
 * asymmetric padding ("same" with an even kernel), padded or ceil-mode max pooling, average pooling,
 * transposed convolution. {@code OWN} forces the project's kernels everywhere (tests compare both).
 * System property {@code nabla.kernels=own|auto}.
 */
public enum Kernels {
    AUTO, OWN;

    private static volatile Kernels choice = "own".equalsIgnoreCase(System.getProperty("nabla.kernels")) ? OWN : AUTO;

    public static Kernels current() { return choice; }

    /** Sets the kernel choice for the whole JVM; returns the previous one. */
    public static Kernels use(Kernels k) {
        Kernels previous = choice;
        choice = k;
        return previous;
    }
}
