package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The backward walk frees gradient memory it passed on through views (a permute's gradient, the same array to both
 * inputs of an add) when the last handle on it is consumed, and never adds into memory another handle still reads.
 */
class OwnedGradientsTest {
    /** z = (b + b) · b with b = (2x)ᵀ: dz/dx = 2 · 4b (transposed back) = 16x, exact in float32. */
    private static float[] gradient(Tensor data) {
        Tensor x = data.detach().requiresGrad_();
        Tensor b = x.mul(2).permute(1, 0);
        b.add(b).mul(b).sum().backward();
        return x.grad().nd().dup().data().asFloat();
    }

    @Test void gradientsPassedOnThroughViewsAndToBothInputsAreExactAndComeBack() {
        Nabla.manualSeed(8);
        Tensor data = Tensor.randn(128, 128);   // 64 KB: pooled
        float[] x = data.nd().dup().data().asFloat();
        long[] growth = new long[4];
        for (int round = 0; round < 4; round++) {   // later rounds take the blocks earlier ones gave back
            long before = Pool.stats()[0];
            float[] g = gradient(data);
            growth[round] = Pool.stats()[0] - before;
            for (int i = 0; i < x.length; i++) assertThat(g[i]).as("round %d element %d", round, i).isEqualTo(16 * x[i]);
        }
        // measured: 2 arrays a round stay lent until a collection (the forward's results the caller could still reach);
        // 4 when the permute's gradient view and the add's shared gradient were left to the collector
        assertThat(growth[3]).as("bytes a round left lent %s", java.util.Arrays.toString(growth)).isLessThanOrEqualTo(3L * 128 * 128 * 4);
    }

    @Test void handlesFreeTheirMemoryAtTheLastOne() {
        OwnedGradients owned = new OwnedGradients();
        var a = org.nd4j.linalg.factory.Nd4j.zeros(4, 4);
        var view = a.reshape(16);
        owned.add(a);
        assertThat(owned.exclusive(a)).isTrue();
        assertThat(owned.share(a, view)).isTrue();
        assertThat(owned.share(a, view)).as("the same view passed to two inputs").isTrue();
        assertThat(owned.exclusive(a)).as("three handles: nobody may add into it").isFalse();
        assertThat(owned.consume(a)).isNull();
        assertThat(owned.consume(view)).isNull();
        assertThat(owned.consume(view)).as("the last handle frees the array itself").isSameAs(a);
        assertThat(owned.consume(view)).as("consumed: no longer held").isNull();
        var b = org.nd4j.linalg.factory.Nd4j.zeros(4, 4);
        owned.add(b);
        owned.share(b, b.reshape(16));
        owned.escape(b);
        assertThat(owned.consume(b)).as("escaped memory is never freed by the walk").isNull();
        assertThat(owned.share(org.nd4j.linalg.factory.Nd4j.zeros(2), b)).as("not owned: no handle").isFalse();
    }
}
