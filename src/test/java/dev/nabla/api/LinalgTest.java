package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** inverse, det, solve, lstsq and eigh: PyTorch goldens, finite differences, the course's lstsq fit, errors. */
class LinalgTest {
    /** Forward values against PyTorch (both float64, LAPACK vs our LU/commons-math3). */
    private static final double VALUE_TOL = 1e-12;
    /** Gradients against PyTorch. */
    private static final double GRAD_TOL = 1e-12;

    // ---------------------------------------------------------------- PyTorch goldens

    private static final Map<String, Function<List<Tensor>, Tensor>> OPS = Map.of(
            "inverse", in -> in.get(0).inverse(),
            "det", in -> in.get(0).det(),
            "solve", in -> in.get(0).solve(in.get(1)),
            "lstsq", in -> in.get(0).lstsq(in.get(1)),
            "lstsq_vector", in -> in.get(0).lstsq(in.get(1)),
            "eigh_values", in -> in.get(0).eigh().eigenvalues(),
            "eigh_vectors_squared", in -> squares(in.get(0).eigh().eigenvectors()),
            "eigh_reconstruct", in -> reconstruct(in.get(0).eigh().eigenvectors()));

    /** V ∘ V: invariant to the sign of each eigenvector. */
    private static Tensor squares(Tensor v) { return v.mul(v); }

    /** V·diag(1..n)·Vᵀ: invariant to the signs, depends on the eigenvectors only. */
    private static Tensor reconstruct(Tensor v) {
        long n = v.size(-1);
        double[] c = new double[(int) n];
        for (int i = 0; i < n; i++) c[i] = i + 1;
        return v.mul(Tensor.of(DType.FLOAT64, c)).matmul(v.transpose(-2, -1));
    }

    private static JsonNode golden() throws IOException {
        try (InputStream in = LinalgTest.class.getResourceAsStream("/golden/linalg.json")) {
            assertThat(in).as("golden/linalg.json; regenerate with tools/golden/make_linalg_golden.py").isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }

    private static Tensor tensor(JsonNode t) {
        long[] shape = StreamSupport.stream(t.get("shape").spliterator(), false).mapToLong(JsonNode::asLong).toArray();
        double[] data = StreamSupport.stream(t.get("data").spliterator(), false).mapToDouble(JsonNode::asDouble).toArray();
        return Tensor.of(DType.FLOAT64, data).reshape(shape);
    }

    /** Elementwise |actual − expected| ≤ tol · max(1, |expected|). */
    private static void assertClose(Tensor actual, Tensor expected, double tol, String what) {
        assertThat(actual.shape()).as(what + " shape").isEqualTo(expected.shape());
        double[] a = actual.toDoubleArray(), e = expected.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as(what + " at flat index " + i).isCloseTo(e[i], within(tol * Math.max(1, Math.abs(e[i]))));
        }
    }

    @TestFactory Stream<DynamicTest> matchesPyTorch() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : golden().get("cases")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                List<Tensor> in = new ArrayList<>();
                for (JsonNode t : c.get("inputs")) in.add(tensor(t).requiresGrad_());
                Tensor out = OPS.get(c.get("op").asText()).apply(in);
                assertClose(out, tensor(c.get("out")), VALUE_TOL, "output");
                out.mul(tensor(c.get("w"))).sum().backward();
                for (int i = 0; i < in.size(); i++) {
                    assertClose(in.get(i).grad(), tensor(c.get("grads").get(i)), GRAD_TOL, "gradient of input " + i);
                }
            }));
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(17);
        return tests.stream();
    }

    @Test void eighReadsTheLowerTriangleAndMatchesPyTorchUpToSign() throws IOException {
        JsonNode g = golden().get("eigh_lower");
        Eigh e = tensor(g.get("input")).eigh();
        assertClose(e.eigenvalues(), tensor(g.get("eigenvalues")), VALUE_TOL, "eigenvalues");
        Tensor expected = tensor(g.get("eigenvectors"));
        // fix each column's sign so that the dot product with PyTorch's column is positive
        Tensor signs = e.eigenvectors().mul(expected).sum(0).sign();
        assertClose(e.eigenvectors().mul(signs), expected, VALUE_TOL, "eigenvectors");
    }

    // ---------------------------------------------------------------- finite differences

    private static Tensor randn(long... shape) { return Tensor.randn(DType.FLOAT64, shape).requiresGrad_(); }

    private static Tensor wellConditioned(long... shape) {
        try (var g = Grad.disabled()) {
            long n = shape[shape.length - 1];
            return Tensor.randn(DType.FLOAT64, shape).add(Tensor.eye(n).to(DType.FLOAT64).mul(3)).requiresGrad_();
        }
    }

    /** A + Aᵀ, so that the finite differences see the same matrix eigh does. */
    private static Tensor sym(Tensor a) { return a.add(a.transpose(-2, -1)); }

    @Test void inverseGradCheck() {
        Nabla.manualSeed(1);
        GradCheck.check(in -> in.get(0).inverse(), wellConditioned(4, 4));
        GradCheck.check(in -> in.get(0).inverse(), wellConditioned(2, 3, 3));
    }

    @Test void detGradCheck() {
        Nabla.manualSeed(2);
        GradCheck.check(in -> in.get(0).det(), randn(4, 4));
        GradCheck.check(in -> in.get(0).det(), randn(2, 3, 3));
    }

    @Test void detGradientAtSingularMatricesIsTheCofactorMatrix() {
        Tensor rank2 = Tensor.of(new double[][] {{1, 2, 3}, {2, 4, 6}, {1, 0, 1}}).to(DType.FLOAT64).requiresGrad_();
        assertThat(rank2.det().item()).isEqualTo(0.0, within(1e-15));
        GradCheck.check(in -> in.get(0).det(), rank2);
        Tensor rank1 = Tensor.of(new double[][] {{1, 2, 3}, {2, 4, 6}, {3, 6, 9}}).to(DType.FLOAT64).requiresGrad_();
        GradCheck.check(in -> in.get(0).det(), rank1); // zero gradient: every 2x2 minor vanishes
    }

    @Test void solveGradCheck() {
        Nabla.manualSeed(3);
        GradCheck.check(in -> in.get(0).solve(in.get(1)), wellConditioned(4, 4), randn(4, 2));
        GradCheck.check(in -> in.get(0).solve(in.get(1)), wellConditioned(3, 3), randn(3));
        GradCheck.check(in -> in.get(0).solve(in.get(1)), wellConditioned(3, 3), randn(2, 3, 2)); // A broadcast
        GradCheck.check(in -> in.get(0).solve(in.get(1)), wellConditioned(2, 3, 3), randn(2, 3)); // batch of vectors
    }

    @Test void lstsqGradCheck() {
        Nabla.manualSeed(4);
        GradCheck.check(in -> in.get(0).lstsq(in.get(1)), randn(6, 3), randn(6, 2));
        GradCheck.check(in -> in.get(0).lstsq(in.get(1)), randn(5, 2), randn(5));
        GradCheck.check(in -> in.get(0).lstsq(in.get(1)), randn(2, 4, 3), randn(2, 4, 1));
    }

    @Test void eighGradCheck() {
        Nabla.manualSeed(5); // distinct eigenvalues with probability 1; the gaps here are > 0.1
        Tensor a = randn(4, 4), b = randn(2, 3, 3);
        GradCheck.check(in -> sym(in.get(0)).eigh().eigenvalues(), a);
        GradCheck.check(in -> squares(sym(in.get(0)).eigh().eigenvectors()), a);
        GradCheck.check(in -> reconstruct(sym(in.get(0)).eigh().eigenvectors()), a);
        GradCheck.check(in -> {
            Eigh e = sym(in.get(0)).eigh();
            return squares(e.eigenvectors()).mul(e.eigenvalues().unsqueeze(-2));
        }, b);
    }

    @Test void eigenvalueGradientIsFiniteAtRepeatedEigenvalues() {
        Tensor a = Tensor.eye(3).to(DType.FLOAT64).mul(2).requiresGrad_();
        Eigh e = a.eigh();
        assertThat(e.eigenvalues().toDoubleArray()).containsExactly(new double[] {2, 2, 2}, within(1e-15));
        e.eigenvalues().mul(Tensor.of(DType.FLOAT64, 1, 1, 1)).sum().backward(); // d trace(A) / dA = I
        assertClose(a.grad(), Tensor.eye(3).to(DType.FLOAT64), 1e-12, "gradient of the eigenvalues' sum");
    }

    // ---------------------------------------------------------------- values

    @Test void bloodPressureLeastSquaresAsTheCoursesGels() throws IOException {
        List<double[]> rows = new ArrayList<>();
        try (var r = new BufferedReader(new InputStreamReader(
                LinalgTest.class.getResourceAsStream("/dev/nabla/examples/systolic-blood-pressure-vs-age.dat"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) continue;
                String[] f = line.trim().split("\\s+");
                rows.add(new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1])});
            }
        }
        assertThat(rows).hasSize(15);
        double[][] a = new double[15][], y = new double[15][];
        for (int i = 0; i < 15; i++) {
            a[i] = new double[] {rows.get(i)[0], 1};
            y[i] = new double[] {rows.get(i)[1]};
        }
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Tensor fit = Tensor.of(a).to(dtype).lstsq(Tensor.of(y).to(dtype));
            assertThat(fit.shape()).isEqualTo(Shape.of(2, 1));
            assertThat(fit.dtype()).isEqualTo(dtype);
            double tol = dtype == DType.FLOAT64 ? 1e-6 : 1e-5; // the course prints 6 decimals
            assertThat(fit.toDoubleArray()[0]).as("slope a in " + dtype).isCloseTo(1.047439, within(tol));
            assertThat(fit.toDoubleArray()[1]).as("intercept b in " + dtype).isCloseTo(95.612512, within(tol));
        }
    }

    @Test void identitiesOnALargerMatrix() {
        Nabla.manualSeed(6);
        Tensor a = wellConditioned(60, 60).detach(), eye = Tensor.eye(60).to(DType.FLOAT64);
        assertClose(a.matmul(a.inverse()), eye, 1e-12, "A·A⁻¹");
        Tensor b = Tensor.randn(DType.FLOAT64, 60, 3);
        assertClose(a.matmul(a.solve(b)), b, 1e-12, "A·solve(A, B)");
        assertThat(a.det().item()).isCloseTo(a.inverse().det().rdiv(1).item(), within(1e-9 * Math.abs(a.det().item())));
        Tensor s = sym(a);
        Eigh e = s.eigh();
        Tensor v = e.eigenvectors();
        assertClose(v.mul(e.eigenvalues()).matmul(v.t()), s, 1e-12, "V·diag(λ)·Vᵀ");
        assertClose(v.t().matmul(v), eye, 1e-12, "VᵀV");
        double[] lambda = e.eigenvalues().toDoubleArray();
        for (int i = 1; i < lambda.length; i++) assertThat(lambda[i]).isGreaterThanOrEqualTo(lambda[i - 1]);
    }

    @Test void float32InFloat32Out() {
        Tensor a = Tensor.of(new float[][] {{4, 1}, {2, 3}}).requiresGrad_();
        Tensor inv = a.inverse();
        assertThat(inv.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(inv.toFloatArray()).containsExactly(new float[] {0.3f, -0.1f, -0.2f, 0.4f}, org.assertj.core.data.Offset.offset(1e-7f));
        assertThat(a.det().item()).isCloseTo(10, within(1e-6));
        inv.sum().backward();
        assertThat(a.grad().dtype()).isEqualTo(DType.FLOAT32);
        Eigh e = Tensor.of(new float[][] {{2, 1}, {1, 2}}).eigh();
        assertThat(e.eigenvalues().toFloatArray()).containsExactly(new float[] {1, 3}, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(e.eigenvectors().dtype()).isEqualTo(DType.FLOAT32);
    }

    @Test void shapesOfResults() {
        Tensor a = Tensor.randn(DType.FLOAT64, 2, 3, 3);
        assertThat(a.det().shape()).isEqualTo(Shape.of(2));
        assertThat(a.select(0, 0).det().shape()).isEqualTo(Shape.of());
        assertThat(a.solve(Tensor.randn(DType.FLOAT64, 3)).shape()).isEqualTo(Shape.of(2, 3));
        assertThat(a.solve(Tensor.randn(DType.FLOAT64, 2, 3)).shape()).isEqualTo(Shape.of(2, 3));
        assertThat(a.solve(Tensor.randn(DType.FLOAT64, 4, 1, 3, 5)).shape()).isEqualTo(Shape.of(4, 2, 3, 5));
        Eigh e = a.eigh();
        assertThat(e.eigenvalues().shape()).isEqualTo(Shape.of(2, 3));
        assertThat(e.eigenvectors().shape()).isEqualTo(Shape.of(2, 3, 3));
        assertThat(Tensor.randn(DType.FLOAT64, 5, 2).lstsq(Tensor.randn(DType.FLOAT64, 5)).shape()).isEqualTo(Shape.of(2));
    }

    // ---------------------------------------------------------------- errors

    @Test void singularMatrixErrorsAsPyTorch() {
        Tensor s = Tensor.of(new double[][] {{1, 2}, {2, 4}}).to(DType.FLOAT64);
        assertThatThrownBy(s::inverse).isInstanceOf(IllegalArgumentException.class).hasMessage(
                "linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular.");
        assertThatThrownBy(() -> s.solve(Tensor.ones(DType.FLOAT64, 2))).hasMessage(
                "linalg.solve: The diagonal element 2 is zero, the solve could not be completed because the input matrix is singular.");
        Tensor batch = Tensor.stack(List.of(Tensor.eye(2).to(DType.FLOAT64), s), 0);
        assertThatThrownBy(batch::inverse).hasMessageStartingWith("linalg.inv: (Batch element 1): The diagonal element 2 is zero");
        assertThat(s.det().item()).isEqualTo(0.0);
    }

    @Test void nonSquareErrorsNameTheOpAndShape() {
        Tensor r = Tensor.zeros(DType.FLOAT64, 2, 3);
        assertThatThrownBy(r::inverse).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("linalg.inv: A must be batches of square matrices, but they are 2 by 3 matrices");
        assertThatThrownBy(r::det).hasMessageStartingWith("linalg.det: A must be batches of square matrices, but they are 2 by 3");
        assertThatThrownBy(r::eigh).hasMessageStartingWith("linalg.eigh: A must be batches of square matrices, but they are 2 by 3");
        assertThatThrownBy(() -> r.solve(Tensor.zeros(DType.FLOAT64, 2)))
                .hasMessageStartingWith("linalg.solve: A must be batches of square matrices");
        assertThatThrownBy(() -> Tensor.zeros(DType.FLOAT64, 3).inverse())
                .hasMessageContaining("linalg.inv: The input tensor A must have at least 2 dimensions, got shape [3]");
        assertThatThrownBy(() -> Tensor.of(new long[][] {{1, 0}, {0, 1}}).inverse())
                .hasMessageContaining("linalg.inv: expected a floating-point tensor, got torch.int64");
    }

    @Test void shapeMismatchBetweenAAndB() {
        Tensor a = Tensor.eye(3).to(DType.FLOAT64);
        assertThatThrownBy(() -> a.solve(Tensor.zeros(DType.FLOAT64, 4, 2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 4x2)");
        assertThatThrownBy(() -> a.solve(Tensor.zeros(DType.FLOAT64, 4)))
                .hasMessageStartingWith("linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 4)");
        assertThatThrownBy(() -> a.solve(Tensor.zeros(3, 1))).hasMessageContaining(
                "linalg.solve: Expected A and B to have the same dtype, but found A of type torch.float64 and B of type torch.float32");
        assertThatThrownBy(() -> Tensor.zeros(DType.FLOAT64, 2, 3, 3).solve(Tensor.zeros(DType.FLOAT64, 4, 3, 1)))
                .hasMessageStartingWith("linalg.solve: the size of tensor a (2) must match the size of tensor b (4)");
        assertThatThrownBy(() -> Tensor.zeros(DType.FLOAT64, 5, 2).lstsq(Tensor.zeros(DType.FLOAT64, 4, 1)))
                .hasMessageStartingWith("linalg.lstsq: A.size(-2) should match B.size(-2): A is 5x2 and B is 4x1");
    }

    @Test void eighOfNaNFailsToConvergeAsPyTorch() {
        Tensor a = Tensor.of(new double[][] {{1, Double.NaN}, {Double.NaN, 1}}).to(DType.FLOAT64);
        assertThatThrownBy(a::eigh).isInstanceOf(IllegalArgumentException.class).hasMessage("linalg.eigh: The algorithm failed "
                + "to converge because the input matrix is ill-conditioned or has too many repeated eigenvalues; it contains NaN "
                + "or infinite values");
    }

    @Test void lstsqRejectsRankDeficientAndWideA() {
        Tensor dependent = Tensor.of(new double[][] {{1, 2}, {2, 4}, {3, 6}}).to(DType.FLOAT64);
        assertThatThrownBy(() -> dependent.lstsq(Tensor.ones(DType.FLOAT64, 3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("linalg.lstsq: A of shape 3x2 is rank-deficient (rank < 2 columns)");
        assertThatThrownBy(() -> Tensor.zeros(DType.FLOAT64, 3, 3).lstsq(Tensor.ones(DType.FLOAT64, 3)))
                .hasMessageContaining("rank-deficient");
        assertThatThrownBy(() -> Tensor.ones(DType.FLOAT64, 2, 3).lstsq(Tensor.ones(DType.FLOAT64, 2)))
                .hasMessageStartingWith("linalg.lstsq: expected A with at least as many rows as columns (m >= n)")
                .hasMessageContaining("got 2x3");
    }
}
