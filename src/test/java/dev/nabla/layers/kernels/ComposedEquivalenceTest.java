package dev.nabla.layers.kernels;

import static dev.nabla.layers.kernels.KernelGoldenTest.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nabla.api.DType;
import dev.nabla.api.GradCheck;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import dev.nabla.layers.F;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each fused kernel equal to the composed version it replaced ({@link Composed}): forward and every gradient, float32
 * and float64, on odd shapes (1-element channels, sizes off the vector width), on transposed (non-contiguous) inputs,
 * and on inputs large enough to be split over the threads; and each against finite differences in float64.
 */
class ComposedEquivalenceTest {
    /** A case: the op on its inputs (the first is x). */
    private record Op(String name, Function<List<Tensor>, Tensor> fused, Function<List<Tensor>, Tensor> composed, long[] xShape, long[]... params) {}

    private static List<Op> ops() {
        return List.of(
                new Op("batchNorm2d train", in -> F.batchNorm(in.get(0), null, null, in.get(1), in.get(2), true, 0.1, 1e-5),
                        in -> Composed.batchNorm(in.get(0), null, null, in.get(1), in.get(2), true, 0.1, 1e-5), new long[] {7, 5, 9, 11}, new long[] {5}, new long[] {5}),
                new Op("batchNorm2d 1 channel, no affine", in -> F.batchNorm(in.get(0), null, null, null, null, true, 0.1, 1e-3),
                        in -> Composed.batchNorm(in.get(0), null, null, null, null, true, 0.1, 1e-3), new long[] {3, 1, 5, 7}),
                new Op("batchNorm1d [N, C]", in -> F.batchNorm(in.get(0), null, null, in.get(1), in.get(2), true, 0.1, 1e-5),
                        in -> Composed.batchNorm(in.get(0), null, null, in.get(1), in.get(2), true, 0.1, 1e-5), new long[] {33, 17}, new long[] {17}, new long[] {17}),
                new Op("batchNorm2d large (threads)", in -> F.batchNorm(in.get(0), null, null, in.get(1), in.get(2), true, 0.1, 1e-5),
                        in -> Composed.batchNorm(in.get(0), null, null, in.get(1), in.get(2), true, 0.1, 1e-5), new long[] {9, 6, 37, 41}, new long[] {6}, new long[] {6}),
                new Op("layerNorm", in -> F.layerNorm(in.get(0), new long[] {13}, in.get(1), in.get(2), 1e-5),
                        in -> Composed.layerNorm(in.get(0), new long[] {13}, in.get(1), in.get(2), 1e-5), new long[] {3, 7, 13}, new long[] {13}, new long[] {13}),
                new Op("layerNorm large, weight only", in -> F.layerNorm(in.get(0), new long[] {9, 300}, in.get(1), null, 1e-5),
                        in -> Composed.layerNorm(in.get(0), new long[] {9, 300}, in.get(1), null, 1e-5), new long[] {31, 9, 300}, new long[] {9, 300}),
                new Op("softmax(-1)", in -> F.softmax(in.get(0), -1), in -> Composed.softmax(in.get(0), -1), new long[] {3, 7, 13}),
                new Op("softmax(1) large", in -> F.softmax(in.get(0), 1), in -> Composed.softmax(in.get(0), 1), new long[] {5, 77, 301}),
                new Op("logSoftmax(0)", in -> F.logSoftmax(in.get(0), 0), in -> Composed.logSoftmax(in.get(0), 0), new long[] {6, 5, 3}),
                new Op("logSoftmax(-1) large", in -> F.logSoftmax(in.get(0), -1), in -> Composed.logSoftmax(in.get(0), -1), new long[] {61, 4, 509}),
                new Op("gelu", in -> F.gelu(in.get(0), "none"), in -> Composed.gelu(in.get(0), "none"), new long[] {3, 7, 13}),
                new Op("gelu large", in -> F.gelu(in.get(0), "none"), in -> Composed.gelu(in.get(0), "none"), new long[] {8, 301, 67}),
                new Op("gelu tanh", in -> F.gelu(in.get(0), "tanh"), in -> Composed.gelu(in.get(0), "tanh"), new long[] {3, 7, 13}));
    }

    private static Tensor[] inputs(Op op, DType dtype, boolean strided) {
        Nabla.manualSeed(42);
        Tensor[] in = new Tensor[1 + op.params().length];
        long[] s = op.xShape().clone();
        if (strided) { long t = s[s.length - 1]; s[s.length - 1] = s[s.length - 2]; s[s.length - 2] = t; }
        in[0] = Tensor.randn(dtype, s).mul(2).add(1).detach();
        if (strided) in[0] = in[0].transpose(-1, -2);
        for (int i = 0; i < op.params().length; i++) in[i + 1] = Tensor.randn(dtype, op.params()[i]).mul(0.5).add(1).detach();
        return in;
    }

    /** The op's output and the gradients of sum(out · w) for every input, on fresh leaves with these values. */
    private static Tensor[] outAndGrads(Function<List<Tensor>, Tensor> f, Tensor[] values) {
        Tensor[] leaves = new Tensor[values.length];
        for (int i = 0; i < values.length; i++) leaves[i] = values[i].clone().requiresGrad_();
        Tensor[] used = leaves.clone();
        if (!values[0].isContiguous()) {   // the same strides as the given x: a transposed view of a leaf
            leaves[0] = values[0].transpose(-1, -2).contiguous().requiresGrad_();
            used[0] = leaves[0].transpose(-1, -2);
        }
        Tensor out = f.apply(List.of(used));
        Nabla.manualSeed(7);
        out.mul(Tensor.randn(out.dtype(), out.shape())).sum().backward();
        Tensor[] r = new Tensor[values.length + 1];
        r[0] = out.detach();
        for (int i = 0; i < values.length; i++) r[i + 1] = leaves[i].grad() == null ? null : (i == 0 && used[0] != leaves[0] ? leaves[0].grad().transpose(-1, -2) : leaves[i].grad());
        return r;
    }

    @ParameterizedTest @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void everyKernelEqualsItsComposedVersion(DType dtype) {
        double tol = dtype == DType.FLOAT64 ? 1e-11 : 3e-5;
        for (Op op : ops()) {
            for (boolean strided : new boolean[] {false, true}) {
                Tensor[] in = inputs(op, dtype, strided);
                assertThat(in[0].isContiguous()).isEqualTo(!strided);
                Tensor[] fused = outAndGrads(op.fused(), in), composed = outAndGrads(op.composed(), in);
                String what = op.name() + " " + dtype + (strided ? " strided" : "");
                for (int i = 0; i < fused.length; i++) {
                    assertClose(fused[i], composed[i], tol, what + (i == 0 ? " output" : " gradient of input " + (i - 1)));
                }
            }
        }
    }

    @Test void everyKernelPassesFiniteDifferencesInFloat64() {
        int previous = Mem.chunkForTests(5);   // small inputs through the paths of long planes and rows too
        try {
            for (Op op : ops()) {
                if (op.name().contains("large")) continue;
                Tensor[] in = inputs(op, DType.FLOAT64, false);
                for (Tensor t : in) t.requiresGrad_();
                GradCheck.Report r = GradCheck.check(op.fused()::apply, in);
                assertThat(r.checked()).as(op.name()).isPositive();
            }
        } finally {
            Mem.chunkForTests(previous);
        }
    }
}
