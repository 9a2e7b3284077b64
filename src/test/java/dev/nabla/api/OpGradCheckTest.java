package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Finite-difference checks of every differentiable op's backward, broadcast shapes included. */
class OpGradCheckTest {
    private record Case(String name, Function<List<Tensor>, Tensor> f, long[]... shapes) {}

    private static Case c(String name, Function<List<Tensor>, Tensor> f, long[]... shapes) { return new Case(name, f, shapes); }

    private static long[] s(long... d) { return d; }

    private static Stream<Case> cases() {
        return Stream.of(
            c("add", in -> in.get(0).add(in.get(1)), s(2, 3), s(2, 3)),
            c("add broadcast [2,3]+[3]", in -> in.get(0).add(in.get(1)), s(2, 3), s(3)),
            c("add broadcast [4,1]+[1,5]", in -> in.get(0).add(in.get(1)), s(4, 1), s(1, 5)),
            c("add with alpha", in -> in.get(0).add(in.get(1), -2.5), s(3), s(3)),
            c("sub broadcast [2,1,3]-[4,1]", in -> in.get(0).sub(in.get(1)), s(2, 1, 3), s(4, 1)),
            c("mul broadcast 0-d", in -> in.get(0).mul(in.get(1)), s(2, 3), s()),
            c("div broadcast", in -> in.get(0).div(in.get(1).abs().add(0.5)), s(3, 2), s(2)),
            c("pow tensor", in -> in.get(0).abs().add(0.5).pow(in.get(1)), s(2, 3), s(3)),
            c("scalar ops", in -> in.get(0).add(1.5).sub(0.5).mul(3).div(2).rsub(1), s(2, 2)),
            c("rdiv", in -> in.get(0).abs().add(1).rdiv(2), s(4)),
            c("pow scalar", in -> in.get(0).pow(3), s(5)),
            c("pow scalar fractional", in -> in.get(0).abs().add(0.1).pow(1.5), s(5)),
            c("neg", in -> in.get(0).neg(), s(3)),
            c("exp", in -> in.get(0).exp(), s(2, 2)),
            c("log", in -> in.get(0).abs().add(0.1).log(), s(2, 2)),
            c("sqrt", in -> in.get(0).abs().add(0.1).sqrt(), s(2, 2)),
            c("abs", in -> in.get(0).abs(), s(6)),
            c("sign (zero gradient)", in -> in.get(0).sign().add(in.get(0)), s(4)),
            c("sin", in -> in.get(0).sin(), s(3)),
            c("cos", in -> in.get(0).cos(), s(3)),
            c("tanh", in -> in.get(0).tanh(), s(3, 2)),
            c("sigmoid", in -> in.get(0).sigmoid(), s(3, 2)),
            c("relu", in -> in.get(0).relu(), s(3, 4)),
            c("clamp", in -> in.get(0).clamp(-0.5, 0.5), s(3, 4)),
            c("clamp min only", in -> in.get(0).clamp(-0.3, Double.POSITIVE_INFINITY), s(6)),
            c("sum all", in -> in.get(0).sum(), s(2, 3)),
            c("sum dim keepDim", in -> in.get(0).sum(1, true), s(2, 3, 4)),
            c("sum dims", in -> in.get(0).sum(new int[] {0, 2}, false), s(2, 3, 4)),
            c("mean all", in -> in.get(0).mean(), s(2, 3)),
            c("mean dim", in -> in.get(0).mean(-1), s(2, 3)),
            c("var", in -> in.get(0).var(), s(2, 3)),
            c("var dim biased keepDim", in -> in.get(0).var(new int[] {1}, false, true), s(3, 4)),
            c("std", in -> in.get(0).std(), s(5)),
            c("std dim", in -> in.get(0).std(0), s(4, 3)),
            c("max all", in -> in.get(0).max(), s(3, 4)),
            c("min all", in -> in.get(0).min(), s(3, 4)),
            c("max dim", in -> in.get(0).max(1).values(), s(3, 4)),
            c("min dim keepDim", in -> in.get(0).min(0, true).values(), s(3, 4)),
            c("norm 2", in -> in.get(0).norm(), s(3, 4)),
            c("norm 1", in -> in.get(0).norm(1), s(3, 4)),
            c("norm 3", in -> in.get(0).norm(3), s(3, 4)),
            c("norm inf", in -> in.get(0).norm(Double.POSITIVE_INFINITY), s(3, 4)),
            c("norm 2 dim", in -> in.get(0).norm(2, 1, false), s(3, 4)),
            c("dist", in -> in.get(0).dist(in.get(1), 2), s(3, 4), s(4)),
            c("mm", in -> in.get(0).mm(in.get(1)), s(3, 4), s(4, 2)),
            c("mv", in -> in.get(0).mv(in.get(1)), s(3, 4), s(4)),
            c("dot", in -> in.get(0).dot(in.get(1)), s(5), s(5)),
            c("matmul batched broadcast", in -> in.get(0).matmul(in.get(1)), s(2, 1, 3, 4), s(5, 4, 2)),
            c("matmul 1d-2d", in -> in.get(0).matmul(in.get(1)), s(3), s(3, 2)),
            c("bmm", in -> in.get(0).bmm(in.get(1)), s(2, 3, 4), s(2, 4, 2)),
            c("view", in -> in.get(0).view(3, -1).mul(in.get(0).view(3, 2)), s(2, 3)),
            c("reshape of transpose (copy)", in -> in.get(0).t().reshape(-1), s(2, 3)),
            c("t", in -> in.get(0).t(), s(2, 3)),
            c("transpose", in -> in.get(0).transpose(0, 2), s(2, 3, 4)),
            c("permute", in -> in.get(0).permute(2, 0, 1), s(2, 3, 4)),
            c("narrow", in -> in.get(0).narrow(1, 1, 2), s(3, 4)),
            c("select", in -> in.get(0).select(0, -1), s(3, 4)),
            c("index string", in -> in.get(0).index("::2, 1:"), s(5, 4)),
            c("index ellipsis and new axis", in -> in.get(0).index("None, ..., 0"), s(2, 3, 4)),
            c("expand", in -> in.get(0).expand(3, 4), s(3, 1)),
            c("squeeze / unsqueeze", in -> in.get(0).squeeze().unsqueeze(0).unsqueeze(-1), s(1, 3, 1)),
            c("flatten", in -> in.get(0).flatten(1, 2), s(2, 3, 4)),
            c("contiguous of permuted", in -> in.get(0).permute(1, 0).contiguous(), s(3, 4)),
            c("clone", in -> in.get(0).clone().mul(in.get(0)), s(3)),
            c("cat", in -> Tensor.cat(List.of(in.get(0), in.get(1)), 1), s(2, 3), s(2, 2)),
            c("stack", in -> Tensor.stack(List.of(in.get(0), in.get(1)), 0), s(2, 3), s(2, 3)),
            c("chunk", in -> in.get(0).chunk(3, 1).get(2).mul(2), s(2, 5)),
            c("split", in -> in.get(0).split(new long[] {1, 3}, 0).get(1), s(4, 2)),
            c("indexSelect", in -> in.get(0).indexSelect(0, Tensor.of(2, 0, 2)), s(3, 4)),
            c("gather", in -> in.get(0).gather(1, Tensor.of(new long[][] {{0, 0}, {1, 0}, {2, 1}})), s(3, 4)),
            c("where", in -> Tensor.where(in.get(0).gt(0), in.get(0), in.get(1)), s(3, 4), s(4)),
            c("maskedSelect", in -> in.get(0).maskedSelect(in.get(0).gt(0)), s(3, 4)),
            c("maskedFill", in -> in.get(0).maskedFill(in.get(0).lt(0), 0), s(3, 4)),
            c("in-place add_ on non-leaf", in -> in.get(0).mul(1).add_(in.get(1)).mul_(in.get(1)), s(2, 3), s(3)),
            c("in-place clamp_ and div_", in -> in.get(0).mul(2).clamp_(-0.5, 2).div_(3), s(2, 3)),
            c("copy_ from a tensor that requires grad", in -> Tensor.zeros(DType.FLOAT64, 2, 3).copy_(in.get(0)).mul(in.get(0).sum()), s(3)),
            c("shared input used twice", in -> in.get(0).mul(in.get(0)).add(in.get(0).exp()), s(4)));
    }

    @TestFactory Stream<DynamicTest> everyDifferentiableOp() {
        return cases().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
            Nabla.manualSeed(42);
            Tensor[] in = new Tensor[k.shapes().length];
            for (int i = 0; i < in.length; i++) in[i] = Tensor.randn(DType.FLOAT64, k.shapes()[i]).requiresGrad_();
            GradCheck.Report r = GradCheck.check(k.f(), in);
            assertThat(r.checked()).isGreaterThan(0);
        }));
    }
}
