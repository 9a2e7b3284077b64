package dev.nabla.api;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Where a tensor's data lives. ND4J loads exactly one backend per JVM (CPU or CUDA), chosen by the
 * jars on the classpath, so every tensor of a process is on {@link #current()}.
 */
public record Device(Kind kind, String name) {
    /** The two backend kinds. */
    public enum Kind { CPU, CUDA }

    public Device {
        if (kind == null || name == null) throw new IllegalArgumentException("Device: kind and name must not be null");
    }

    /**
     * The backend ND4J loaded in this JVM: {@code cpu (linux-x86_64-onednn-avx2)} with the native build on
     * the CPU backend, {@code cuda:0 (GPU name)} on the CUDA backend (the build made with {@code mvn -Pcuda}).
     */
    public static Device current() {
        String backend = Nd4j.getBackend().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        boolean cuda = backend.contains("cuda") || backend.contains("jcublas");
        if (!cuda) return new Device(Kind.CPU, "cpu (" + Nabla.nativeBuild() + ")");
        return new Device(Kind.CUDA, "cuda:0 (" + gpuName() + ")");
    }

    @SuppressWarnings("unchecked")
    private static String gpuName() {
        try {
            Object info = Nd4j.getExecutioner().getEnvironmentInformation()
                    .get(org.nd4j.linalg.api.environment.Nd4jEnvironment.CUDA_DEVICE_INFORMATION_KEY);
            if (info instanceof java.util.List<?> l && !l.isEmpty() && l.get(0) instanceof java.util.Map<?, ?> m) {
                Object name = m.get(org.nd4j.linalg.api.environment.Nd4jEnvironment.CUDA_DEVICE_NAME_KEY);
                if (name != null) return name.toString();
            }
        } catch (RuntimeException e) {
            // the name is for display only
        }
        return "unknown GPU";
    }

    /** The CPU device; an error when this JVM loaded the CUDA backend. */
    public static Device cpu() { return require(Kind.CPU); }

    /** The CUDA device; an error that names the Maven profile when this JVM loaded the CPU backend. */
    public static Device cuda() { return require(Kind.CUDA); }

    private static Device require(Kind kind) {
        Device d = current();
        if (d.kind != kind) {
            throw new IllegalStateException("Device." + kind.name().toLowerCase(java.util.Locale.ROOT)
                    + "(): this JVM loaded ND4J's " + d.kind + " backend, and ND4J has one backend per JVM; "
                    + (kind == Kind.CUDA ? "build and run with the CUDA backend: mvn -Pcuda …"
                                         : "build and run without the cuda profile for the CPU backend"));
        }
        return d;
    }

    /** Devices are equal when they are of the same kind: ND4J has one device of a kind per JVM here. */
    @Override public boolean equals(Object o) { return o instanceof Device d && d.kind == kind; }

    @Override public int hashCode() { return kind.hashCode(); }

    @Override public String toString() { return name; }
}
