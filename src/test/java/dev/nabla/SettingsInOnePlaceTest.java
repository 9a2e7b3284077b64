package dev.nabla;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's architecture rule: the settings a user may need are one short list in {@code dev.nabla.api.Settings}; no
 * other library class reads a {@code nabla.*} system property (the A/B switches of experiments stay out of the library).
 */
class SettingsInOnePlaceTest {
    private static final Pattern READ = Pattern.compile("(getProperty|getBoolean|getInteger|getLong)\\(\\s*\"nabla\\.");

    @Test void onlySettingsReadsNablaProperties() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (String root : new String[] {"api", "layers", "training", "datasets", "examples", "spark"}) {
            Path dir = Path.of(root, "src", "main", "java");
            assertThat(dir).as("source root %s (run from the project folder)", dir).isDirectory();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                    if (f.getFileName().toString().equals("Settings.java")) continue;
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) if (READ.matcher(lines.get(i)).find()) offenders.add(f + ":" + (i + 1) + ": " + lines.get(i).trim());
                }
            }
        }
        assertThat(offenders).as("nabla.* properties read outside api/Settings.java").isEmpty();
    }
}
