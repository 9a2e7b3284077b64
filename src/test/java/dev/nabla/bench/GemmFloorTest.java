package dev.nabla.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The GEMM floor's product lists count the FLOPs derived by hand from the networks' shapes. */
class GemmFloorTest {
    @Test void resNet20ForwardIs40_8MillionMultiplyAddsAnImageAndTheBackwardTwiceThatLessTheFirstInputGradient() {
        List<GemmFloor.Mm> l = GemmFloor.resnet20(1);
        double forward = l.stream().filter(m -> m.what().endsWith("forward")).mapToDouble(GemmFloor.Mm::flops).sum() / 2;
        // conv 16·27·1024 + stage 1: 6 · 16·144·1024 + stages 2, 3: (32·144·256 + 5 · 32·288·256 + 32·16·256) · 2 + fc 640
        assertThat(forward).isEqualTo(442_368 + 6 * 2_359_296 + 2 * (1_179_648 + 5 * 2_359_296 + 131_072) + 640);
        double total = GemmFloor.totalFlops(l) / 2;
        assertThat(total).isEqualTo(3 * forward - 442_368);
        assertThat(GemmFloor.totalFlops(GemmFloor.resnet20(128))).isEqualTo(128 * GemmFloor.totalFlops(l));
    }

    @Test void transformerCountsProjectionsAttentionFeedForwardAndHead() {
        int b = 16, t = 128, e = 256, h = 4, ff = 1024, layers = 2, v = 1000;
        double rows = b * t;
        double perLayer = rows * e * 3 * e + rows * e * e + 2 * rows * e * ff + 2.0 * b * h * t * t * (e / h);
        double forward = layers * perLayer + rows * e * v;
        assertThat(GemmFloor.totalFlops(GemmFloor.transformer(b, t, e, h, ff, layers, v)) / 2).isEqualTo(3 * forward);
    }
}
