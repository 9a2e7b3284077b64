package dev.nabla.layers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Numbers in reprs as Python's repr prints them. */
class FormatTest {
    @Test void floatsAsPythonRepr() {
        assertThat(Format.num(1e-5)).isEqualTo("1e-05");
        assertThat(Format.num(1.5e-7)).isEqualTo("1.5e-07");
        assertThat(Format.num(1e-4)).isEqualTo("0.0001");
        assertThat(Format.num(0.1)).isEqualTo("0.1");
        assertThat(Format.num(0.01)).isEqualTo("0.01");
        assertThat(Format.num(1)).isEqualTo("1.0");
        assertThat(Format.num(-2.5)).isEqualTo("-2.5");
        assertThat(Format.num(123456.0)).isEqualTo("123456.0");
        assertThat(Format.num(1e16)).isEqualTo("1e+16");
        assertThat(Format.num(1.25e20)).isEqualTo("1.25e+20");
        assertThat(Format.num(0)).isEqualTo("0.0");
        assertThat(Format.num(Double.POSITIVE_INFINITY)).isEqualTo("inf");
    }

    @Test void intsAndTuples() {
        assertThat(Format.compact(20)).isEqualTo("20");
        assertThat(Format.compact(0.5)).isEqualTo("0.5");
        assertThat(Format.tuple(10)).isEqualTo("(10,)");
        assertThat(Format.tuple(1, 28, 28)).isEqualTo("(1, 28, 28)");
    }
}
