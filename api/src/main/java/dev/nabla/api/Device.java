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

    /** The backend ND4J loaded in this JVM. */
    public static Device current() {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        boolean cuda = backend.toLowerCase(java.util.Locale.ROOT).contains("cuda")
                || backend.toLowerCase(java.util.Locale.ROOT).contains("jcublas");
        return cuda ? new Device(Kind.CUDA, "cuda") : new Device(Kind.CPU, "cpu");
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

    @Override public String toString() { return name; }
}
