package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nabla.datasets.DataLoader;
import dev.nabla.datasets.Mnist;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program's first lines are its own: ND4J's start-up report (backend, threads, BLAS, native build: 14 lines at INFO)
 * stays off stdout and stderr unless {@code -Dnabla.logLevel=info} asks for it. Checked on child JVMs with this test's
 * class path, so with the slf4j-simple binding that the examples and a class path from Maven use.
 */
class QuietStartupTest {
    /** A tiny program: a tensor, one line. */
    public static final class TensorProgram {
        public static void main(String[] args) { System.out.println(Tensor.of(1.0, 2, 3).sum()); }
    }

    /** A program whose first call is the dataset, not a tensor. */
    public static final class DataProgram {
        public static void main(String[] args) {
            var loader = new DataLoader<>(Mnist.sample(false), 100, false);
            System.out.println(loader.size() + " batches of " + loader.iterator().next().size());
        }
    }

    @TempDir Path dir;

    @Test void startUpPrintsNothingButTheProgram() throws Exception {
        Run r = run(TensorProgram.class);
        assertThat(r.stderr).isEmpty();
        assertThat(r.stdout).isEqualTo("tensor(6.)\n");
    }

    @Test void theFirstCallBeingTheDatasetStaysQuietToo() throws Exception {
        Run r = run(DataProgram.class);
        assertThat(r.stderr).isEmpty();
        assertThat(r.stdout).isEqualTo("20 batches of 100\n");
    }

    @Test void logLevelInfoShowsNd4jsReport() throws Exception {
        Run r = run(TensorProgram.class, "-Dnabla.logLevel=info");
        assertThat(r.stdout).isEqualTo("tensor(6.)\n");
        assertThat(r.stderr).contains("INFO org.nd4j.linalg.factory.Nd4jBackend - Loaded [CpuBackend] backend",
                "Blas vendor: [OPENBLAS]");
    }

    private record Run(String stdout, String stderr) {}

    private Run run(Class<?> main, String... jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        Path out = dir.resolve("out.txt"), err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child JVM did not finish in 120 s: " + cmd);
        }
        Run r = new Run(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        assertThat(p.exitValue()).as("exit code; stderr: %s", r.stderr).isZero();
        return r;
    }
}
