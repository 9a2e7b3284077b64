package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tensor session: the slides' snippets print what the slides print (src/test/resources/golden/slides_tensors.txt,
 * copied from the slides' text), and the rest prints exactly what PyTorch 1.13 prints (tools/golden/course_tensors.py).
 */
class TensorsTest {
    /** One command and what follows it until the next command. */
    record Block(String command, String output) {}

    @Test void theSlidesSnippetsPrintWhatTheSlidesPrint() throws Exception {
        List<String> out = Console.run("tensors").lines().toList();
        List<Block> actual = blocks(out.subList(1, out.indexOf(Tensors.MORE)));
        List<Block> slide = blocks(Files.readAllLines(Path.of("src/test/resources/golden/slides_tensors.txt")).stream()
                .filter(l -> !l.startsWith("#") && !l.startsWith("@ ")).toList());
        assertThat(actual.stream().map(Block::command)).containsExactlyElementsOf(slide.stream().map(Block::command).toList());
        int compared = 0;
        for (int i = 0; i < slide.size(); i++) {
            String expected = slide.get(i).output(), got = actual.get(i).output();
            if (expected.equals("= random")) continue;
            String want = expected.startsWith("= drawn:") ? expected.substring("= drawn:".length()) : expected;
            assertThat(squeeze(got)).as("output of %s", slide.get(i).command()).isEqualTo(squeeze(want));
            if (!got.isEmpty()) compared++;
        }
        assertThat(compared).isEqualTo(32);                                         // every printed or drawn result
        // the broadcasting slide: subtracting the mean of each column leaves means of order 1e-7
        String centred = actual.get(actual.size() - 5).output();
        for (String v : centred.replaceAll("tensor\\(\\[|\\]\\)", "").split(",")) assertThat(Math.abs(Double.parseDouble(v.strip()))).isLessThan(1e-5);
    }

    @Test void theRestPrintsWhatPyTorchPrints() throws Exception {
        List<String> expected = Files.readAllLines(Path.of("src/test/resources/golden/course_tensors.txt"));
        List<String> out = Console.run("tensors").lines().toList();
        List<String> actual = out.subList(out.indexOf(Tensors.MORE) + 1, out.size());
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertThat(actual.get(i)).as("line %d", i + 1).isEqualTo(expected.get(i));
        }
        assertThat(actual).hasSameSizeAs(expected);
    }

    private static List<Block> blocks(List<String> lines) {
        List<Block> b = new ArrayList<>();
        String command = null;
        StringBuilder output = new StringBuilder();
        for (String l : lines) {
            if (l.startsWith(">>> ")) {
                if (command != null) b.add(new Block(command, output.toString().strip()));
                command = l.substring(4);
                output.setLength(0);
            } else {
                output.append(l).append('\n');
            }
        }
        if (command != null) b.add(new Block(command, output.toString().strip()));
        return b;
    }

    /** Without white space, with the slides' typographic quote and minus as ASCII. */
    private static String squeeze(String s) { return s.replaceAll("\\s+", "").replace('’', '\'').replace('−', '-'); }
}
