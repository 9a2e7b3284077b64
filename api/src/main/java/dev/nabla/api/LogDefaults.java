package dev.nabla.api;

import java.util.List;
import java.util.Locale;

/**
 * The switch for Nabla's log level, {@code -Dnabla.logLevel=info} (or {@code debug}, {@code trace}, {@code warn},
 * {@code error}, {@code off}).
 *
 * <p>By default the loggers of ND4J, DataVec and Nabla report warnings and errors only: the library's
 * {@code simplelogger.properties} says so to slf4j-simple (the binding of the examples and of a class path built from
 * the project), so that ND4J's start-up report (backend, threads, BLAS, native build: 14 lines at INFO) stays off
 * stderr. SLF4J has no API for levels; with {@code nabla.logLevel} set, this sets slf4j-simple's per-package levels,
 * {@code org.slf4j.simpleLogger.log.<package>}, as system properties (which win over the file) before ND4J creates its
 * loggers, unless the user set them. Per-package because Maven's {@code -q} sets slf4j-simple's default level for the
 * programs {@code exec:java} runs. With another binding (Logback, Log4j) its own configuration decides.
 */
final class LogDefaults {
    /** The system property that sets the level. */
    static final String PROPERTY = Settings.LOG_LEVEL;

    private static final List<String> PACKAGES = List.of("org.nd4j", "org.datavec", "dev.nabla");
    private static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");
    private static final String SIMPLE_LOGGER = "org.slf4j.simpleLogger.log.";

    private LogDefaults() {}

    /** With {@code nabla.logLevel} set, sets that level for the packages whose level the user did not set. */
    static void apply() {
        String given = Settings.logLevel();
        if (given == null) return;
        String level = given.trim().toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
            System.err.println("Nabla: -D" + PROPERTY + "=" + given + " is not a level; expected one of " + LEVELS + "; using warn");
            level = "warn";
        }
        for (String p : PACKAGES) {
            if (System.getProperty(SIMPLE_LOGGER + p) == null) System.setProperty(SIMPLE_LOGGER + p, level);
        }
    }
}
