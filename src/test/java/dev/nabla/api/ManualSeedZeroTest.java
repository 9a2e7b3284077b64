package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** manualSeed(0) reproduces its draws (ND4J's native generator ignores a seed of 0). */
class ManualSeedZeroTest {
    @Test void seedZeroIsReproducible() {
        Nabla.manualSeed(0);
        double[] a = Tensor.rand(5).toDoubleArray();
        double[] b = Tensor.randn(5).toDoubleArray();
        Nabla.manualSeed(0);
        assertThat(Tensor.rand(5).toDoubleArray()).containsExactly(a);
        assertThat(Tensor.randn(5).toDoubleArray()).containsExactly(b);
        Nabla.manualSeed(1);
        assertThat(Tensor.rand(5).toDoubleArray()).isNotEqualTo(a);
    }
}
