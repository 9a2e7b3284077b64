package dev.nabla.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nabla.api.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Global average pooling on float32 (ResNet's head: one window over each whole plane), which runs on the float data,
 * against the general float64 path on the same values: the same sums and rounding, so the same floats — forward and
 * gradient, for odd plane sizes, planes longer than a chunk and many planes.
 */
class GlobalAvgPoolTest {
    private static void check(int n, int c, int h, int w) {
        int len = n * c * h * w;
        float[] v = new float[len], g = new float[n * c];
        for (int i = 0; i < len; i++) v[i] = (float) (Math.cos(i * 0.013) * (1 + i % 11));
        for (int i = 0; i < g.length; i++) g[i] = (float) Math.sin(i * 0.7 + 0.1);
        Tensor x32 = Tensor.from(Nd4j.createFromArray(v).reshape(n, c, h, w)).requiresGrad_();
        Tensor x64 = Tensor.from(x32.nd().castTo(DataType.DOUBLE)).requiresGrad_();
        AdaptiveAvgPool2d pool = new AdaptiveAvgPool2d(1);
        Tensor y32 = pool.forward(x32), y64 = pool.forward(x64);
        assertThat(y32.shape().toArray()).containsExactly(n, c, 1, 1);
        assertThat(y32.nd().dataType()).isEqualTo(DataType.FLOAT);
        float[] a = y32.nd().ravel().toFloatVector(), e = y64.nd().castTo(DataType.FLOAT).ravel().toFloatVector();
        for (int i = 0; i < a.length; i++) assertThat(a[i]).as("[%d %d %d %d] output %d", n, c, h, w, i).isEqualTo(e[i]);
        Tensor gy = Tensor.from(Nd4j.createFromArray(g).reshape(n, c, 1, 1));
        y32.backward(gy);
        y64.backward(Tensor.from(gy.nd().castTo(DataType.DOUBLE)));
        float[] ga = x32.grad().nd().ravel().toFloatVector(), ge = x64.grad().nd().castTo(DataType.FLOAT).ravel().toFloatVector();
        for (int i = 0; i < ga.length; i++) assertThat(ga[i]).as("[%d %d %d %d] gradient %d", n, c, h, w, i).isEqualTo(ge[i]);
        // and the value itself: the mean of each plane
        double s = 0;
        for (int i = 0; i < h * w; i++) s += v[i];
        assertThat((double) a[0]).isCloseTo(s / (h * w), org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(s / (h * w)))));
    }

    @Test void resnetHead() { check(4, 64, 8, 8); }

    @Test void oddPlanes() { check(3, 5, 7, 3); }

    @Test void planesLongerThanAChunk() { check(2, 3, 50, 47); }

    @Test void onePixelPlanes() { check(5, 700, 1, 1); }
}
