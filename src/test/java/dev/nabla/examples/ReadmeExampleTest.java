package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nabla.api.Safetensors;
import dev.nabla.api.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of README.md runs as printed, the way the README says to run a program: as a
 * single-file source program ({@code java -cp … Program.java}) in a child JVM, in an empty folder. A block that declares
 * a class runs as it is; a block of statements runs inside a {@code main}, after its imports. Each must compile, exit
 * 0, and print nothing on stderr; the two programs' results are then checked.
 */
class ReadmeExampleTest {
    private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern CLASS = Pattern.compile("^public (?:final )?class (\\w+)", Pattern.MULTILINE);

    @TempDir Path dir;

    @Test void everyJavaBlockOfTheReadmeRunsAsPrinted() throws Exception {
        List<String> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(Files.readString(Path.of("README.md")));
        while (m.find()) blocks.add(m.group(1));
        assertThat(blocks).as("the README's Java blocks").hasSizeGreaterThanOrEqualTo(2);

        boolean convnet = false, regression = false;
        for (int i = 0; i < blocks.size(); i++) {
            String block = blocks.get(i);
            Path folder = Files.createDirectories(dir.resolve("block" + i));
            String stdout = run(folder, block, i);
            if (block.contains("new Conv2d(")) {
                checkConvnet(folder, stdout);
                convnet = true;
            } else if (block.contains("requiresGrad_()")) {
                checkRegression(stdout);
                regression = true;
            }
        }
        assertThat(convnet).as("the README has the convnet program").isTrue();
        assertThat(regression).as("the README has the regression snippet").isTrue();
    }

    /** The training program: two epochs' test accuracies, then the state dict it saved. */
    private static void checkConvnet(Path folder, String stdout) throws IOException {
        List<String> lines = stdout.lines().toList();
        assertThat(lines).hasSize(2);
        double last = 0;
        for (int e = 0; e < 2; e++) {
            Matcher a = Pattern.compile("epoch " + e + ": test accuracy (\\d+[.,]\\d\\d)%").matcher(lines.get(e));
            assertThat(a.matches()).as("line %d: %s", e, lines.get(e)).isTrue();
            last = Double.parseDouble(a.group(1).replace(',', '.'));
        }
        assertThat(last).as("test accuracy after 2 epochs, %").isGreaterThan(93.0);
        Map<String, Tensor> saved = Safetensors.load(folder.resolve("convnet.safetensors"));
        assertThat(saved.keySet()).containsExactlyInAnyOrder("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias",
                "9.weight", "9.bias");
        assertThat(saved.get("7.weight").numel()).isEqualTo(200 * 256);
    }

    /** The autograd snippet: {@code a} and {@code b} of the least-squares line on the standardised age. */
    private static void checkRegression(String stdout) {
        Matcher ab = Pattern.compile("tensor\\(\\[(\\S+)\\], requires_grad=True\\) tensor\\(\\[(\\S+)\\], requires_grad=True\\)\\n").matcher(stdout);
        assertThat(ab.matches()).as(stdout).isTrue();
        double[] x = {39, 47, 45, 47, 65, 46, 67, 42, 67, 56, 64, 56, 59, 34, 42};
        double[] y = {144, 220, 138, 145, 162, 142, 170, 124, 158, 154, 162, 150, 140, 110, 128};
        double mx = 0, my = 0, sxx = 0, sxy = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i] / x.length;
            my += y[i] / y.length;
        }
        for (int i = 0; i < x.length; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        double std = Math.sqrt(sxx / (x.length - 1));               // torch.std: n - 1
        assertThat(Double.parseDouble(ab.group(1))).isCloseTo(sxy / sxx * std, within(1e-3));
        assertThat(Double.parseDouble(ab.group(2))).isCloseTo(my, within(1e-3));
    }

    /** Runs a block as a single-file source program in {@code folder}; returns its stdout. */
    private static String run(Path folder, String block, int index) throws IOException, InterruptedException {
        String source = block;
        Matcher c = CLASS.matcher(block);
        String name;
        if (c.find()) {
            name = c.group(1);
        } else {
            name = "ReadmeBlock" + index;
            String imports = block.lines().filter(l -> l.startsWith("import ")).collect(Collectors.joining("\n"));
            String body = block.lines().filter(l -> !l.startsWith("import ")).collect(Collectors.joining("\n        "));
            source = imports + "\n\npublic class " + name + " {\n    public static void main(String[] args) throws Exception {\n        "
                    + body + "\n    }\n}\n";
        }
        Path file = folder.resolve(name + ".java");
        Files.writeString(file, source);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), file.getFileName().toString());
        Path out = folder.resolve("stdout.txt"), err = folder.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).directory(folder.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("README block " + index + " did not finish in 300 s");
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8), stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("README block %d (%s) exit code; stderr:%n%s", index, name, stderr).isZero();
        assertThat(stderr).as("README block %d (%s) stderr", index, name).isEmpty();
        return stdout;
    }
}
