package dev.nabla.spark;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * Runs a Spark program of the tests in a JVM of its own, with this test's class path and the {@code --add-opens}
 * flags Spark needs on Java 17 ({@link JavaModuleOptions}); for {@code local-cluster} also a {@code SPARK_HOME} whose
 * {@code jars} folder links the class path's jars (what a Spark distribution would hold), so that its worker can start
 * executors without one.
 */
public final class ForkedSpark {
    private ForkedSpark() {}

    /** What the child printed. */
    public record Run(int exitCode, String stdout, String stderr) {
        /** The {@code SCENARIO name k=v …} line's values. */
        public Map<String, String> scenario(String name) {
            for (String line : stdout.split("\n")) {
                if (!line.startsWith("SCENARIO " + name + " ")) continue;
                Map<String, String> m = new LinkedHashMap<>();
                for (String kv : line.substring(10 + name.length()).split(" ")) {
                    int eq = kv.indexOf('=');
                    m.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
                return m;
            }
            throw new AssertionError("no SCENARIO " + name + " line; stdout:\n" + stdout + "\nstderr (end):\n" + tail(stderr));
        }
    }

    public static String tail(String s) { return s.length() > 6000 ? s.substring(s.length() - 6000) : s; }

    /** Runs {@code main} with {@code args}; with {@code sparkHome} the child gets SPARK_HOME and its executors the class path. */
    public static Run run(Class<?> main, Path work, boolean sparkHome, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        String cp = nativeFirst(System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptions().split(" ")));
        if (sparkHome) cmd.add("-Dtest.executorClassPath=" + cp);
        cmd.addAll(List.of("-cp", cp, main.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (sparkHome) {
            pb.environment().put("SPARK_HOME", sparkHome(work, cp).toString());
            pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        }
        Path out = work.resolve("stdout.txt"), err = work.resolve("stderr.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("the Spark JVM did not finish in " + timeoutSeconds + " s; stdout:\n" + Files.readString(out) + "\nstderr (end):\n"
                    + tail(Files.readString(err)));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /**
     * The class path with ND4J's, OpenBLAS's and JavaCPP's jars first. With Spark's jars ahead of them (Netty's and
     * Arrow's carry a META-INF/INDEX.LIST), Java 17's class loader did not find libjnind4jcpu.so in ND4J's native jar
     * (seen with this project's 197-entry test class path; one entry fewer and it loads), and ND4J failed to start.
     */
    static String nativeFirst(String cp) {
        List<String> first = new ArrayList<>(), rest = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) {
            String name = Path.of(e).getFileName().toString();
            (name.startsWith("nd4j-native") || name.startsWith("javacpp") || name.startsWith("openblas") ? first : rest).add(e);
        }
        first.addAll(rest);
        return String.join(File.pathSeparator, first);
    }

    /** {@code target/spark-home/jars}: a link to every jar of the class path. */
    static Path sparkHome(Path work, String cp) throws IOException {
        Path home = Path.of("target", "spark-home").toAbsolutePath(), jars = home.resolve("jars");
        Files.createDirectories(jars);
        for (String entry : cp.split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (!entry.endsWith(".jar") || !Files.exists(jar)) continue;
            Path link = jars.resolve(jar.getFileName());
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, jar.toAbsolutePath());
        }
        return home;
    }
}
