package dev.nabla.layers.kernels;

/**
 * Whether the kernels' reductions and exp run on the Vector API ({@link VectorMath}, jdk.incubator.vector): only when
 * the JVM was started with {@code --add-modules jdk.incubator.vector}, the preferred species has at least 4 float lanes
 * and {@value dev.nabla.api.Settings#VECTOR_API} is not {@code false} ({@link dev.nabla.api.Settings}). Decided once;
 * otherwise the loops that C2 vectorises by itself run ({@link FastMath}, {@link LayerNormF32}). This class makes no
 * reference to the incubator API, so that nothing fails to load without the module: {@link VectorMath} is loaded only
 * when the module is present.
 */
final class Vec {
    private Vec() {}

    /** The module is in the boot layer, usable, and not turned off. */
    static final boolean AVAILABLE = detect();

    private static boolean enabled = AVAILABLE;

    private static boolean detect() {
        if (!dev.nabla.api.Settings.vectorApi() || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return false;
        try {
            return VectorMath.lanes() >= 4;
        } catch (LinkageError e) {
            return false;
        }
    }

    /** Whether the kernels take the Vector API path now. */
    static boolean on() { return enabled; }

    /**
     * For tests: takes the Vector API path ({@code true}, when {@link #AVAILABLE}) or the fallback loops; returns the
     * previous choice.
     */
    static boolean useForTests(boolean vector) {
        if (vector && !AVAILABLE) throw new IllegalStateException("Vec: the Vector API path is not available (start the JVM with --add-modules jdk.incubator.vector)");
        boolean previous = enabled;
        enabled = vector;
        return previous;
    }

    /** The paths a test can run here: the fallback, and the Vector API one when available. */
    static boolean[] modes() { return AVAILABLE ? new boolean[] {false, true} : new boolean[] {false}; }
}
