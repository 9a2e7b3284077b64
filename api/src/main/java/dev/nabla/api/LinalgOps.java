package dev.nabla.api;

import static dev.nabla.api.LinalgKernels.matmul;
import static dev.nabla.api.LinalgKernels.read;
import static dev.nabla.api.LinalgKernels.transpose;
import static dev.nabla.api.LinalgKernels.write;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Matrix products and decompositions. One small class per op. */
final class LinalgOps {
    private LinalgOps() {}

    /** [n, k] · [k, m]. */
    static final class Mm extends Function {
        @Override protected INDArray forward(INDArray... x) {
            INDArray a = x[0], b = x[1];
            if (a.rank() != 2 || b.rank() != 2 || a.size(1) != b.size(0)) {
                throw new IllegalArgumentException("mm: mat1 and mat2 shapes cannot be multiplied ("
                        + shape(a) + " and " + shape(b) + ")");
            }
            if (a.dataType() != b.dataType()) {
                throw new IllegalArgumentException("mm: expected both matrices to have the same dtype, but got "
                        + DType.of(a.dataType()) + " != " + DType.of(b.dataType()));
            }
            return Gemm.mm(a, b);
        }
        @Override protected INDArray[] backward(INDArray g) {
            return new INDArray[] {
                needsGrad(0) ? Gemm.mm(g, false, input(1), true) : null,
                needsGrad(1) ? Gemm.mm(input(0), true, g, false) : null};
        }
    }

    /** Batched [B, n, k] · [B, k, m]. */
    static final class Bmm extends Function {
        @Override protected INDArray forward(INDArray... x) {
            INDArray a = x[0], b = x[1];
            if (a.rank() != 3 || b.rank() != 3 || a.size(0) != b.size(0) || a.size(2) != b.size(1)) {
                throw new IllegalArgumentException("bmm: batch shapes cannot be multiplied (" + shape(a) + " and " + shape(b) + ")");
            }
            return batched(a, b, false, false);
        }
        @Override protected INDArray[] backward(INDArray g) {
            return new INDArray[] {
                needsGrad(0) ? batched(g, input(1), false, true) : null,
                needsGrad(1) ? batched(input(0), g, true, false) : null};
        }
    }

    /**
     * alpha·a·b for a [..., n, k] and b [..., k, m] of one batch shape (matmul's, after broadcasting: a broadcast
     * dimension is a stride-0 view, whose gradient the engine sums back), read in place through their strides
     * ({@link BatchedGemm}); backward alpha·g·bᵀ and alpha·aᵀ·g the same way.
     */
    static final class Matmul extends Function {
        private final double alpha;

        /** alpha·a·b, the scale applied by the GEMM itself (attention's 1/√d): no pass over an operand or the result. */
        Matmul(double alpha) { this.alpha = alpha; }

        @Override protected INDArray forward(INDArray... x) {
            if (x[0].dataType() != x[1].dataType()) {
                throw new IllegalArgumentException("matmul: expected both operands to have the same dtype, but got "
                        + DType.of(x[0].dataType()) + " != " + DType.of(x[1].dataType()));
            }
            return BatchedGemm.mm(x[0], false, x[1], false, alpha);
        }
        @Override protected INDArray[] backward(INDArray g) {
            return new INDArray[] {
                needsGrad(0) ? BatchedGemm.mm(g, false, input(1), true, alpha) : null,
                needsGrad(1) ? BatchedGemm.mm(input(0), true, g, false, alpha) : null};
        }
    }

    // ---------------------------------------------------------------- inverse, det, solve, lstsq, eigh
    // Each works on [..., rows, cols] one matrix at a time, in float64 (LinalgKernels), and casts back.

    /** A⁻¹ for A [..., n, n]; backward −A⁻ᵀ·g·A⁻ᵀ. */
    static final class Inverse extends Function {
        @Override protected INDArray forward(INDArray... x) {
            double[][][] a = read(x[0]);
            double[][][] y = new double[a.length][][];
            for (int i = 0; i < a.length; i++) {
                LinalgKernels.Lu f = LinalgKernels.lu(a[i]);
                if (f.singular()) throw singular("linalg.inv", "inversion", f, i, a.length);
                y[i] = LinalgKernels.luSolve(f, LinalgKernels.eye(a[i].length));
            }
            saveOutput();
            return like(y, x[0]);
        }
        @Override protected INDArray[] backward(INDArray g) {
            double[][][] y = read(output()), gy = read(g);
            double[][][] ga = new double[y.length][][];
            for (int i = 0; i < y.length; i++) {
                double[][] yt = transpose(y[i]);
                ga[i] = LinalgKernels.scale(matmul(matmul(yt, gy[i]), yt), -1);
            }
            return new INDArray[] {like(ga, g)};
        }
    }

    /** det(A) for A [..., n, n], of shape [...]; backward g·cofactor(A), right also at singular A. */
    static final class Det extends Function {
        @Override protected INDArray forward(INDArray... x) {
            double[][][] a = read(x[0]);
            double[] d = new double[a.length];
            for (int i = 0; i < a.length; i++) d[i] = LinalgKernels.lu(a[i]).det();
            return LinalgKernels.create(d, LinalgKernels.batchShape(x[0].shape()), x[0].dataType());
        }
        @Override protected INDArray[] backward(INDArray g) {
            INDArray a = input(0);
            double[][][] m = read(a);
            double[] gd = LinalgKernels.doubles(g);
            double[][][] ga = new double[m.length][][];
            for (int i = 0; i < m.length; i++) ga[i] = LinalgKernels.scale(LinalgKernels.cofactor(m[i], LinalgKernels.lu(m[i])), gd[i]);
            return new INDArray[] {like(ga, a)};
        }
    }

    /** X with A·X = B for A [..., n, n] and B [..., n, k] of the same batch; backward gB = A⁻ᵀ·g, gA = −gB·Xᵀ. */
    static final class Solve extends Function {
        @Override protected INDArray forward(INDArray... x) {
            double[][][] a = read(x[0]), b = read(x[1]);
            double[][][] out = new double[a.length][][];
            for (int i = 0; i < a.length; i++) {
                LinalgKernels.Lu f = LinalgKernels.lu(a[i]);
                if (f.singular()) throw singular("linalg.solve", "solve", f, i, a.length);
                out[i] = LinalgKernels.luSolve(f, b[i]);
            }
            saveOutput();
            return like(out, x[1]);
        }
        @Override protected INDArray[] backward(INDArray g) {
            double[][][] a = read(input(0)), xs = read(output()), gx = read(g);
            double[][][] ga = new double[a.length][][], gb = new double[a.length][][];
            for (int i = 0; i < a.length; i++) {
                gb[i] = LinalgKernels.luSolve(LinalgKernels.lu(transpose(a[i])), gx[i]);
                if (needsGrad(0)) ga[i] = LinalgKernels.scale(matmul(gb[i], transpose(xs[i])), -1);
            }
            return new INDArray[] {needsGrad(0) ? like(ga, input(0)) : null, needsGrad(1) ? like(gb, g) : null};
        }
    }

    /**
     * The least-squares X minimising ‖A·X − B‖ for a full-rank A [..., m, n] (m ≥ n) and B [..., m, k].
     * With P = (AᵀA)⁻¹, Z = P·g and the residual R = B − A·X: gA = R·Zᵀ − A·Z·Xᵀ, gB = A·Z.
     */
    static final class Lstsq extends Function {
        @Override protected INDArray forward(INDArray... x) {
            double[][][] a = read(x[0]), b = read(x[1]);
            double[][][] out = new double[a.length][][];
            for (int i = 0; i < a.length; i++) {
                if (LinalgKernels.qrR(a[i]) == null) {
                    throw new IllegalArgumentException("linalg.lstsq: " + batchElement(i, a.length) + "A of shape "
                            + a[i].length + "x" + a[i][0].length + " is rank-deficient (rank < " + a[i][0].length
                            + " columns); only full-rank A is supported: remove the linearly dependent columns");
                }
                out[i] = LinalgKernels.lstsq(a[i], b[i]);
            }
            saveOutput();
            return write(out, LinalgKernels.batchShape(x[0].shape()), x[0].size(-1), x[1].size(-1), x[0].dataType());
        }
        @Override protected INDArray[] backward(INDArray g) {
            double[][][] a = read(input(0)), b = read(input(1)), xs = read(output()), gx = read(g);
            double[][][] ga = new double[a.length][][], gb = new double[a.length][][];
            for (int i = 0; i < a.length; i++) {
                double[][] z = LinalgKernels.normalSolve(LinalgKernels.qrR(a[i]), gx[i]);
                gb[i] = matmul(a[i], z);
                if (!needsGrad(0)) continue;
                double[][] residual = LinalgKernels.sub(b[i], matmul(a[i], xs[i]));
                ga[i] = LinalgKernels.sub(matmul(residual, transpose(z)), matmul(gb[i], transpose(xs[i])));
            }
            return new INDArray[] {needsGrad(0) ? like(ga, input(0)) : null, needsGrad(1) ? like(gb, input(1)) : null};
        }
    }

    /**
     * The symmetric eigen-decomposition of A [..., n, n] (lower triangle), packed as [..., n + 1, n]:
     * row 0 the ascending eigenvalues λ, rows 1..n the eigenvectors V as columns. {@link #eigh} slices it,
     * so that both parts are differentiable through one op. Backward as PyTorch's:
     * gA = V·(diag(gλ) + F ∘ (VᵀgV − gVᵀV)/2)·Vᵀ with F_ij = 1/(λ_j − λ_i) off the diagonal.
     */
    static final class EighPacked extends Function {
        @Override protected INDArray forward(INDArray... x) {
            double[][][] a = read(x[0]);
            int n = (int) x[0].size(-1);
            double[][][] packed = new double[a.length][][];
            for (int i = 0; i < a.length; i++) {
                LinalgKernels.EighResult e;
                try {
                    e = LinalgKernels.eigh(a[i]);
                } catch (org.apache.commons.math3.exception.MaxCountExceededException ex) {
                    throw new IllegalArgumentException("linalg.eigh: " + batchElement(i, a.length) + "The algorithm failed to "
                            + "converge because the input matrix is ill-conditioned or has too many repeated eigenvalues"
                            + (allFinite(a[i]) ? "" : "; it contains NaN or infinite values"), ex);
                }
                packed[i] = new double[n + 1][];
                packed[i][0] = e.values();
                System.arraycopy(e.vectors(), 0, packed[i], 1, n);
            }
            saveOutput();
            return write(packed, LinalgKernels.batchShape(x[0].shape()), n + 1, n, x[0].dataType());
        }
        @Override protected INDArray[] backward(INDArray g) {
            double[][][] p = read(output()), gp = read(g);
            int n = p.length == 0 ? 0 : p[0][0].length;
            double[][][] ga = new double[p.length][][];
            for (int b = 0; b < p.length; b++) {
                double[] lambda = p[b][0], glambda = gp[b][0];
                double[][] v = Arrays.copyOfRange(p[b], 1, n + 1), gv = Arrays.copyOfRange(gp[b], 1, n + 1);
                double[][] m = matmul(transpose(v), gv);
                double[][] inner = new double[n][n];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        double skew = (m[i][j] - m[j][i]) / 2; // 0 when only the eigenvalues are used: no 0/0 at ties
                        inner[i][j] = i == j ? glambda[i] : skew == 0 ? 0 : skew / (lambda[j] - lambda[i]);
                    }
                }
                ga[b] = matmul(matmul(v, inner), transpose(v));
            }
            return new INDArray[] {write(ga, LinalgKernels.batchShape(g.shape()), n, n, g.dataType())};
        }
    }

    /** As torch.linalg.inv: "linalg.inv: The diagonal element 2 is zero, the inversion could not be completed …". */
    private static IllegalArgumentException singular(String op, String what, LinalgKernels.Lu f, int element, int count) {
        return new IllegalArgumentException(op + ": " + batchElement(element, count) + "The diagonal element " + f.zeroPivot()
                + " is zero, the " + what + " could not be completed because the input matrix is singular.");
    }

    private static boolean allFinite(double[][] m) {
        for (double[] row : m) for (double v : row) if (!Double.isFinite(v)) return false;
        return true;
    }

    private static String batchElement(int i, int count) { return count > 1 ? "(Batch element " + i + "): " : ""; }

    /** Matrices with the batch shape, size and dtype of {@code ref}. */
    private static INDArray like(double[][][] m, INDArray ref) {
        return write(m, LinalgKernels.batchShape(ref.shape()), ref.size(-2), ref.size(-1), ref.dataType());
    }

    // ---------------------------------------------------------------- argument checks and broadcasting

    static Tensor inverse(Tensor a) {
        checkSquare("linalg.inv", a);
        return Function.apply(new Inverse(), a);
    }

    static Tensor det(Tensor a) {
        checkSquare("linalg.det", a);
        return Function.apply(new Det(), a);
    }

    /** torch.linalg.solve(A, B): B is a vector when it is 1-d or A's shape without the last dim. */
    static Tensor solve(Tensor a, Tensor b) {
        checkSquare("linalg.solve", a);
        checkSameDtype("linalg.solve", a, b);
        long[] as = a.shape().toArray();
        boolean vector = b.dim() == 1 || b.dim() == a.dim() - 1 && Arrays.equals(b.shape().toArray(), Arrays.copyOf(as, as.length - 1));
        Tensor bm = vector ? b.unsqueeze(-1) : b;
        long n = as[as.length - 1];
        if (bm.dim() < 2 || bm.size(-2) != n) {
            throw new IllegalArgumentException("linalg.solve: Incompatible shapes of A and B for the equation AX = B ("
                    + shape(a.nd()) + " and " + shape(b.nd()) + "); expected B of shape [..., " + n + ", k] or [" + n + "]");
        }
        Tensor[] ab = broadcastBatch("linalg.solve", a, bm);
        Tensor x = Function.apply(new Solve(), ab[0], ab[1]);
        return vector ? x.squeeze(-1) : x;
    }

    /** torch.linalg.lstsq(A, B).solution for a full-rank A [..., m, n] with m ≥ n; B [..., m, k] or [m]. */
    static Tensor lstsq(Tensor a, Tensor b) {
        checkFloat("linalg.lstsq", a);
        checkSameDtype("linalg.lstsq", a, b);
        if (a.dim() < 2) {
            throw new IllegalArgumentException("linalg.lstsq: A must have at least 2 dimensions, got shape " + a.shape());
        }
        long m = a.size(-2), n = a.size(-1);
        if (m < n) {
            throw new IllegalArgumentException("linalg.lstsq: expected A with at least as many rows as columns (m >= n) for a "
                    + "full-rank least-squares solution, got " + m + "x" + n);
        }
        boolean vector = b.dim() == 1;
        Tensor bm = vector ? b.unsqueeze(-1) : b;
        if (bm.dim() < 2 || bm.size(-2) != m) {
            throw new IllegalArgumentException("linalg.lstsq: A.size(-2) should match B.size(-2): A is " + shape(a.nd())
                    + " and B is " + shape(b.nd()) + "; expected B of shape [..., " + m + ", k] or [" + m + "]");
        }
        Tensor[] ab = broadcastBatch("linalg.lstsq", a, bm);
        Tensor x = Function.apply(new Lstsq(), ab[0], ab[1]);
        return vector ? x.squeeze(-1) : x;
    }

    static Eigh eigh(Tensor a) {
        checkSquare("linalg.eigh", a);
        long n = a.size(-1);
        Tensor packed = Function.apply(new EighPacked(), a);
        return new Eigh(packed.select(-2, 0), packed.narrow(-2, 1, n));
    }

    /** A and B expanded to their common batch shape (autograd sums the gradients back). */
    private static Tensor[] broadcastBatch(String op, Tensor a, Tensor b) {
        long[] as = a.shape().toArray(), bs = b.shape().toArray();
        long[] batch = Broadcast.shape(op, LinalgKernels.batchShape(as), LinalgKernels.batchShape(bs));
        return new Tensor[] {expandBatch(a, batch), expandBatch(b, batch)};
    }

    private static Tensor expandBatch(Tensor t, long[] batch) {
        long[] s = t.shape().toArray();
        long[] target = Arrays.copyOf(batch, batch.length + 2);
        target[batch.length] = s[s.length - 2];
        target[batch.length + 1] = s[s.length - 1];
        return Arrays.equals(s, target) ? t : t.expand(target);
    }

    private static void checkSquare(String op, Tensor a) {
        checkFloat(op, a);
        if (a.dim() < 2) {
            throw new IllegalArgumentException(op + ": The input tensor A must have at least 2 dimensions, got shape "
                    + a.shape());
        }
        if (a.size(-1) != a.size(-2)) {
            throw new IllegalArgumentException(op + ": A must be batches of square matrices, but they are " + a.size(-2) + " by "
                    + a.size(-1) + " matrices (shape " + a.shape() + ")");
        }
    }

    private static void checkFloat(String op, Tensor a) {
        if (!a.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating-point tensor, got " + a.dtype() + "; convert it with .to(DType.FLOAT64)");
        }
    }

    private static void checkSameDtype(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": Expected A and B to have the same dtype, but found A of type " + a.dtype()
                    + " and B of type " + b.dtype() + " instead");
        }
    }

    static INDArray batched(INDArray a, INDArray b, boolean ta, boolean tb) { return BatchedGemm.mm(a, ta, b, tb, 1f); }

    static String shape(INDArray a) {
        long[] s = a.shape();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length; i++) sb.append(i == 0 ? "" : "x").append(s[i]);
        return sb.toString();
    }
}
