package dev.nabla.layers.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nabla.api.DType;
import dev.nabla.api.Function;
import dev.nabla.api.GradCheck;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import dev.nabla.layers.F;
import org.junit.jupiter.api.Test;

/**
 * The one-pass dropout kernel: every output element is 0 or x/(1 − p); the dropped share is p within five standard
 * deviations; the backward passes g/(1 − p) exactly where the forward kept; float32 and float64, odd sizes, a
 * chunk of a few elements (so that small inputs cross chunk and word boundaries), non-contiguous inputs; the mask
 * depends on the seed only, not on the thread count; finite differences through it.
 */
class DropoutKernelTest {
    private static final int[] SIZES = {1, 63, 64, 65, 2049, 100_003};

    @Test void keptElementsAreScaledDroppedShareIsPAndBackwardUsesTheSameMask() {
        int previous = Mem.chunkForTests(128);
        try {
            for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                for (double p : new double[] {0.1, 0.5, 0.9}) {
                    for (int n : SIZES) check(Tensor.randn(dt, n).requiresGrad_(), p, 17 + n, dt + " p=" + p + " n=" + n);
                }
            }
        } finally {
            Mem.chunkForTests(previous);
        }
    }

    @Test void nonContiguousInputsAreReadInTheirLogicalOrder() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor base = Tensor.randn(dt, 37, 129).requiresGrad_();
            check(base.transpose(0, 1), 0.3, 5, dt + " transposed");
            check(base.narrow(1, 3, 101), 0.3, 6, dt + " narrowed");
        }
    }

    private static void check(Tensor x, double p, long seed, String what) {
        Tensor y = Function.apply(new DropoutFunction(p, seed), x);
        assertThat(y.shape()).as(what).isEqualTo(x.shape());
        double[] xv = x.contiguous().toDoubleArray(), yv = y.toDoubleArray();
        double scale = 1 / (1 - p), tol = x.dtype() == DType.FLOAT32 ? 1e-6 : 1e-14;
        int dropped = 0;
        for (int i = 0; i < xv.length; i++) {
            if (yv[i] == 0) dropped++;
            else assertThat(yv[i]).as(what + " kept element " + i).isCloseTo(xv[i] * scale, org.assertj.core.data.Offset.offset(tol * (1 + Math.abs(xv[i] * scale))));
        }
        int n = xv.length;
        if (n >= 2049) {
            double sd = Math.sqrt(n * p * (1 - p));
            assertThat((double) dropped).as(what + " dropped count").isBetween(n * p - 5 * sd, n * p + 5 * sd);
        }
        Tensor g = Tensor.randn(x.dtype(), x.shape().toArray());
        y.backward(g);
        Tensor leaf = x.isLeaf() ? x : null;
        double[] gv = g.toDoubleArray();
        double[] dx = leaf != null ? leaf.grad().toDoubleArray() : gradThroughView(x, p, seed, g);
        for (int i = 0; i < n; i++) {
            double expected = yv[i] == 0 ? 0 : gv[i] * scale;
            assertThat(dx[i]).as(what + " gradient " + i).isCloseTo(expected, org.assertj.core.data.Offset.offset(tol * (1 + Math.abs(expected))));
        }
    }

    /** The gradient with respect to a view's elements, in the view's logical order. */
    private static double[] gradThroughView(Tensor view, double p, long seed, Tensor g) {
        Tensor v = view.detach().requiresGrad_();
        Function.apply(new DropoutFunction(p, seed), v).backward(g);
        return v.grad().toDoubleArray();
    }

    @Test void theMaskDependsOnTheSeedOnlyNotOnTheThreadCount() {
        Tensor x = Tensor.randn(DType.FLOAT32, 100_003);
        int threads = Nabla.numThreads();
        try {
            Nabla.setNumThreads(1);
            double[] one = Function.apply(new DropoutFunction(0.25, 99), x).toDoubleArray();
            Nabla.setNumThreads(2);
            double[] two = Function.apply(new DropoutFunction(0.25, 99), x).toDoubleArray();
            assertThat(two).isEqualTo(one);
            double[] other = Function.apply(new DropoutFunction(0.25, 100), x).toDoubleArray();
            assertThat(other).isNotEqualTo(one);
        } finally {
            Nabla.setNumThreads(threads);
        }
        Nabla.manualSeed(4);
        double[] a = F.dropout(x, 0.25, true).toDoubleArray();
        Nabla.manualSeed(4);
        assertThat(F.dropout(x, 0.25, true).toDoubleArray()).as("manualSeed repeats the mask").isEqualTo(a);
        assertThat(F.dropout(x, 0.25, true).toDoubleArray()).as("the next call draws another mask").isNotEqualTo(a);
    }

    /** The mask is the documented draw: element e kept unless its half of SplitMix64 word e/2 of the seed is below p·2³². */
    @Test void theMaskIsTheDocumentedCounterBasedDrawInBothDtypesAndAcrossChunks() {
        for (boolean vector : Vec.modes()) {
            boolean before = Vec.useForTests(vector);
            try {
                documentedDraw();
            } finally {
                Vec.useForTests(before);
            }
        }
    }

    /** The draw of {@link #theMaskIsTheDocumentedCounterBasedDrawInBothDtypesAndAcrossChunks}, forward and backward, on the current path. */
    private static void documentedDraw() {
        int previous = Mem.chunkForTests(128);
        try {
            for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                for (int n : new int[] {1, 2, 63, 65, 127, 129, 4099}) {
                    double p = 0.3;
                    long seed = 1234 + n;
                    Tensor x = Tensor.randn(dt, n).abs().add(0.5).requiresGrad_();   // no zeros: an output 0 is a dropped element
                    Tensor out = Function.apply(new DropoutFunction(p, seed), x);
                    double[] y = out.toDoubleArray();
                    out.backward(Tensor.ones(dt, n));
                    double[] dx = x.grad().toDoubleArray();
                    long threshold = (long) Math.rint(p * 4294967296.0);
                    for (int e = 0; e < n; e++) {
                        long z = seed + (long) ((e >>> 1) + 1) * 0x9E3779B97F4A7C15L;
                        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
                        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
                        z ^= z >>> 31;
                        long u = (e & 1) == 0 ? z & 0xFFFFFFFFL : z >>> 32;
                        String what = dt + (Vec.on() ? " vector-api" : "") + " n=" + n + " element " + e;
                        assertThat(y[e] != 0).as(what + " kept").isEqualTo(u >= threshold);
                        assertThat(dx[e]).as(what + " gradient").isEqualTo(u >= threshold ? 1 / (1 - p) : 0, org.assertj.core.data.Offset.offset(1e-6));
                    }
                }
            }
        } finally {
            Mem.chunkForTests(previous);
        }
    }

    /** As PyTorch's input·mask/(1 − p): a NaN stays NaN where dropped too (NaN·0). */
    @Test void nonFiniteInputsPropagateAsInPyTorch() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double[] y = Function.apply(new DropoutFunction(0.5, 3), Tensor.full(new long[] {200}, Double.NaN, dt)).toDoubleArray();
            for (double v : y) assertThat(v).as(dt + " NaN in, NaN out").isNaN();
        }
    }

    @Test void finiteDifferencesAgreeForAFixedSeed() {
        GradCheck.check(in -> Function.apply(new DropoutFunction(0.4, 11), in.get(0)).mul(in.get(0)),
                Tensor.randn(DType.FLOAT64, 7, 9).requiresGrad_());
    }

    @Test void aProbabilityOutsideTheOpenIntervalIsRefused() {
        assertThatThrownBy(() -> new DropoutFunction(1, 0)).hasMessageContaining("DropoutFunction").hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> F.dropout(Tensor.randn(3), 1.5, true)).hasMessageContaining("dropout").hasMessageContaining("1.5");
    }
}
