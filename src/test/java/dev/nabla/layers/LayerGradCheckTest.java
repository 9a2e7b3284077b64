package dev.nabla.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nabla.api.DType;
import dev.nabla.api.GradCheck;
import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Finite-difference checks (float64, {@link GradCheck}'s PyTorch defaults: atol 1e-5, rtol 1e-3)
 * of every new layer with respect to its input and parameters, and of every loss in {@link F}.
 */
class LayerGradCheckTest {
    private record Case(String name, Function<List<Tensor>, Tensor> f, Tensor... inputs) {}

    private static Tensor randn(long... shape) { return Tensor.randn(DType.FLOAT64, shape).requiresGrad_(); }

    private static Tensor rand(long... shape) { return Tensor.rand(DType.FLOAT64, shape).requiresGrad_(); }

    private static Tensor longs(long... v) { return Tensor.of(v); }

    private static Tensor doubles(double... v) { return Tensor.of(DType.FLOAT64, v); }

    /** A layer checked with respect to its input (when floating-point) and each of its parameters. */
    private static Case layer(String name, Module m, Tensor x) {
        m.to(DType.FLOAT64);
        List<Tensor> in = new ArrayList<>();
        boolean xIn = x.dtype().isFloatingPoint();
        if (xIn) in.add(x);
        List<Parameter> ps = m.parameters();
        in.addAll(ps);
        return new Case(name, t -> m.forward(xIn ? t.get(0) : x), in.toArray(new Tensor[0]));
    }

    /** A few parameters perturbed away from ones and zeros so that every term of the backward matters. */
    private static <M extends Module> M perturbed(M m) {
        try (var g = dev.nabla.api.Grad.disabled()) {
            for (Parameter p : m.parameters()) p.add_(Tensor.randn(p.dtype(), p.shape()).mul(0.5));
        }
        return m;
    }

    /**
     * The padding row gets no gradient by design (PyTorch's rule, not the true derivative), so the
     * checked function zeroes the outputs that read it: then finite differences agree everywhere.
     */
    private static Case paddedEmbedding() {
        Embedding e = new Embedding(5, 2, 2);
        e.to(DType.FLOAT64);
        try (var g = dev.nabla.api.Grad.disabled()) { e.weight().select(0, 2).fill_(0.3); }
        Tensor idx = longs(2, 3, 2, 0);
        Tensor notPad = idx.ne(2).to(DType.FLOAT64).unsqueeze(1);
        return new Case("Embedding with padding_idx", in -> e.forward(idx).mul(notPad), e.weight());
    }

    private static Stream<Case> cases() {
        Nabla.manualSeed(7);
        BatchNorm1d evalBn = perturbed(new BatchNorm1d(3));
        evalBn.runningMean().copy_(Tensor.of(0.5, -1, 2));
        evalBn.runningVar().copy_(Tensor.of(0.5, 2, 1.5));
        evalBn.eval();
        Tensor target = longs(0, 3, 1, 1, 2);
        Tensor weights = doubles(0.5, 2, 1, 1.5);
        Tensor probTarget = Tensor.rand(DType.FLOAT64, 3, 4);
        Tensor hingeY = doubles(1, -1, -1, 1, 1, -1).reshape(2, 3);
        return Stream.of(
            layer("BatchNorm1d train [N, C]", perturbed(new BatchNorm1d(4)), randn(5, 4)),
            layer("BatchNorm1d train [N, C, L]", perturbed(new BatchNorm1d(3)), randn(2, 3, 4)),
            layer("BatchNorm1d eval", evalBn, randn(4, 3)),
            layer("BatchNorm1d no affine", new BatchNorm1d(4, BatchNormOptions.DEFAULT.withAffine(false)), randn(5, 4)),
            layer("BatchNorm1d eval without running stats", (Module) new BatchNorm1d(3, BatchNormOptions.DEFAULT.withTrackRunningStats(false)).eval(),
                    randn(4, 3)),
            layer("BatchNorm2d train", perturbed(new BatchNorm2d(2)), randn(2, 2, 3, 3)),
            layer("LayerNorm (4,)", perturbed(new LayerNorm(4)), randn(3, 4)),
            layer("LayerNorm (2, 3) on [2, 2, 3]", perturbed(new LayerNorm(2, 3)), randn(2, 2, 3)),
            layer("LayerNorm no affine", new LayerNorm(new long[] {5}, 1e-3, false), randn(2, 5)),
            layer("Embedding, repeated indices", new Embedding(5, 3), longs(1, 4, 1, 1, 0, 4).reshape(2, 3)),
            paddedEmbedding(),
            layer("Linear", new Linear(4, 3), randn(2, 4)),
            layer("GELU", new GELU(), randn(3, 4)),
            layer("ELU", new ELU(0.7), randn(3, 4)),
            layer("LeakyReLU", new LeakyReLU(0.2), randn(3, 4)),
            layer("Softplus", new Softplus(2, 1), randn(3, 4)),
            layer("Softmax", new Softmax(1), randn(3, 4)),
            layer("LogSoftmax", new LogSoftmax(0), randn(3, 4)),
            new Case("mseLoss", in -> F.mseLoss(in.get(0), in.get(1), Reduction.MEAN), randn(3, 4), randn(3, 4)),
            new Case("l1Loss sum", in -> F.l1Loss(in.get(0), in.get(1), Reduction.SUM), randn(3, 4), randn(3, 4)),
            new Case("smoothL1Loss beta 0.5", in -> F.smoothL1Loss(in.get(0), in.get(1), Reduction.MEAN, 0.5), randn(3, 4), randn(3, 4)),
            new Case("smoothL1Loss none beta 2", in -> F.smoothL1Loss(in.get(0), in.get(1), Reduction.NONE, 2), randn(3, 4), randn(3, 4)),
            new Case("crossEntropy", in -> F.crossEntropy(in.get(0), target), randn(5, 4)),
            new Case("crossEntropy weight ignoreIndex labelSmoothing mean",
                    in -> F.crossEntropy(in.get(0), target, weights, 1, 0.2, Reduction.MEAN), randn(5, 4)),
            new Case("crossEntropy weight ignoreIndex labelSmoothing sum",
                    in -> F.crossEntropy(in.get(0), target, weights, 1, 0.2, Reduction.SUM), randn(5, 4)),
            new Case("crossEntropy weight ignoreIndex labelSmoothing none",
                    in -> F.crossEntropy(in.get(0), target, weights, 1, 0.2, Reduction.NONE), randn(5, 4)),
            new Case("crossEntropy [N, C, d] smoothing", in -> F.crossEntropy(in.get(0), longs(0, 2, 1, 3, 3, 0).reshape(2, 3), null,
                    -100, 0.1, Reduction.MEAN), randn(2, 4, 3)),
            new Case("nllLoss weight ignoreIndex", in -> F.nllLoss(in.get(0), target, weights, 3, Reduction.MEAN), randn(5, 4)),
            new Case("nllLoss sum", in -> F.nllLoss(in.get(0), target, null, -100, Reduction.SUM), randn(5, 4)),
            new Case("bce with weight", in -> F.bce(in.get(0).sigmoid(), probTarget, doubles(1, 2, 0.5, 1), Reduction.MEAN), randn(3, 4)),
            new Case("bce wrt target", in -> F.bce(Tensor.of(DType.FLOAT64, 0.2, 0.7, 0.9), in.get(0), null, Reduction.SUM), rand(3)),
            new Case("bceWithLogits posWeight", in -> F.bceWithLogits(in.get(0), probTarget, null, in.get(1), Reduction.MEAN),
                    randn(3, 4), rand(4)),
            new Case("bceWithLogits weight posWeight none", in -> F.bceWithLogits(in.get(0), probTarget, doubles(1, 2, 0.5, 1),
                    doubles(3, 0.5, 1, 2), Reduction.NONE), randn(3, 4)),
            new Case("hingeLoss", in -> F.hingeLoss(in.get(0), hingeY, Reduction.MEAN), randn(2, 3)),
            new Case("hingeLoss none", in -> F.hingeLoss(in.get(0), hingeY, Reduction.NONE), randn(2, 3)));
    }

    @TestFactory Stream<DynamicTest> gradientsMatchFiniteDifferences() {
        return cases().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            GradCheck.Report r = GradCheck.check(c.f(), c.inputs());
            assertThat(r.checked()).isPositive();
        }));
    }
}
