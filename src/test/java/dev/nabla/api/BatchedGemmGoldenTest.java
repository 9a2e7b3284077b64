package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batched matmul read in place through strides ({@link BatchedGemm}) against PyTorch (golden/matmul.json, written by
 * tools/golden/make_matmul_golden.py): operands multiplied as permuted views of their storage (attention's heads, a
 * transposed key, column-major matrices, permuted batch dims) or broadcast, in float32 and float64; the output and the
 * gradients of sum(out · w) with respect to the stored operands; and a finite-difference check of the same path.
 */
class BatchedGemmGoldenTest {
    @TestFactory Stream<DynamicTest> goldens() {
        return Golden.cases("matmul.json").stream().flatMap(c -> Stream.of(DType.FLOAT32, DType.FLOAT64).map(dt ->
                DynamicTest.dynamicTest(c.get("name").asText() + " " + dt, () -> check(c, dt))));
    }

    /** With an alpha (attention's 1/√d, not a power of two): PyTorch's values and gradients times alpha. */
    @TestFactory Stream<DynamicTest> goldensWithAlpha() {
        double alpha = 1 / Math.sqrt(7);
        return Golden.cases("matmul.json").stream().flatMap(c -> Stream.of(DType.FLOAT32, DType.FLOAT64).map(dt ->
                DynamicTest.dynamicTest(c.get("name").asText() + " " + dt + " alpha", () -> check(c, dt, alpha))));
    }

    private static void check(JsonNode c, DType dt) { check(c, dt, 1); }

    private static void check(JsonNode c, DType dt, double alpha) {
        Tensor a = Golden.tensor(withGrad(c.get("a"))).to(dt).detach().requiresGrad_();
        Tensor b = Golden.tensor(withGrad(c.get("b"))).to(dt).detach().requiresGrad_();
        Tensor pa = a.permute(Golden.ints(c.get("pa"))), pb = b.permute(Golden.ints(c.get("pb")));
        Tensor out = alpha == 1 ? pa.matmul(pb) : pa.matmul(pb, alpha);
        double tol = dt == DType.FLOAT32 ? 1e-4 : 1e-10;
        String name = c.get("name").asText() + " " + dt + (alpha == 1 ? "" : " alpha " + alpha);
        assertThat(out.dtype()).as(name).isEqualTo(dt);
        close(out, c.get("out"), alpha, tol, name + " out");
        out.mul(Golden.tensor(withGrad(c.get("w"))).to(dt)).sum().backward();
        close(a.grad(), c.get("grad_a"), alpha, tol, name + " grad a");
        close(b.grad(), c.get("grad_b"), alpha, tol, name + " grad b");
        if (alpha != 1) {   // against the composed form it replaces: the left operand scaled first
            Tensor composed = pa.detach().mul(alpha).matmul(pb.detach());
            double[] x = out.toDoubleArray(), y = composed.toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                assertThat(x[i]).as(name + " vs scaled operand [" + i + "]").isCloseTo(y[i], org.assertj.core.data.Offset.offset(tol * (1 + Math.abs(y[i]))));
            }
        }
    }

    /** Golden tensors here carry no requires_grad flag: read them as plain values. */
    private static JsonNode withGrad(JsonNode t) {
        var o = ((com.fasterxml.jackson.databind.node.ObjectNode) t.deepCopy());
        o.put("requires_grad", false);
        o.put("dtype", "float64");
        return o;
    }

    private static void close(Tensor actual, JsonNode expected, double scale, double tol, String what) {
        assertThat(actual.shape().toArray()).as(what + " shape").containsExactly(Golden.longs(expected.get("shape")));
        double[] e = Golden.doubles(expected.get("data")), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            e[i] *= scale;
            assertThat(a[i]).as(what + " [" + i + "]").isCloseTo(e[i], org.assertj.core.data.Offset.offset(tol * (1 + Math.abs(e[i]))));
        }
    }

    @Test void headViewsAreReadInPlace() {
        // q and k of a [N, L, H, d] buffer as [N, H, L, d] and [N, H, d, L] views: no copy of either operand
        INDArray qkv = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 5, 3, 4);
        INDArray q = qkv.permute(0, 2, 1, 3), kT = qkv.permute(0, 2, 3, 1);
        assertThat(BatchedGemm.inPlace(q, kT)).isEqualTo(Blas.available());
    }

    @Test void gradCheckThroughPermutedAndBroadcastViews() {
        GradCheck.check(in -> in.get(0).permute(0, 2, 1, 3).matmul(in.get(1).transpose(-2, -1)),
                Tensor.randn(DType.FLOAT64, 2, 4, 3, 5).requiresGrad_(), Tensor.randn(DType.FLOAT64, 3, 6, 5).requiresGrad_());
    }

    @Test void gradCheckWithAlphaThroughPermutedAndBroadcastViews() {
        GradCheck.check(in -> in.get(0).permute(0, 2, 1, 3).matmul(in.get(1).transpose(-2, -1), 0.37),
                Tensor.randn(DType.FLOAT64, 2, 4, 3, 5).requiresGrad_(), Tensor.randn(DType.FLOAT64, 3, 6, 5).requiresGrad_());
        GradCheck.check(in -> in.get(0).matmul(in.get(1), -1.5), Tensor.randn(DType.FLOAT64, 3, 5).requiresGrad_(),
                Tensor.randn(DType.FLOAT64, 5, 2).requiresGrad_());
    }

    @Test void mismatchedInnerDimensionsAreNamed() {
        assertThatThrownBy(() -> Tensor.randn(2, 3, 4).matmul(Tensor.randn(2, 5, 6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("matmul").hasMessageContaining("4 vs 5");
        assertThatThrownBy(() -> Tensor.randn(2, 3, 4).matmul(Tensor.randn(DType.FLOAT64, 2, 4, 6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same dtype");
    }
}
