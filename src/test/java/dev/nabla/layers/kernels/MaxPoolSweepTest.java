package dev.nabla.layers.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The project's branch-free max-pooling sweep (windows inside the plane) picks what PyTorch picks: the first maximum
 * in row-major window order, the first NaN when there is one, -0 and +0 as equal (the first one's bits kept) — checked
 * bit for bit against the compare-and-branch sweep, which follows PyTorch's loop literally, on data full of ties and
 * special values, and with the gradient routed to the same positions.
 */
class MaxPoolSweepTest {
    private static final float[] SPECIAL = {0f, -0f, 1f, -1f, 2f, Float.NaN, Float.intBitsToFloat(0xFFC00001), Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, 1f, -0f};

    /**
     * {output bits, argmax per output} of FastMaxPool's window sweep ({@code loop} false; the test asserts that the
     * geometry takes it) or of its compare-and-branch loop; the argmax is what routes the backward's gradient.
     */
    private static int[][] pool(float[] data, int[] shape, int[] p, boolean loop) {
        INDArray x = Nd4j.create(data, new long[] {shape[0], shape[1], shape[2], shape[3]});
        int oh = PoolGeometry.outSize(shape[2], p[0], 0, p[2], 1, false), ow = PoolGeometry.outSize(shape[3], p[1], 0, p[3], 1, false);
        PoolGeometry g = new PoolGeometry(shape[0] * shape[1], shape[2], shape[3], p[0], p[1], p[2], p[3], 0, 0, 1, 1, oh, ow);
        assertThat(g.windowsInside()).as("the window sweep applies to pool %s", java.util.Arrays.toString(p)).isTrue();
        int[] arg = new int[shape[0] * shape[1] * oh * ow];
        long[] outShape = {shape[0], shape[1], oh, ow};
        INDArray y = loop ? FastMaxPool.loopForward(g, x, arg, outShape) : FastMaxPool.forward(g, x, arg, outShape);
        float[] yv = y.dup().reshape(-1).toFloatVector();
        int[] bits = new int[yv.length];
        for (int i = 0; i < yv.length; i++) bits[i] = Float.floatToRawIntBits(yv[i]);
        return new int[][] {bits, arg};
    }

    @Test void sameBitsAndRoutingAsPyTorchsLoop() {
        int[][] geometries = {{3, 3, 3, 3}, {2, 2, 2, 2}, {3, 2, 2, 1}, {2, 3, 1, 2}, {1, 1, 1, 1}, {4, 4, 3, 3}};
        Random rnd = new Random(11);
        for (int[] p : geometries) {
            for (int trial = 0; trial < 6; trial++) {
                int[] shape = {2, 3, 13 + trial, 17 - trial};   // 16+ windows a plane for most pools: the vectorized sweep
                float[] data = new float[shape[0] * shape[1] * shape[2] * shape[3]];
                for (int i = 0; i < data.length; i++) {
                    data[i] = trial < 3 ? SPECIAL[rnd.nextInt(trial == 0 ? 5 : SPECIAL.length)] : (float) Math.floor(rnd.nextGaussian() * 2);
                }
                int[][] fast = pool(data, shape, p, false), loop = pool(data, shape, p, true);
                assertThat(fast[0]).as("forward bits, pool %s, trial %d", java.util.Arrays.toString(p), trial).containsExactly(loop[0]);
                assertThat(fast[1]).as("argmax, pool %s, trial %d", java.util.Arrays.toString(p), trial).containsExactly(loop[1]);
            }
        }
    }

    /** Planes of fewer than 16 windows are swept many at once (the course's second pooling: 4 windows a plane). */
    @Test void smallPlanesSweptTogetherMatch() {
        Random rnd = new Random(12);
        int[][][] cases = {{{100, 70, 4, 4}, {2, 2, 2, 2}}, {{7, 59, 5, 4}, {3, 2, 2, 1}}, {{3, 5, 3, 3}, {3, 3, 3, 3}}};
        for (int[][] c : cases) {   // 7,000 planes: two threads' parts, chunks of 256 planes and a remainder
            int[] shape = c[0], p = c[1];
            float[] data = new float[shape[0] * shape[1] * shape[2] * shape[3]];
            for (int i = 0; i < data.length; i++) data[i] = i % 3 == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)] : (float) Math.floor(rnd.nextGaussian() * 2);
            int[][] fast = pool(data, shape, p, false), loop = pool(data, shape, p, true);
            assertThat(fast[0]).as("forward bits, shape %s", java.util.Arrays.toString(shape)).containsExactly(loop[0]);
            assertThat(fast[1]).as("argmax, shape %s", java.util.Arrays.toString(shape)).containsExactly(loop[1]);
        }
    }

    @Test void largeInputSplitOverThreadsMatchesToo() {
        Nabla.manualSeed(4);
        int[] shape = {64, 8, 24, 24};   // 294,912 elements: split into parts
        float[] data = Tensor.randn(shape[0], shape[1], shape[2], shape[3]).nd().dup().reshape(-1).toFloatVector();
        for (int i = 0; i < data.length; i += 97) data[i] = data[i + 1];   // ties inside windows
        int[][] fast = pool(data, shape, new int[] {3, 3, 3, 3}, false), loop = pool(data, shape, new int[] {3, 3, 3, 3}, true);
        assertThat(fast[0]).containsExactly(loop[0]);
        assertThat(fast[1]).containsExactly(loop[1]);
    }
}
