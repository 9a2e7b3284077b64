package dev.nabla.datasets;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared test data: the folder given by the system property {@code nabla.data} or the environment
 * variable {@code NABLA_DATA}, else {@code ../shared/data} from the working directory (the repository root).
 */
final class TestData {
    private TestData() {}

    static Path root() {
        String p = System.getProperty("nabla.data");
        if (p == null) p = System.getenv("NABLA_DATA");
        return Path.of(p != null ? p : "../shared/data").toAbsolutePath().normalize();
    }

    /** A file of the shared data; fails (does not skip) naming the missing file and how to point at it. */
    static Path file(String relative) {
        Path f = root().resolve(relative);
        if (!Files.isRegularFile(f)) {
            throw new AssertionError("test data missing: " + f + " (the shared data folder is found through -Dnabla.data,"
                    + " the NABLA_DATA environment variable, or ../shared/data from the repository root)");
        }
        return f;
    }
}
