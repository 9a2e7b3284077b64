package dev.nabla.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nabla.api.Grad;
import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Parameter;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Conv2d followed by MaxPool2d inside a Sequential runs as one op ({@link ConvMaxPool2dFunction}); it must give what
 * the two modules give one after the other (each module's forward called in turn), forward and every gradient.
 */
class FusedConvPoolTest {
    /** {output, then the gradients of x (when it requires one), of each parameter} of loss = Σ out·r. */
    private static List<float[]> run(Sequential net, Tensor x, boolean fused, String expectedGradFn) {
        net.zeroGrad();
        if (x.grad() != null) x.grad().zero_();
        Tensor out = fused ? net.forward(x) : oneAfterTheOther(net, x);
        if (expectedGradFn != null) assertThat(out.gradFn()).isEqualTo(expectedGradFn);
        Nabla.manualSeed(99);
        Tensor r = Tensor.randn(out.shape());
        out.mul(r).sum().backward();
        List<float[]> res = new ArrayList<>();
        res.add(out.nd().dup().data().asFloat());
        if (x.requiresGrad()) res.add(x.grad().nd().dup().data().asFloat());
        for (Parameter p : net.parameters()) res.add(p.grad().nd().dup().data().asFloat());
        return res;
    }

    /** What the Sequential computes, without fusion: each module's own forward in turn. */
    private static Tensor oneAfterTheOther(Sequential net, Tensor x) {
        Tensor cur = x;
        for (int i = 0; i < net.size(); i++) cur = net.get(i).forward(cur);
        return cur;
    }

    private static void assertSame(Sequential net, Tensor x, float tol) {
        assertThat(new Sequential(net.get(0), net.get(1)).forward(x).gradFn()).as("the pair fuses").isEqualTo("ConvMaxPool2dBackward");
        List<float[]> fused = run(net, x, true, null), plain = run(net, x, false, null);
        assertThat(fused).hasSameSizeAs(plain);
        for (int i = 0; i < fused.size(); i++) {
            float[] a = fused.get(i), b = plain.get(i);
            assertThat(a).as("result %d", i).hasSameSizeAs(b);
            float scale = 1;   // the summation order differs (GEMMs of other shapes): a tolerance relative to the largest value
            for (float v : b) if (!Float.isNaN(v)) scale = Math.max(scale, Math.abs(v));
            for (int j = 0; j < a.length; j++) {
                if (Float.isNaN(b[j])) assertThat(a[j]).as("result %d[%d]", i, j).isNaN();
                else assertThat(a[j]).as("result %d[%d]", i, j).isCloseTo(b[j], org.assertj.core.data.Offset.offset(tol * scale));
            }
        }
    }

    @Test void courseShapesEqualTheModulesOneAfterTheOther() {
        Nabla.manualSeed(1);
        Sequential net = new Sequential(new Conv2d(1, 32, 5), new MaxPool2d(3), new ReLU());
        assertSame(net, Tensor.randn(20, 1, 28, 28), 1e-5f);
    }

    @Test void inputGradientStridePaddingOverlappingWindowsAndNoBias() {
        Nabla.manualSeed(2);
        Sequential net = new Sequential(new Conv2d(3, 5, 3, 2, Conv2d.Options.DEFAULT.withStride(1, 2).withPadding(1, 0).withBias(false)),
                new MaxPool2d(3, 2));
        assertSame(net, Tensor.randn(4, 3, 11, 13).requiresGrad_(), 1e-5f);
        Nabla.manualSeed(3);
        Sequential net2 = new Sequential(new Conv2d(2, 4, 3), new MaxPool2d(2, 1), new Flatten());
        assertSame(net2, Tensor.randn(3, 2, 7, 6).requiresGrad_(), 1e-5f);
    }

    /**
     * The kernels' per-thread scratch ([W | b], a caller-thread backward's partial [dW | db]) is reused across calls of
     * other sizes with stale contents, and a batch split over the threads takes arrays of its own: a large layer, a
     * small one at batch 1 (odd sizes, 1 output channel), then the large one again, split and not split.
     */
    @Test void scratchReusedAcrossShapesAndThreadSplits() {
        Nabla.manualSeed(7);
        Sequential big = new Sequential(new Conv2d(7, 16, 3), new MaxPool2d(2));   // 7 channels: the own kernel, not oneDNN
        Sequential small = new Sequential(new Conv2d(3, 1, 3), new MaxPool2d(3, 2));
        assertSame(big, Tensor.randn(16, 7, 20, 20).requiresGrad_(), 1e-5f);
        assertSame(small, Tensor.randn(1, 3, 9, 7).requiresGrad_(), 1e-5f);
        assertSame(big, Tensor.randn(1, 7, 20, 20), 1e-5f);
        assertSame(small, Tensor.randn(5, 3, 9, 7), 1e-5f);
        assertSame(big, Tensor.randn(16, 7, 20, 20), 1e-5f);
    }

    /**
     * Zero images give every window a tie (each value is the bias): the gradient goes to the first maximum, as PyTorch
     * routes it, and a NaN pixel makes its windows NaN.
     */
    @Test void tiesAndNaNsAsTheUnfusedPair() {
        Nabla.manualSeed(4);
        Sequential net = new Sequential(new Conv2d(1, 6, 3), new MaxPool2d(2));
        Tensor x = Tensor.zeros(2, 1, 10, 10);
        x.nd().putScalar(new long[] {1, 0, 4, 4}, Float.NaN);
        x.nd().putScalar(new long[] {1, 0, 7, 2}, 1f);
        x.nd().putScalar(new long[] {0, 0, 7, 7}, Float.intBitsToFloat(0xFFC00001));   // a NaN with the sign bit set
        assertSame(net, x.requiresGrad_(), 1e-6f);
    }

    @Test void doesNotFuseWhereItDoesNotApply() {
        Nabla.manualSeed(5);
        Tensor x = Tensor.randn(2, 1, 12, 12);
        assertThat(new Sequential(new Conv2d(1, 4, 3), new MaxPool2d(3, 3, 1, 1, false)).forward(x).gradFn())
                .as("padded pooling").isEqualTo("MaxPool2dFunctionBackward");
        assertThat(new Sequential(new Conv2d(1, 4, 3), new ReLU(), new MaxPool2d(2)).forward(x).gradFn())
                .as("not adjacent").isEqualTo("MaxPool2dFunctionBackward");
        assertThat(new Sequential(new Conv2d(1, 4, 3), new MaxPool2d(2)).to(dev.nabla.api.DType.FLOAT64).forward(x.to(dev.nabla.api.DType.FLOAT64)).gradFn())
                .as("float64").isEqualTo("MaxPool2dFunctionBackward");
        assertThat(new Sequential(new Conv2d(1, 4, 3), new MaxPool2d(2)).forward(x).gradFn()).isEqualTo("ConvMaxPool2dBackward");
    }

    @Test void withoutGradTheSameValues() {
        Nabla.manualSeed(6);
        Sequential net = (Sequential) new Sequential(new Conv2d(1, 8, 5), new MaxPool2d(3)).eval();
        Tensor x = Tensor.randn(5, 1, 28, 28), fused, plain;
        try (var g = Grad.disabled()) {
            fused = net.forward(x);
            plain = oneAfterTheOther(net, x);
        }
        assertThat(fused.requiresGrad()).isFalse();
        float[] a = fused.nd().data().asFloat(), b = plain.nd().data().asFloat();
        for (int i = 0; i < a.length; i++) assertThat(a[i]).isCloseTo(b[i], org.assertj.core.data.Offset.offset(1e-5f * (1 + Math.abs(b[i]))));
    }
}
