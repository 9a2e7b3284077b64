package dev.nabla.layers;

import dev.nabla.api.Shape;
import dev.nabla.layers.kernels.Kernels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nabla.api.DType;
import dev.nabla.api.GradCheck;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/** The project's own conv/pool kernels (forced with {@link Kernels#OWN}) against libnd4j's conv2d / conv2d_bp / maxpool2d / maxpool2d_bp / avgpool2d, and finite differences. */
class ConvKernelTest {
    /**
     * n, c, h, w, co, kh, kw, sh, sw, ph, pw, dh, dw. No dilation here: the onednn build's conv2d refuses dilated
     * convolutions ("could not create a descriptor for a dilated convolution"); dilation is checked against
     * finite differences below and against PyTorch in the golden tests.
     */
    private static final int[][] CONV_GRID = {
        {2, 1, 28, 28, 4, 5, 5, 1, 1, 0, 0, 1, 1},     // the course's first layer, small batch
        {3, 5, 8, 8, 6, 5, 5, 1, 1, 0, 0, 1, 1},       // the course's second layer shape
        {2, 3, 9, 7, 4, 3, 3, 2, 2, 1, 1, 1, 1},
        {1, 2, 10, 11, 3, 3, 2, 1, 3, 2, 0, 1, 1},
        {2, 4, 6, 6, 2, 1, 1, 1, 1, 0, 0, 1, 1},
        {2, 3, 12, 12, 5, 3, 3, 3, 2, 1, 2, 1, 1},
        {3, 8, 9, 7, 6, 1, 1, 2, 2, 0, 0, 1, 1},      // a strided 1×1 (ResNet's projection shortcut), odd sizes
    };

    private static INDArray[] libConv(INDArray x, INDArray w, INDArray b, int[] g, INDArray gradOut) {
        int[] iargs = {g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], 0, 0, 1};
        if (gradOut == null) {
            int oh = (g[2] + 2 * g[9] - g[11] * (g[5] - 1) - 1) / g[7] + 1, ow = (g[3] + 2 * g[10] - g[12] * (g[6] - 1) - 1) / g[8] + 1;
            INDArray out = Nd4j.create(x.dataType(), x.size(0), w.size(0), oh, ow);
            Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, w, b).addOutputs(out).addIntegerArguments(iargs).build());
            return new INDArray[] {out};
        }
        INDArray gi = Nd4j.create(x.dataType(), x.shape()), gw = Nd4j.create(w.dataType(), w.shape()), gb = Nd4j.create(b.dataType(), b.shape());
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(x, w, b, gradOut).addOutputs(gi, gw, gb).addIntegerArguments(iargs).build());
        return new INDArray[] {gi, gw, gb};
    }

    @TestFactory Stream<DynamicTest> conv2dEqualsLibnd4j() {
        return Stream.of(CONV_GRID).map(g -> DynamicTest.dynamicTest(java.util.Arrays.toString(g), () -> {
            Nabla.manualSeed(11);
            Tensor x = Tensor.randn(g[0], g[1], g[2], g[3]).requiresGrad_();
            Tensor w = Tensor.randn(g[4], g[1], g[5], g[6]).requiresGrad_();
            Tensor b = Tensor.randn(g[4]).requiresGrad_();
            Kernels previous = Kernels.use(Kernels.OWN);
            Tensor y;
            try {
                y = F.conv2d(x, w, b, new int[] {g[7], g[8]}, new int[] {g[9], g[10], g[9], g[10]}, new int[] {g[11], g[12]}, 1);
            } finally {
                Kernels.use(previous);
            }
            INDArray ref = libConv(x.nd(), w.nd(), b.nd(), g, null)[0];
            assertThat(y.shape()).isEqualTo(Shape.of(ref.shape()));
            assertClose(y.nd(), ref, 1e-4);
            Tensor go = Tensor.randn(y.shape());
            y.backward(go);
            INDArray[] bp = libConv(x.nd(), w.nd(), b.nd(), g, go.nd());
            assertClose(x.grad().nd(), bp[0], 1e-4);
            assertClose(w.grad().nd(), bp[1], 1e-3);
            assertClose(b.grad().nd(), bp[2], 1e-3);
        }));
    }

    /**
     * libnd4j's kernels called on chunks of the batch (Conv2dFunction.libChunk: 16→16 channels 3×3 at 32×32 is 13
     * samples a call, so 40 samples in 2 parts are 4 calls) give what the project's kernel gives on the whole batch:
     * output, input, weight and bias gradients, with and without a bias.
     */
    @Test void libnd4jOnChunksOfTheBatchEqualsTheProjectsKernel() {
        for (boolean withBias : new boolean[] {true, false}) {
            Nabla.manualSeed(21);
            Tensor x0 = Tensor.randn(40, 16, 32, 32), w0 = Tensor.randn(16, 16, 3, 3).mul(0.1), b0 = Tensor.randn(16);
            Tensor go = Tensor.randn(40, 16, 32, 32);
            Tensor[][] r = new Tensor[2][];
            for (int k = 0; k < 2; k++) {
                Kernels previous = Kernels.use(k == 0 ? Kernels.AUTO : Kernels.OWN);
                try {
                    Tensor x = x0.detach().clone().requiresGrad_(), w = w0.detach().clone().requiresGrad_(), b = b0.detach().clone().requiresGrad_();
                    Tensor y = F.conv2d(x, w, withBias ? b : null, new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1}, 1);
                    y.backward(go);
                    r[k] = new Tensor[] {y, x.grad(), w.grad(), withBias ? b.grad() : null};
                } finally {
                    Kernels.use(previous);
                }
            }
            assertClose(r[0][0].nd(), r[1][0].nd(), 1e-4);
            assertClose(r[0][1].nd(), r[1][1].nd(), 1e-4);
            assertClose(r[0][2].nd(), r[1][2].nd(), 1e-3);
            if (withBias) assertClose(r[0][3].nd(), r[1][3].nd(), 1e-3);
        }
    }

    /** A first layer: the input needs no gradient, so the project's kernel computes only dW and db (as in the default). */
    @TestFactory Stream<DynamicTest> conv2dWithoutInputGradientEqualsLibnd4j() {
        return Stream.of(CONV_GRID).map(g -> DynamicTest.dynamicTest(java.util.Arrays.toString(g), () -> {
            Nabla.manualSeed(12);
            Tensor x = Tensor.randn(g[0], g[1], g[2], g[3]);
            Tensor w = Tensor.randn(g[4], g[1], g[5], g[6]).requiresGrad_();
            Tensor b = Tensor.randn(g[4]).requiresGrad_();
            Tensor y = F.conv2d(x, w, b, new int[] {g[7], g[8]}, new int[] {g[9], g[10], g[9], g[10]}, new int[] {g[11], g[12]}, 1);
            assertClose(y.nd(), libConv(x.nd(), w.nd(), b.nd(), g, null)[0], 1e-4);
            Tensor go = Tensor.randn(y.shape());
            y.backward(go);
            INDArray[] bp = libConv(x.nd(), w.nd(), b.nd(), g, go.nd());
            assertThat(x.grad()).isNull();
            assertClose(w.grad().nd(), bp[1], 1e-3);
            assertClose(b.grad().nd(), bp[2], 1e-3);
        }));
    }

    /** kh, kw, sh, sw, ph, pw, h, w */
    private static final int[][] POOL_GRID = {{3, 3, 3, 3, 0, 0, 24, 24}, {2, 2, 2, 2, 0, 0, 4, 4}, {3, 2, 2, 1, 1, 1, 9, 8}, {2, 2, 1, 1, 0, 0, 5, 5}};

    @TestFactory Stream<DynamicTest> maxPoolEqualsLibnd4j() {
        return Stream.of(POOL_GRID).map(p -> DynamicTest.dynamicTest(java.util.Arrays.toString(p), () -> {
            Nabla.manualSeed(5);
            Tensor x = Tensor.randn(3, 4, p[6], p[7]).requiresGrad_();
            Tensor y = F.maxPool2d(x, new int[] {p[0], p[1]}, new int[] {p[2], p[3]}, new int[] {p[4], p[5]}, new int[] {1, 1}, false);
            int[] iargs = {p[0], p[1], p[2], p[3], p[4], p[5], 1, 1, 0, 0, 0};
            INDArray ref = Nd4j.create(DataType.FLOAT, y.shape().toArray());
            Nd4j.exec(DynamicCustomOp.builder("maxpool2d").addInputs(x.nd()).addOutputs(ref).addIntegerArguments(iargs).build());
            assertClose(y.nd(), ref, 0);
            Tensor go = Tensor.randn(y.shape());
            y.backward(go);
            INDArray gi = Nd4j.create(DataType.FLOAT, x.shape().toArray());
            Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp").addInputs(x.nd(), go.nd()).addOutputs(gi).addIntegerArguments(iargs).build());
            assertClose(x.grad().nd(), gi, 1e-6);
        }));
    }

    @TestFactory Stream<DynamicTest> avgPoolEqualsLibnd4j() {
        return Stream.of(POOL_GRID).map(p -> DynamicTest.dynamicTest(java.util.Arrays.toString(p), () -> {
            Nabla.manualSeed(6);
            Tensor x = Tensor.randn(2, 3, p[6], p[7]);
            Tensor y = F.avgPool2d(x, new int[] {p[0], p[1]}, new int[] {p[2], p[3]}, new int[] {p[4], p[5]}, false, true, 0);
            int[] iargs = {p[0], p[1], p[2], p[3], p[4], p[5], 1, 1, 0, 1, 0};   // extraParam0 = 1: padding counts
            INDArray ref = Nd4j.create(DataType.FLOAT, y.shape().toArray());
            Nd4j.exec(DynamicCustomOp.builder("avgpool2d").addInputs(x.nd()).addOutputs(ref).addIntegerArguments(iargs).build());
            assertClose(y.nd(), ref, 1e-6);
        }));
    }

    private static Tensor r(long... shape) { return Tensor.randn(DType.FLOAT64, shape).requiresGrad_(); }

    @Test void gradientsMatchFiniteDifferences() {
        Nabla.manualSeed(3);
        GradCheck.check(in -> F.conv2d(in.get(0), in.get(1), in.get(2), new int[] {2, 1}, new int[] {1, 0, 2, 1}, new int[] {1, 2}, 2),
                r(2, 4, 6, 7), r(6, 2, 3, 2), r(6));
        GradCheck.check(in -> F.conv1d(in.get(0), in.get(1), null, 2, new int[] {1, 1}, 1, 1), r(2, 3, 9), r(4, 3, 3));
        GradCheck.check(in -> F.convTranspose2d(in.get(0), in.get(1), in.get(2), new int[] {2, 2}, new int[] {1, 0}, new int[] {1, 0},
                new int[] {1, 1}, 1), r(2, 3, 4, 3), r(3, 2, 3, 3), r(2));
        GradCheck.check(in -> F.convTranspose2d(in.get(0), in.get(1), null, new int[] {1, 2}, new int[] {0, 1}, new int[] {0, 1},
                new int[] {2, 1}, 2), r(1, 4, 3, 3), r(4, 3, 2, 3));
        GradCheck.check(in -> F.maxPool2d(in.get(0), new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 1}, new int[] {1, 2}, true), r(2, 2, 7, 6));
        GradCheck.check(in -> F.maxPool1d(in.get(0), 3, 2, 1, 1, false), r(2, 3, 8));
        GradCheck.check(in -> F.avgPool2d(in.get(0), new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, true, false, 0), r(2, 2, 7, 6));
        GradCheck.check(in -> F.adaptiveAvgPool2d(in.get(0), 3, 2), r(2, 2, 7, 5));
    }

    @Test void transposedConvolutionIsTheAdjointOfConvolution() {
        // <conv(x), y> = <x, convT(y)> for the same weight
        Nabla.manualSeed(9);
        Tensor x = Tensor.randn(DType.FLOAT64, 2, 3, 9, 8), w = Tensor.randn(DType.FLOAT64, 4, 3, 3, 2);
        int[] s = {2, 3}, p = {1, 1}, d = {1, 2};
        Tensor y = F.conv2d(x, w, null, s, new int[] {1, 1, 1, 1}, d, 1);
        Tensor z = Tensor.randn(DType.FLOAT64, y.shape());
        int oph = 9 - ((int) y.size(2) - 1) * 2 + 2 - 2 - 1, opw = 8 - ((int) y.size(3) - 1) * 3 + 2 - 2 - 1;
        Tensor xt = F.convTranspose2d(z, w, null, s, p, new int[] {oph, opw}, d, 1);
        assertThat(xt.shape()).isEqualTo(x.shape());
        assertThat(y.mul(z).sum().item()).isCloseTo(x.mul(xt).sum().item(), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test void wrongShapesAreNamedErrors() {
        assertThatThrownBy(() -> F.conv2d(Tensor.zeros(8, 784), Tensor.zeros(32, 1, 5, 5), null))
                .hasMessageContaining("expected input [N, 1, H, W]").hasMessageContaining("[8, 784]");
        assertThatThrownBy(() -> F.conv2d(Tensor.zeros(1, 1, 3, 3), Tensor.zeros(2, 1, 5, 5), null)).hasMessageContaining("smaller than");
        assertThatThrownBy(() -> F.maxPool2d(Tensor.zeros(1, 1, 4, 4), new int[] {2, 2}, new int[] {2, 2}, new int[] {2, 2}, new int[] {1, 1}, false))
                .hasMessageContaining("pad should be at most half");
        assertThatThrownBy(() -> new MaxPool2d(3).forward(Tensor.zeros(8, 784)))
                .hasMessageContaining("MaxPool2d(kernel_size=3, stride=3").hasMessageContaining("[8, 784]").hasMessageContaining("view(");
        assertThatThrownBy(() -> new Conv2d(1, 32, 5).forward(Tensor.zeros(8, 784)))
                .hasMessageContaining("Conv2d(1, 32, kernel_size=(5, 5), stride=(1, 1))").hasMessageContaining("expected input [N, 1, H, W]")
                .hasMessageContaining("view(-1, 1, H, W)");
    }

    /**
     * libnd4j's conv2d / conv2d_bp / maxpool2d / maxpool2d_bp as the default runs them at batch 16 and more: split over
     * the batch on Nabla's threads (two parts here), the weight and bias gradients of the parts summed, against the
     * project's kernels.
     */
    @Test void libnd4jKernelsSplitOverTheBatchEqualTheOwn() {
        int threads = Nabla.numThreads();
        Nabla.setNumThreads(2);
        try {
            Nabla.manualSeed(21);
            // 147,456 elements: libnd4j's max-pool by default; split in two parts by every kernel here
            Tensor x = Tensor.randn(32, 8, 24, 24).requiresGrad_();
            Tensor w = Tensor.randn(16, 8, 5, 5).requiresGrad_(), b = Tensor.randn(16).requiresGrad_();
            // twice: the second call reuses the partial gradients the first left on this thread
            convPool(x, w, b);
            x.setGrad(null); w.setGrad(null); b.setGrad(null);
            Tensor[] lib = convPool(x, w, b), own;
            INDArray[] libGrads = {x.grad().nd().dup(), w.grad().nd().dup(), b.grad().nd().dup()};
            x.setGrad(null); w.setGrad(null); b.setGrad(null);
            Kernels previous = Kernels.use(Kernels.OWN);
            try {
                own = convPool(x, w, b);
            } finally {
                Kernels.use(previous);
            }
            assertClose(lib[0].nd(), own[0].nd(), 1e-4);
            assertClose(lib[1].nd(), own[1].nd(), 1e-4);
            assertClose(libGrads[0], x.grad().nd(), 1e-4);
            assertClose(libGrads[1], w.grad().nd(), 1e-3);
            assertClose(libGrads[2], b.grad().nd(), 1e-3);
        } finally {
            Nabla.setNumThreads(threads);
        }
    }

    /**
     * Two convolutions of different shapes on libnd4j's kernels (8+ input channels, batch 16+: split in two parts), one
     * after the other, backward three times: the partial gradients the calling thread keeps are per shape, so neither
     * layer's gradients may take the other's or a previous call's. Against the project's kernels.
     */
    @Test void libnd4jBackwardKeepsPartialsPerShape() {
        int threads = Nabla.numThreads();
        Nabla.setNumThreads(2);
        try {
            Nabla.manualSeed(23);
            Tensor x = Tensor.randn(20, 8, 12, 12).requiresGrad_();
            Tensor w1 = Tensor.randn(16, 8, 3, 3).requiresGrad_(), b1 = Tensor.randn(16).requiresGrad_();
            Tensor w2 = Tensor.randn(12, 16, 5, 5).requiresGrad_(), b2 = Tensor.randn(12).requiresGrad_();
            Tensor[] params = {x, w1, b1, w2, b2};
            INDArray[] lib = null;
            for (int call = 0; call < 3; call++) {
                for (Tensor t : params) t.setGrad(null);
                twoConvs(x, w1, b1, w2, b2, call);
                lib = new INDArray[params.length];
                for (int i = 0; i < params.length; i++) lib[i] = params[i].grad().nd().dup();
            }
            for (Tensor t : params) t.setGrad(null);
            Kernels previous = Kernels.use(Kernels.OWN);
            try {
                twoConvs(x, w1, b1, w2, b2, 2);
            } finally {
                Kernels.use(previous);
            }
            for (int i = 0; i < params.length; i++) assertClose(lib[i], params[i].grad().nd(), 1e-3);
        } finally {
            Nabla.setNumThreads(threads);
        }
    }

    /** n, c, h, w, co, kh, kw, sh, sw, ph, pw: shapes where the default runs libnd4j's kernels split over the batch. */
    private static final int[][] LIB_GRID = {
        {16, 8, 12, 12, 16, 3, 3, 1, 1, 1, 1},
        {17, 8, 11, 13, 12, 3, 5, 2, 1, 0, 2},
        {20, 12, 9, 9, 8, 2, 2, 2, 2, 0, 0},
        {18, 8, 10, 7, 10, 5, 3, 1, 2, 2, 1},
        {32, 16, 6, 6, 24, 1, 1, 1, 1, 0, 0},
    };

    /**
     * The default kernels (libnd4j's at these batches and channel counts, split over two threads) against the project's,
     * forward and every gradient, over strides, padding, non-square kernels and inputs.
     */
    @TestFactory Stream<DynamicTest> defaultKernelsEqualTheOwnWhereLibnd4jRuns() {
        return Stream.of(LIB_GRID).map(g -> DynamicTest.dynamicTest(java.util.Arrays.toString(g), () -> {
            int threads = Nabla.numThreads();
            Nabla.setNumThreads(2);
            try {
                Nabla.manualSeed(31);
                Tensor x = Tensor.randn(g[0], g[1], g[2], g[3]).requiresGrad_();
                Tensor w = Tensor.randn(g[4], g[1], g[5], g[6]).requiresGrad_(), b = Tensor.randn(g[4]).requiresGrad_();
                Tensor[] params = {x, w, b};
                INDArray[] auto = convGrads(params, g);
                Kernels previous = Kernels.use(Kernels.OWN);
                INDArray[] own;
                try {
                    own = convGrads(params, g);
                } finally {
                    Kernels.use(previous);
                }
                for (int i = 0; i < auto.length; i++) assertClose(auto[i], own[i], 1e-3);
            } finally {
                Nabla.setNumThreads(threads);
            }
        }));
    }

    /** {output, dx, dW, db} of one convolution, the backward of a sum weighted by a seeded random tensor. */
    private static INDArray[] convGrads(Tensor[] params, int[] g) {
        for (Tensor t : params) t.setGrad(null);
        Tensor y = F.conv2d(params[0], params[1], params[2], new int[] {g[7], g[8]}, new int[] {g[9], g[10], g[9], g[10]}, new int[] {1, 1}, 1);
        Nabla.manualSeed(32);
        y.mul(Tensor.randn(y.shape())).sum().backward();
        return new INDArray[] {y.nd().dup(), params[0].grad().nd().dup(), params[1].grad().nd().dup(), params[2].grad().nd().dup()};
    }

    /** conv 8→16 k3 then conv 16→12 k5, the backward of a sum weighted by a seeded random tensor (seed 30 + call). */
    private static void twoConvs(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2, int call) {
        int[] one = {1, 1}, none = {0, 0, 0, 0};
        Tensor y = F.conv2d(F.conv2d(x, w1, b1, one, none, one, 1), w2, b2, one, none, one, 1);
        Nabla.manualSeed(30 + call);
        y.mul(Tensor.randn(y.shape())).sum().backward();
    }

    /** conv (libnd4j at this batch and channel count) then max-pool 3 (libnd4j on this size); backward of a fixed sum. */
    private static Tensor[] convPool(Tensor x, Tensor w, Tensor b) {
        Tensor y = F.conv2d(x, w, b, new int[] {1, 1}, new int[] {0, 0, 0, 0}, new int[] {1, 1}, 1);
        Tensor p = F.maxPool2d(x, new int[] {3, 3}, new int[] {3, 3}, new int[] {0, 0}, new int[] {1, 1}, false);
        Nabla.manualSeed(22);
        y.mul(Tensor.randn(y.shape())).sum().add(p.mul(Tensor.randn(p.shape())).sum()).backward();
        return new Tensor[] {y, p};
    }

    /**
     * The default rule's mixed path: oneDNN's forward and the project's backward where
     * {@link dev.nabla.layers.kernels.Conv2dFunction#ownBackwardBeatsOneDnn} holds (batch 16, 8 or more channels, 256 or
     * more output positions): values and all three gradients against libnd4j's conv2d / conv2d_bp, on odd channel counts
     * and sizes, stride 2, and a non-contiguous input.
     */
    @TestFactory Stream<DynamicTest> libForwardOwnBackwardEqualsLibnd4j() {
        int[][] grid = {
            {16, 8, 16, 16, 8, 3, 3, 1, 1, 1, 1, 1, 1},
            {16, 9, 33, 31, 7, 3, 3, 1, 1, 1, 1, 1, 1},
            {16, 13, 35, 34, 5, 3, 3, 2, 2, 1, 1, 1, 1},
            {17, 33, 32, 33, 3, 3, 3, 1, 1, 1, 1, 1, 1},
        };
        return Stream.of(grid).flatMap(g -> Stream.of(false, true).map(permuted -> DynamicTest.dynamicTest(
                java.util.Arrays.toString(g) + (permuted ? " non-contiguous" : ""), () -> {
            int oh = (g[2] + 2 * g[9] - g[5]) / g[7] + 1, ow = (g[3] + 2 * g[10] - g[6]) / g[8] + 1;
            assertThat(dev.nabla.layers.kernels.Conv2dFunction.ownBackwardBeatsOneDnn(g[1], oh * ow)).isTrue();
            Nabla.manualSeed(13);
            Tensor x = permuted ? Tensor.randn(g[1], g[0], g[2], g[3]).permute(1, 0, 2, 3).detach().requiresGrad_()
                    : Tensor.randn(g[0], g[1], g[2], g[3]).requiresGrad_();
            Tensor w = Tensor.randn(g[4], g[1], g[5], g[6]).mul(0.2).detach().requiresGrad_();
            Tensor b = Tensor.randn(g[4]).requiresGrad_();
            Kernels previous = Kernels.use(Kernels.AUTO);
            try {
                Tensor y = F.conv2d(x, w, b, new int[] {g[7], g[8]}, new int[] {g[9], g[10], g[9], g[10]}, new int[] {1, 1}, 1);
                INDArray xd = x.nd().dup('c');
                INDArray ref = libConv(xd, w.nd(), b.nd(), g, null)[0];
                assertClose(y.nd(), ref, 1e-4);
                Tensor go = Tensor.randn(y.shape());
                y.backward(go);
                INDArray[] bp = libConv(xd, w.nd(), b.nd(), g, go.nd());
                assertClose(x.grad().nd(), bp[0], 1e-4);
                assertClose(w.grad().nd(), bp[1], 1e-3);
                assertClose(b.grad().nd(), bp[2], 1e-3);
            } finally {
                Kernels.use(previous);
            }
        })));
    }

    static void assertClose(INDArray actual, INDArray expected, double tol) {
        assertThat(actual.shape()).containsExactly(expected.shape());
        double[] a = actual.castTo(DataType.DOUBLE).dup('c').reshape(-1).toDoubleVector();
        double[] e = expected.castTo(DataType.DOUBLE).dup('c').reshape(-1).toDoubleVector();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("element %d", i).isCloseTo(e[i], org.assertj.core.data.Offset.offset(tol * Math.max(1, Math.abs(e[i]))));
        }
    }
}
