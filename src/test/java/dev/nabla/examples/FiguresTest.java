package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The examples' options: unknown or malformed ones are named with what is expected. */
class FiguresTest {
    @Test void optionsAreChecked() {
        assertThatThrownBy(() -> Examples.main(new String[] {"knn", "--k", "3"}))
                .hasMessageContaining("knn: unknown option '--k'").hasMessageContaining("--train");
        assertThatThrownBy(() -> Examples.main(new String[] {"lstsq", "--out"})).hasMessageContaining("'--name value' pairs");
        Figures.Args a = Figures.args("polyfit", new String[] {"--degree", "5"}).only("--degree");
        assertThat(a.integer("--degree", 11)).isEqualTo(5);
        assertThat(a.real("--noise", 0.2)).isEqualTo(0.2);
    }
}
