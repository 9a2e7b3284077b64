package dev.nabla.api;

import java.util.Map;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Global settings: the random seed, the default dtype, and which ND4J native build loaded. */
public final class Nabla {
    static {
        LogDefaults.apply();               // before any logger of Nabla's or ND4J's exists
        Settings.applyJavaCppDefaults();   // before JavaCPP's Pointer reads its settings
    }
    private static final Logger LOG = LoggerFactory.getLogger(Nabla.class);
    private static volatile DType defaultDtype = DType.FLOAT32;
    private static final ThreadLocal<NablaRandom> JAVA_RANDOM = ThreadLocal.withInitial(NablaRandom::new);
    private static volatile String nativeBuild;
    private static volatile long gcThreshold = Settings.gcThresholdBytes();

    /** What ND4J is seeded with for {@code manualSeed(0)}: the golden ratio's 64 bits (any non-zero constant would do). */
    private static final long ND4J_SEED_FOR_ZERO = 0x9E3779B97F4A7C15L;

    private Nabla() {}

    /**
     * Seeds every random function of Nabla on this thread (ND4J's generator and Nabla's own). ND4J's native
     * generator ignores a seed of 0 (its state stays as it was), so 0 is passed to it as another constant.
     */
    public static void manualSeed(long seed) {
        init();
        Nd4j.getRandom().setSeed(seed == 0 ? ND4J_SEED_FOR_ZERO : seed);
        JAVA_RANDOM.get().setSeed(seed);
    }

    /**
     * The Java-side generator of this thread, seeded by {@link #manualSeed(long)}: the numbers of
     * {@code new java.util.Random(seed)}, with a state of plain numbers ({@link NablaRandom#state()}).
     */
    public static NablaRandom javaRandom() { return JAVA_RANDOM.get(); }

    /**
     * The state of this thread's generators, as {@code torch.get_rng_state()}, in plain numbers: ND4J's native
     * generator (its root and node states) and Nabla's Java-side one ({@link NablaRandom.State}). Restoring it with
     * {@link #setRngState} makes every following random draw on this thread what it would have been.
     */
    public record RngState(long nd4jRootState, long nd4jNodeState, NablaRandom.State java) {
        public RngState {
            if (java == null) throw new IllegalArgumentException("Nabla.RngState: the Java generator's state must not be null");
        }
    }

    /** A snapshot of this thread's generators (see {@link RngState}). */
    public static RngState getRngState() {
        init();
        var nd = Nd4j.getRandom();
        return new RngState(nd.rootState(), nd.nodeState(), JAVA_RANDOM.get().state());
    }

    /** Restores what {@link #getRngState()} gave, on this thread. */
    public static void setRngState(RngState state) {
        init();
        Nd4j.getRandom().setStates(state.nd4jRootState(), state.nd4jNodeState());
        JAVA_RANDOM.get().setState(state.java());
    }

    /** The dtype of tensors created from Java floating-point values and of {@code zeros}, {@code rand}, …. */
    public static DType defaultDtype() { return defaultDtype; }

    /** As {@code torch.set_default_dtype}: float32 (the default) or float64. */
    public static void setDefaultDtype(DType dtype) {
        if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64 && dtype != DType.FLOAT16) {
            throw new IllegalArgumentException("Nabla.setDefaultDtype: expected a floating-point dtype, got " + dtype);
        }
        defaultDtype = dtype;
    }

    /**
     * How many bytes the ops may allocate off-heap before Nabla asks the JVM for a garbage collection,
     * so that ND4J frees dead arrays (default 64 MB; system property {@code nabla.gcThresholdBytes}). Since the tape and
     * {@link Sequential} give most large arrays back to the pool themselves, little counts toward it (convnet: about
     * 0.6 MB a training step); 64 MB kept 10 Fashion-MNIST epochs' resident size within ±3.0% (827–878 MB for epochs
     * 2–10) against ±10.2% (957–1,173 MB) with 256 MB, at the same speed (BENCHMARKS.md). While collections come in
     * quick succession (activations nobody gives back: a model not built from {@link Sequential}), Nabla raises it up to
     * 4 times for as long as that lasts.
     */
    public static long gcThreshold() { return gcThreshold; }

    /** Sets {@link #gcThreshold()}; 0 turns the collections off (memory then grows until the JVM collects by itself). */
    public static void setGcThreshold(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("Nabla.setGcThreshold: expected bytes >= 0, got " + bytes);
        gcThreshold = bytes;
    }

    /**
     * The ND4J native build that loaded, e.g. {@code linux-x86_64-onednn-avx2}, read from the path of
     * the loaded {@code nd4jcpu} library (logged once at debug level).
     */
    public static String nativeBuild() {
        init();
        return nativeBuild;
    }

    /**
     * The number of threads Nabla's CPU work uses (as {@code torch.set_num_threads}): the large convolution and
     * pooling kernels (libnd4j's, through {@link #splitBatch}, and the project's) and matrix products split over them,
     * on Java threads. Element-wise ops and each BLAS call run single-threaded:
     * on this project's 2-core build machine, ND4J's multi-threaded element-wise ops and BLAS stalled whenever another
     * thread (the JVM's own) needed a core — an MLP step took 8–64 ms (median 16) with 2 threads everywhere and
     * 9.7–11.8 ms (median 10.3) with one (BENCHMARKS.md, threads). Default: {@code OMP_NUM_THREADS} if set, else the
     * available processors.
     */
    public static int numThreads() { return numThreads; }

    /** Sets {@link #numThreads()}. */
    public static void setNumThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("Nabla.setNumThreads: expected at least 1 thread, got " + threads);
        init();
        numThreads = threads;
        applyThreads();
    }

    private static volatile int numThreads = defaultThreads();

    /** A part of a batch: samples [from, to), the {@code part}-th of {@link #batchParts}. */
    @FunctionalInterface
    public interface BatchPart {
        void run(int part, int from, int to);
    }

    /**
     * Runs a large libnd4j kernel (convolution, pooling) over the batch split into {@link #batchParts} parts on Nabla's
     * Java threads, each on a thread whose OpenMP team is one thread. All of Nabla's parallelism is thus on Java
     * threads: OpenMP's threads spin for a while after each parallel region, and on 2 cores they and the Java threads
     * of the next kernel took turns (course convnet step at batch 100, mean 18.0 ms with libnd4j's kernels on OpenMP's
     * 2 threads, 14.5–15.2 ms split in Java; BENCHMARKS.md).
     */
    public static void splitBatch(int n, int minPerPart, BatchPart body) {
        int parts = batchParts(n, minPerPart);
        if (parts <= 1) {
            ompOne();
            body.run(0, 0, n);
            return;
        }
        Blas.parallel(parts, i -> {
            ompOne();
            body.run(i, (int) ((long) n * i / parts), (int) ((long) n * (i + 1) / parts));
        });
    }

    /** How many parts {@link #splitBatch} splits a batch of {@code n} into: one per thread, none under {@code minPerPart}. */
    public static int batchParts(int n, int minPerPart) {
        return Blas.parts(n, minPerPart);
    }

    /**
     * Sets the calling thread's OpenMP team to one thread (OpenMP's thread count is a per-thread setting; set at every
     * call, ~0.1 µs, in case other code changed it).
     */
    private static void ompOne() {
        if (Nd4j.getEnvironment().isCPU()) NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
    }

    private static int defaultThreads() {
        String env = System.getenv("OMP_NUM_THREADS");
        try {
            if (env != null && Integer.parseInt(env.trim()) > 0) return Integer.parseInt(env.trim());
        } catch (NumberFormatException ignored) {
            // not a number: fall back to the processors
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    private static void applyThreads() {
        if (!Nd4j.getEnvironment().isCPU()) return;
        Nd4j.getEnvironment().setMaxThreads(1);          // element-wise ops: one thread
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        Nd4j.factory().blas().setMaxThreads(1);          // each BLAS call on its caller's thread
        // libnd4j's kernels on one OpenMP thread each: Nabla splits them over its Java threads (splitBatch)
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
    }

    /**
     * The BLAS the CPU backend loads: {@code "mkl_rt"} (Intel MKL) when bytedeco's MKL redistributable is on the class
     * path (Maven profile {@code mkl}) and Nabla initialised ND4J, else {@code "openblas"}.
     */
    public static String blas() {
        init();
        return System.getProperty("org.bytedeco.openblas.load", "openblas");
    }

    /**
     * With MKL's redistributable on the class path (and neither {@code org.bytedeco.openblas.load} nor
     * {@code -Dnabla.noMkl} set), has JavaCPP load MKL in place of OpenBLAS: ND4J and Nabla's direct BLAS calls then
     * run MKL, one thread per call as with OpenBLAS. Takes effect only before ND4J's backend loads.
     */
    private static void useMklWhenPresent() {
        if (System.getProperty("org.bytedeco.openblas.load") != null || !Settings.mklAllowed()) return;
        if (Nabla.class.getClassLoader().getResource("org/bytedeco/mkl/linux-x86_64/libmkl_rt.so.2") == null) return;
        System.setProperty("org.bytedeco.openblas.load", "mkl_rt");
    }

    static void init() {
        if (nativeBuild != null) return;
        synchronized (Nabla.class) {
            if (nativeBuild != null) return;
            useMklWhenPresent();
            Nd4j.getBackend(); // loads the backend and its native libraries
            applyThreads();
            String build = "unknown";
            for (Map.Entry<String, String> e : Loader.getLoadedLibraries().entrySet()) {
                if (e.getKey().startsWith("nd4jcpu") || e.getKey().startsWith("nd4jcuda")) {
                    String p = e.getValue().replace('\\', '/');
                    int i = p.indexOf("/bindings/");
                    build = i >= 0 ? p.substring(i + "/bindings/".length(), p.indexOf('/', i + "/bindings/".length())) : p;
                }
            }
            nativeBuild = build;
            LOG.debug("Nabla: ND4J backend {} with native build {}", Nd4j.getBackend().getClass().getSimpleName(), build);
        }
    }
}
