package dev.nabla.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import dev.nabla.layers.kernels.Kernels;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The direct stride-1 convolution (the default kernel at stride 1 with the Vector API on) against the project's
 * im2col + GEMM kernel ({@link Kernels#OWN}), forward and every gradient, on shapes that take its edge paths: channel
 * counts that are not multiples of 4, one channel, kernels of 1, 2, 3, 5 and non-square, padding 0 up to beyond
 * dilation·(k − 1) (where the input gradient falls back to the im2col kernel), asymmetric padding, dilation 2, planes
 * from 1×1 to 33×31, batches of 1 to 37 (groups of stacked samples that end short), non-contiguous inputs, and without
 * bias; planes whose rows and columns share one zero gap with their neighbours. The PyTorch goldens (GoldenConvTest) run the same kernel under the default setting.
 */
class DirectConvTest {
    /** n, c, h, w, co, kh, kw, padTop, padLeft, padBottom, padRight, dilation, bias. */
    private static final int[][] GRID = {
        {2, 3, 7, 9, 5, 3, 3, 1, 1, 1, 1, 1, 1},
        {1, 1, 5, 5, 1, 3, 3, 1, 1, 1, 1, 1, 1},
        {37, 16, 8, 8, 16, 3, 3, 1, 1, 1, 1, 1, 1},
        {5, 7, 33, 31, 6, 3, 3, 1, 1, 1, 1, 1, 0},
        {3, 8, 12, 10, 9, 5, 5, 2, 2, 2, 2, 1, 1},
        {4, 6, 9, 11, 4, 5, 3, 0, 0, 0, 0, 1, 1},
        {3, 5, 10, 10, 7, 3, 3, 2, 2, 2, 2, 2, 1},
        {2, 4, 6, 7, 3, 2, 2, 1, 0, 0, 1, 1, 1},
        {3, 9, 6, 6, 10, 1, 1, 0, 0, 0, 0, 1, 1},
        {2, 3, 4, 4, 5, 3, 3, 3, 3, 3, 3, 1, 1},   // padding beyond dilation·(k − 1): dx from the im2col kernel
        {6, 12, 1, 1, 8, 3, 3, 1, 1, 1, 1, 1, 1},
        {19, 33, 5, 6, 13, 3, 3, 1, 2, 1, 0, 1, 0},
        {3, 4, 7, 6, 5, 1, 3, 1, 1, 1, 1, 1, 1},   // rows padded beyond the reach (both stored), columns sharing one gap
        {4, 5, 6, 9, 3, 3, 3, 2, 0, 0, 2, 1, 1},   // one-sided padding: the shared gap is all the trailing side's
        {3, 6, 9, 8, 4, 3, 3, 1, 3, 4, 1, 2, 1},   // dilation 2, a different padding on every side
        {128, 16, 32, 32, 16, 3, 3, 1, 1, 1, 1, 1, 0},   // ResNet-20's layers at its batch
        {128, 32, 16, 16, 32, 3, 3, 1, 1, 1, 1, 1, 0},
        {128, 64, 8, 8, 64, 3, 3, 1, 1, 1, 1, 1, 0},
    };

    @TestFactory Stream<DynamicTest> directEqualsIm2colOnOddShapes() {
        return Stream.of(GRID).flatMap(g -> Stream.of(1, 2).map(threads -> DynamicTest.dynamicTest(java.util.Arrays.toString(g) + " threads " + threads, () -> {
            int before = Nabla.numThreads();
            Nabla.setNumThreads(threads);
            try {
                Nabla.manualSeed(41);
                Tensor x = Tensor.randn(g[0], g[1], g[2], g[3]).requiresGrad_();
                Tensor w = Tensor.randn(g[4], g[1], g[5], g[6]).requiresGrad_(), b = g[12] == 1 ? Tensor.randn(g[4]).requiresGrad_() : null;
                INDArray[] auto = grads(x, w, b, g);
                Kernels previous = Kernels.use(Kernels.OWN);
                INDArray[] own;
                try {
                    own = grads(x, w, b, g);
                } finally {
                    Kernels.use(previous);
                }
                for (int i = 0; i < auto.length; i++) {
                    if (auto[i] == null) continue;
                    assertThat(auto[i].shape()).as("output %d", i).containsExactly(own[i].shape());
                    double scale = Math.max(1, own[i].amaxNumber().doubleValue());
                    assertThat(auto[i].sub(own[i]).amaxNumber().doubleValue() / scale).as("output %d of %s", i, java.util.Arrays.toString(g)).isLessThan(2e-5);
                }
            } finally {
                Nabla.setNumThreads(before);
            }
        })));
    }

    @Test void nonContiguousInputGivesTheSameAsItsCopy() {
        Nabla.manualSeed(43);
        Tensor big = Tensor.randn(6, 8, 10, 10);
        Tensor w = Tensor.randn(8, 4, 3, 3);
        Tensor view = big.permute(1, 0, 2, 3).narrow(0, 2, 4);   // [4, 6, 10, 10] of a permuted array
        Tensor viewNchw = view.permute(1, 0, 2, 3);               // [6, 4, 10, 10], strided
        Tensor copy = Tensor.from(viewNchw.nd().dup('c'));
        int[] one = {1, 1}, pad = {1, 1, 1, 1};
        INDArray a = F.conv2d(viewNchw, w, null, one, pad, one, 1).nd(), c = F.conv2d(copy, w, null, one, pad, one, 1).nd();
        assertThat(a.equalsWithEps(c, 1e-6)).isTrue();
    }

    private static INDArray[] grads(Tensor x, Tensor w, Tensor b, int[] g) {
        x.setGrad(null);
        w.setGrad(null);
        if (b != null) b.setGrad(null);
        Tensor y = F.conv2d(x, w, b, new int[] {1, 1}, new int[] {g[7], g[8], g[9], g[10]}, new int[] {g[11], g[11]}, 1);
        Nabla.manualSeed(42);
        y.mul(Tensor.randn(y.shape())).sum().backward();
        return new INDArray[] {y.nd().dup(), x.grad().nd().dup(), w.grad().nd().dup(), b == null ? null : b.grad().nd().dup()};
    }
}
