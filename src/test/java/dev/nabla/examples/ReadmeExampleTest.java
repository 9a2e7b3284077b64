package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nabla.api.Grad;
import dev.nabla.api.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's first program, verbatim, runs and fits the course's line. */
class ReadmeExampleTest {
    @Test void readmeProgramRuns() throws Exception {
        // ---- README begin
        Tensor x = Tensor.of(39.0, 47, 45, 47, 65, 46, 67, 42, 67, 56, 64, 56, 59, 34, 42);     // age
        Tensor y = Tensor.of(144.0, 220, 138, 145, 162, 142, 170, 124, 158, 154, 162, 150, 140, 110, 128);
        Tensor z = x.sub(x.mean()).div(x.std());                 // standardised input

        Tensor a = Tensor.zeros(1).requiresGrad_(), b = Tensor.zeros(1).requiresGrad_();
        for (int step = 0; step < 500; step++) {
            Tensor loss = z.mul(a).add(b).sub(y).pow(2).mean();  // mean squared error
            loss.backward();                                     // fills a.grad() and b.grad()
            try (var g = Grad.disabled()) {                      // torch.no_grad()
                a.sub_(a.grad().mul(0.1));
                b.sub_(b.grad().mul(0.1));
                a.grad().zero_();
                b.grad().zero_();
            }
        }
        System.out.println(a + " " + b);
        // ---- README end
        double slope = a.item() / x.std().item();
        assertThat(slope).isCloseTo(1.047439, within(1e-4));
        assertThat(b.item()).isCloseTo(y.mean().item(), within(1e-3));

        // the README shows exactly these lines
        String readme = Files.readString(Path.of("README.md"));
        String src = Files.readString(Path.of("src/test/java/dev/nabla/examples/ReadmeExampleTest.java"));
        String body = src.substring(src.indexOf("// ---- README begin\n") + 21, src.indexOf("        // ---- README end"));
        String unindented = body.lines().map(l -> l.length() >= 8 ? l.substring(8) : l.strip())
                .reduce((p, q) -> p + "\n" + q).orElse("");
        assertThat(readme).contains(unindented);
    }
}
