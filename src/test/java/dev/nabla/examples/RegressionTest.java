package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs the regression example on the course's real table and checks the course's least-squares line. */
class RegressionTest {
    @Test void gradientDescentFindsTheCoursesLine() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            Examples.main(new String[] {"regression"});
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("RESULT example=regression a=([-0-9.]+) b=([-0-9.]+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        // PyTorch's lstsq on the same 15 rows: a = 1.047439, b = 95.612512
        assertThat(Double.parseDouble(m.group(1))).isCloseTo(1.047439, within(1e-5));
        assertThat(Double.parseDouble(m.group(2))).isCloseTo(95.612512, within(1e-3));
        assertThat(out).contains("least squares:    a = 1.047439, b = 95.612512");
    }
}
