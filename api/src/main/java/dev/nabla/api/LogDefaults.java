package dev.nabla.api;

import java.util.List;
import java.util.Locale;

/**
 * Nabla's start-up log level: warnings and errors only, unless {@code -Dnabla.logLevel=info} (or {@code debug},
 * {@code trace}, {@code error}, {@code off}) asks for more or less.
 *
 * <p>ND4J reports its backend, threads, BLAS and native build at INFO when it loads (14 lines on stderr). SLF4J has no
 * API for levels, so this sets the level that slf4j-simple (the binding of the examples and of a class path built from
 * the project) reads for the loggers of ND4J, DataVec and Nabla, {@code org.slf4j.simpleLogger.log.<package>}, as a
 * system property, before ND4J creates its loggers. A level the user set there is left alone; with another binding
 * (Logback, Log4j) its own configuration decides and this does nothing. Per-logger properties because Maven's
 * {@code -q} sets slf4j-simple's default level for the programs that {@code exec:java} runs.
 */
final class LogDefaults {
    /** The system property that sets the level (default {@code warn}). */
    static final String PROPERTY = "nabla.logLevel";

    private static final List<String> PACKAGES = List.of("org.nd4j", "org.datavec", "dev.nabla");
    private static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");
    private static final String SIMPLE_LOGGER = "org.slf4j.simpleLogger.log.";

    private LogDefaults() {}

    /** Sets the level for the packages whose level the user did not set. Idempotent; cheap. */
    static void apply() {
        String level = System.getProperty(PROPERTY, "warn").trim().toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
            System.err.println("Nabla: -D" + PROPERTY + "=" + System.getProperty(PROPERTY) + " is not a level; expected one of "
                    + LEVELS + "; using warn");
            level = "warn";
        }
        for (String p : PACKAGES) {
            if (System.getProperty(SIMPLE_LOGGER + p) == null) System.setProperty(SIMPLE_LOGGER + p, level);
        }
    }
}
