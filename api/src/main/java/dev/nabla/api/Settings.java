package dev.nabla.api;

/**
 * The settings a user may tune, all in one place, as {@code torch.set_num_threads} and {@code torch.backends} are.
 * Each is a system property ({@code -Dname=value} on the command line, or {@code System.setProperty} before Nabla's
 * first tensor), read once when the part that uses it starts, unless said otherwise; some also have a setter.
 *
 * <table>
 *   <caption>Nabla's settings</caption>
 *   <tr><th>property</th><th>default</th><th>meaning</th><th>at run time</th></tr>
 *   <tr><td>(threads)</td><td>{@code OMP_NUM_THREADS}, else the available processors</td>
 *       <td>threads of the large kernels, all Java threads of the framework's own</td><td>{@link Nabla#setNumThreads}</td></tr>
 *   <tr><td>{@value #LOG_LEVEL}</td><td>{@code warn}</td><td>level of Nabla's and ND4J's loggers under slf4j-simple:
 *       {@code trace}, {@code debug}, {@code info}, {@code warn}, {@code error}, {@code off}</td><td></td></tr>
 *   <tr><td>{@value #KERNELS}</td><td>{@code auto}</td><td>{@code own}: the project's convolution and pooling kernels
 *       everywhere instead of libnd4j's where those are faster</td><td>{@code dev.nabla.layers.kernels.Kernels.use}</td></tr>
 *   <tr><td>{@code --add-modules jdk.incubator.vector} (a JVM option)</td><td>off</td><td>the LayerNorm, softmax and
 *       GELU kernels' reductions (row max, sums, statistics) and exp run on JDK 17's incubating Vector API; without it,
 *       on loops that C2 vectorises by itself (the reductions and the exp's 2^k step stay scalar there). The JVM prints
 *       a warning about the incubator module at start</td><td>{@code dev.nabla.layers.kernels.Kernels.vectorApi()} tells</td></tr>
 *   <tr><td>{@value #VECTOR_API}</td><td>{@code true}</td><td>{@code false}: the fallback loops even when the module
 *       is present</td><td></td></tr>
 *   <tr><td>{@value #NO_POOL}</td><td>{@code false}</td><td>{@code true} turns off the pool that reuses the memory of
 *       large float arrays</td><td></td></tr>
 *   <tr><td>{@value #POOL_IDLE_BYTES}</td><td>256 MB</td><td>most bytes of idle pool blocks kept for reuse</td><td></td></tr>
 *   <tr><td>{@value #POOL_TRIM_MILLIS}</td><td>1000</td><td>idle blocks of a size not asked for in this long are freed
 *       (0: never)</td><td></td></tr>
 *   <tr><td>{@value #MALLOC_TRIM}</td><td>{@code true}</td><td>{@code false}: the pool's trimmer does not call glibc's
 *       {@code malloc_trim} (called after it freed idle blocks)</td><td></td></tr>
 *   <tr><td>{@value #GC_THRESHOLD_BYTES}</td><td>64 MB</td><td>a collection is asked for after this many bytes of ND4J
 *       arrays allocated by ops, and before the pool takes memory fresh from the system when that would cost more
 *       than a collection (measured as the program runs: {@code OffHeapGovernor}); 0: neither</td><td>{@link Nabla#setGcThreshold}</td></tr>
 *   <tr><td>{@value #SPIN_MICROS}</td><td>200</td><td>how long an idle worker thread spins before it sleeps (read after
 *       each job)</td><td></td></tr>
 *   <tr><td>{@value #JAVACPP_MAX_PHYSICAL_BYTES}</td><td>0 (set by Nabla unless given)</td><td>JavaCPP's bound on the
 *       process's resident memory, above which it runs the collector. JavaCPP's own default (its {@code maxBytes} plus 3×
 *       the heap) makes every JavaCPP allocation, among them each ND4J array's shape information, read the resident size
 *       from {@code /proc}: about a sixth of a batch-1 convnet step. Off-heap memory stays bounded by
 *       {@value #GC_THRESHOLD_BYTES}; takes effect only when Nabla loads before JavaCPP's {@code Pointer}</td><td></td></tr>
 *   <tr><td>{@value #NO_MKL}</td><td>{@code false}</td><td>{@code true}: OpenBLAS even when Intel MKL's
 *       redistributable is on the class path ({@code -Pmkl})</td><td></td></tr>
 * </table>
 */
public final class Settings {
    public static final String LOG_LEVEL = "nabla.logLevel";
    public static final String KERNELS = "nabla.kernels";
    public static final String VECTOR_API = "nabla.vectorApi";
    public static final String NO_POOL = "nabla.noPool";
    public static final String POOL_IDLE_BYTES = "nabla.poolIdleBytes";
    public static final String POOL_TRIM_MILLIS = "nabla.poolTrimMillis";
    public static final String MALLOC_TRIM = "nabla.mallocTrim";
    public static final String GC_THRESHOLD_BYTES = "nabla.gcThresholdBytes";
    public static final String SPIN_MICROS = "nabla.spinMicros";
    public static final String NO_MKL = "nabla.noMkl";
    public static final String JAVACPP_MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

    private Settings() {}

    /** The level asked for with {@value #LOG_LEVEL}, or null. */
    static String logLevel() { return System.getProperty(LOG_LEVEL); }

    /** Whether {@value #KERNELS} asks for the project's kernels everywhere. */
    public static boolean ownKernels() { return "own".equalsIgnoreCase(System.getProperty(KERNELS)); }

    /** Whether {@value #VECTOR_API} allows the Vector API path (it runs only when the module is present too). */
    public static boolean vectorApi() { return !"false".equalsIgnoreCase(System.getProperty(VECTOR_API)); }

    static boolean poolEnabled() { return !Boolean.getBoolean(NO_POOL); }

    static long poolIdleBytes() { return Long.getLong(POOL_IDLE_BYTES, 256L << 20); }

    static long poolTrimMillis() { return Long.getLong(POOL_TRIM_MILLIS, 1000); }

    static boolean mallocTrim() { return !"false".equals(System.getProperty(MALLOC_TRIM)); }

    static long gcThresholdBytes() { return Long.getLong(GC_THRESHOLD_BYTES, 64L << 20); }

    static long spinMicros() { return Long.getLong(SPIN_MICROS, 200); }

    /** Sets {@value #JAVACPP_MAX_PHYSICAL_BYTES} to 0 unless the user set it (or its lower-case form JavaCPP also reads). */
    static void applyJavaCppDefaults() {
        if (System.getProperty(JAVACPP_MAX_PHYSICAL_BYTES) == null && System.getProperty(JAVACPP_MAX_PHYSICAL_BYTES.toLowerCase(java.util.Locale.ROOT)) == null) {
            System.setProperty(JAVACPP_MAX_PHYSICAL_BYTES, "0");
        }
    }

    static boolean mklAllowed() { return !Boolean.getBoolean(NO_MKL); }
}
