package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class TensorTest {
    @Test void creation() {
        assertThat(Tensor.zeros(2, 3).shape()).isEqualTo(Shape.of(2, 3));
        assertThat(Tensor.zeros(2, 3).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(Tensor.ones(DType.INT32, 2).toLongArray()).containsExactly(1, 1);
        assertThat(Tensor.full(new long[] {2}, 2.5).toDoubleArray()).containsExactly(2.5, 2.5);
        assertThat(Tensor.eye(2, 3).toDoubleArray()).containsExactly(1, 0, 0, 0, 1, 0);
        assertThat(Tensor.arange(5).toLongArray()).containsExactly(0, 1, 2, 3, 4);
        assertThat(Tensor.arange(5).dtype()).isEqualTo(DType.INT64);
        assertThat(Tensor.arange(1, 10, 3).toLongArray()).containsExactly(1, 4, 7);
        assertThat(Tensor.arange(10, 1, -4).toLongArray()).containsExactly(10, 6, 2);
        assertThat(Tensor.arange(0.0, 1.0, 0.25).toDoubleArray()).containsExactly(0, 0.25, 0.5, 0.75);
        assertThat(Tensor.linspace(-1, 1, 5).toDoubleArray()).containsExactly(-1, -0.5, 0, 0.5, 1);
        assertThat(Tensor.empty(3, 0).numel()).isZero();
        assertThat(Tensor.of(1, 2).dtype()).isEqualTo(DType.INT64);
        assertThat(Tensor.of(1.5, 2).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(Tensor.of(1f, 2f).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(Tensor.of(true, false).dtype()).isEqualTo(DType.BOOL);
        assertThat(Tensor.of(new double[][] {{1, 2}, {3, 4}}).shape()).isEqualTo(Shape.of(2, 2));
        assertThat(Tensor.scalar(3).dim()).isZero();
        assertThatThrownBy(() -> Tensor.of(new double[][] {{1, 2}, {3}})).hasMessageContaining("rows of equal length");
        assertThatThrownBy(() -> Tensor.zeros(2, -1)).hasMessageContaining("negative dimension");
    }

    @Test void fromSharesMemoryAndNdReturnsIt() {
        var arr = Nd4j.createFromArray(1.0f, 2.0f);
        Tensor t = Tensor.from(arr);
        t.add_(1);
        assertThat(arr.getFloat(0)).isEqualTo(2f);
        assertThat(t.nd()).isSameAs(arr);
    }

    @Test void randomFunctionsAreReproducibleUnderASeed() {
        Nabla.manualSeed(7);
        double[] a = Tensor.rand(5).toDoubleArray();
        double[] b = Tensor.randn(5).toDoubleArray();
        long[] c = Tensor.randint(0, 10, 5).toLongArray();
        long[] p = Tensor.randperm(6).toLongArray();
        double[] n = Tensor.zeros(4).normal_(1, 2).toDoubleArray();
        Nabla.manualSeed(7);
        assertThat(Tensor.rand(5).toDoubleArray()).containsExactly(a);
        assertThat(Tensor.randn(5).toDoubleArray()).containsExactly(b);
        assertThat(Tensor.randint(0, 10, 5).toLongArray()).containsExactly(c);
        assertThat(Tensor.randperm(6).toLongArray()).containsExactly(p);
        assertThat(Tensor.zeros(4).normal_(1, 2).toDoubleArray()).containsExactly(n);
        assertThat(java.util.Arrays.stream(a).allMatch(v -> v >= 0 && v < 1)).isTrue();
        assertThat(java.util.Arrays.stream(c).allMatch(v -> v >= 0 && v <= 9)).isTrue();
        assertThat(p).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    }

    @Test void randomFillsHaveTheRightDistribution() {
        Nabla.manualSeed(3);
        Tensor u = Tensor.zeros(DType.FLOAT64, 100_000).uniform_(-2, 4);
        assertThat(u.mean().item()).isCloseTo(1.0, within(0.03));
        assertThat(u.min().item()).isGreaterThanOrEqualTo(-2);
        assertThat(u.max().item()).isLessThan(4);
        Tensor n = Tensor.zeros(DType.FLOAT64, 100_000).normal_(3, 0.5);
        assertThat(n.mean().item()).isCloseTo(3, within(0.01));
        assertThat(n.std().item()).isCloseTo(0.5, within(0.01));
        Tensor b = Tensor.zeros(100_000).bernoulli_(0.3);
        assertThat(b.mean().item()).isCloseTo(0.3, within(0.01));
        Tensor r = Tensor.zeros(DType.INT64, 10_000).random_(4);
        assertThat(r.min().item()).isEqualTo(0);
        assertThat(r.max().item()).isEqualTo(3);
    }

    @Test void propertiesAndConversions() {
        Tensor x = Tensor.zeros(2, 3, 4);
        assertThat(x.dim()).isEqualTo(3);
        assertThat(x.numel()).isEqualTo(24);
        assertThat(x.size(-1)).isEqualTo(4);
        assertThat(x.device()).isEqualTo(Device.current());
        assertThat(x.device().kind()).isEqualTo(Device.Kind.CPU);
        assertThat(x.to(Device.cpu())).isSameAs(x);
        assertThatThrownBy(Device::cuda).hasMessageContaining("-Pcuda");
        assertThat(Tensor.of(1.7, -1.7).to(DType.INT32).toLongArray()).containsExactly(1, -1);
        assertThat(Tensor.of(1.5).to(DType.FLOAT16).dtype()).isEqualTo(DType.FLOAT16);
        assertThat(Tensor.of(1.5).to(DType.FLOAT16).item()).isEqualTo(1.5);
        assertThat(Tensor.of(0.0, 2.0).to(DType.BOOL).toString()).isEqualTo("tensor([False,  True])");
        assertThat(Tensor.of(3.5).item()).isEqualTo(3.5);
        assertThatThrownBy(() -> Tensor.of(1.0, 2.0).item()).hasMessageContaining("2 elements");
        assertThat(Tensor.of(1, 2).toFloatArray()).containsExactly(1f, 2f);
        assertThatThrownBy(() -> x.size(3)).hasMessageContaining("dimension out of range");
        assertThat(Nabla.nativeBuild()).startsWith("linux-x86_64");
    }

    @Test void viewsShareStorageWithTheBase() {
        Tensor x = Tensor.arange(12).to(DType.FLOAT32).view(3, 4);
        x.t().select(0, 1).fill_(-1);                       // column 1
        assertThat(x.select(1, 1).toDoubleArray()).containsExactly(-1, -1, -1);
        x.view(-1).narrow(0, 0, 2).zero_();
        assertThat(x.index("0").toDoubleArray()).containsExactly(0, 0, 2, 3);
        x.permute(1, 0).index("3").mul_(10);
        assertThat(x.index(":, -1").toDoubleArray()).containsExactly(30, 70, 110);
        x.index("1:, ::2").fill_(5);
        assertThat(x.index("2").toDoubleArray()).containsExactly(5, -1, 5, 110);
        x.unsqueeze(0).squeeze(0).flatten().index("0").fill_(9);
        assertThat(x.index("0, 0").item()).isEqualTo(9);
        x.chunk(3, 0).get(1).fill_(0);
        assertThat(x.sum(1).toDoubleArray()).containsExactly(9 + 0 + 2 + 30, 0, 5 - 1 + 5 + 110);
    }

    @Test void viewRefusesToCopyButReshapeCopies() {
        Tensor x = Tensor.zeros(2, 3).t();
        assertThatThrownBy(() -> x.view(6)).hasMessageContaining("view size is not compatible").hasMessageContaining("reshape");
        Tensor r = x.reshape(6);
        r.fill_(1);
        assertThat(x.sum().item()).isZero();          // a copy
        assertThat(x.isContiguous()).isFalse();
        assertThat(x.contiguous().isContiguous()).isTrue();
    }

    @Test void indexingErrors() {
        Tensor x = Tensor.zeros(2, 3);
        assertThatThrownBy(() -> x.index("0, 0, 0")).hasMessageContaining("too many indices");
        assertThatThrownBy(() -> x.index("::-1")).hasMessageContaining("step must be greater than zero");
        assertThatThrownBy(() -> x.index("5")).hasMessageContaining("out of bounds");
        assertThatThrownBy(() -> x.index("a")).hasMessageContaining("expected an integer");
        assertThat(x.index("-5:10").shape()).isEqualTo(Shape.of(2, 3));          // Python clamps slice bounds
        assertThat(x.index("None").shape()).isEqualTo(Shape.of(1, 2, 3));
        assertThat(x.index("..., None").shape()).isEqualTo(Shape.of(2, 3, 1));
    }

    @Test void broadcastingErrorShowsBothShapes() {
        assertThatThrownBy(() -> Tensor.zeros(2, 3).add(Tensor.zeros(2)))
                .hasMessageContaining("[2, 3]").hasMessageContaining("[2]").hasMessageContaining("dimension 1");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).mm(Tensor.zeros(2, 3))).hasMessageContaining("2x3 and 2x3");
        assertThatThrownBy(() -> Tensor.zeros(3).add_(Tensor.zeros(2, 3))).hasMessageContaining("doesn't match the broadcast shape");
    }

    @Test void typePromotion() {
        assertThat(Tensor.of(1, 2).add(Tensor.of(0.5, 0.5)).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(Tensor.of(1, 2).div(Tensor.of(2, 2)).toDoubleArray()).containsExactly(0.5, 1);
        assertThat(Tensor.of(1, 2).mul(2).dtype()).isEqualTo(DType.INT64);
        assertThat(Tensor.of(1, 2).mul(0.5).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(Tensor.of(DType.FLOAT64, 1).add(Tensor.of(1f)).dtype()).isEqualTo(DType.FLOAT64);
        assertThat(Tensor.of(true, false).sum().dtype()).isEqualTo(DType.INT64);
        assertThat(Tensor.of(1, 2).gt(1).dtype()).isEqualTo(DType.BOOL);
        assertThatThrownBy(() -> Tensor.of(1, 2).mean()).hasMessageContaining("floating point");
        Tensor i = Tensor.of(-2, 3);
        assertThat(i.neg().toLongArray()).containsExactly(2, -3);
        assertThat(i.abs().toLongArray()).containsExactly(2, 3);
        assertThat(i.sign().toLongArray()).containsExactly(-1, 1);
        assertThat(i.relu().toLongArray()).containsExactly(0, 3);
        assertThat(i.clamp(-1, 2).toLongArray()).containsExactly(-1, 2);
        assertThat(i.clamp(-1, 2).dtype()).isEqualTo(DType.INT64);
        assertThat(i.add(1).sub(1).toLongArray()).containsExactly(-2, 3);
        assertThat(i.pow(2).toLongArray()).containsExactly(4, 9);
        assertThat(i.exp().dtype()).isEqualTo(DType.FLOAT32);
        assertThat(i.lt(0.5).toString()).isEqualTo("tensor([ True, False])");
        assertThat(i.sum().item()).isEqualTo(1);
        assertThat(i.max().item()).isEqualTo(3);
    }

    @Test void joiningAndSplitting() {
        Tensor a = Tensor.of(new double[][] {{1, 2}, {3, 4}}), b = Tensor.of(new double[][] {{5, 6}});
        assertThat(Tensor.cat(List.of(a, b), 0).toDoubleArray()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThatThrownBy(() -> Tensor.cat(List.of(a, b), 1)).hasMessageContaining("sizes of tensors must match");
        assertThat(Tensor.stack(List.of(a, a), 1).shape()).isEqualTo(Shape.of(2, 2, 2));
        List<Tensor> parts = Tensor.arange(7).split(3, 0);
        assertThat(parts).hasSize(3);
        assertThat(parts.get(2).toLongArray()).containsExactly(6);
        assertThat(Tensor.arange(6).chunk(4, 0)).hasSize(3);   // as PyTorch: chunks of 2
        assertThat(a.indexSelect(1, Tensor.of(1, 1, 0)).toDoubleArray()).containsExactly(2, 2, 1, 4, 4, 3);
        assertThat(a.gather(1, Tensor.of(new long[][] {{1}, {0}})).toDoubleArray()).containsExactly(2, 3);
        assertThat(Tensor.where(a.gt(2), a, Tensor.scalar(0)).toDoubleArray()).containsExactly(0, 0, 3, 4);
        assertThat(a.index(a.gt(1.5)).toDoubleArray()).containsExactly(2, 3, 4);
        Tensor c = a.clone();
        c.maskedFill_(c.lt(3), -1);
        assertThat(c.toDoubleArray()).containsExactly(-1, -1, 3, 4);
        assertThat(a.toDoubleArray()).containsExactly(1, 2, 3, 4);
    }

    @Test void reductionsWithDimAndKeepDim() {
        Tensor x = Tensor.of(new double[][] {{1, 5, 3}, {4, 2, 6}});
        assertThat(x.sum(0).toDoubleArray()).containsExactly(5, 7, 9);
        assertThat(x.sum(1, true).shape()).isEqualTo(Shape.of(2, 1));
        assertThat(x.mean().item()).isEqualTo(3.5);
        assertThat(x.var().item()).isCloseTo(3.5, within(1e-6));               // unbiased
        assertThat(x.var(new int[] {0, 1}, false, false).item()).isCloseTo(35.0 / 12, within(1e-6));
        ValuesIndices m = x.max(1);
        assertThat(m.values().toDoubleArray()).containsExactly(5, 6);
        assertThat(m.indices().toLongArray()).containsExactly(1, 2);
        assertThat(m.indices().dtype()).isEqualTo(DType.INT64);
        assertThat(x.argmin().item()).isEqualTo(0);
        assertThat(x.argmax().item()).isEqualTo(5);
        assertThat(x.min(0, true).indices().shape()).isEqualTo(Shape.of(1, 3));
        assertThat(x.norm(1).item()).isEqualTo(21);
        assertThat(x.norm(Double.POSITIVE_INFINITY).item()).isEqualTo(6);
        assertThat(Tensor.of(3.0, 4.0).dist(Tensor.zeros(2)).item()).isEqualTo(5);
    }

    @Test void largeFloat32ReductionsStayAccurate() {
        Nabla.manualSeed(5);
        Tensor x = Tensor.rand(4_000_000).add(10);          // float32 values near 10
        double exact = 0;
        for (float v : x.toFloatArray()) exact += v;
        assertThat(x.sum().item()).isCloseTo(exact, org.assertj.core.data.Offset.offset(exact * 1e-6));
        assertThat(x.mean().item()).isCloseTo(exact / 4_000_000, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(x.var().item()).isCloseTo(1 / 12.0, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(x.sum().dtype()).isEqualTo(DType.FLOAT32);
    }
}
