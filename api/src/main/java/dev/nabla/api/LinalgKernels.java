package dev.nabla.api;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Float64 dense-matrix routines behind {@link LinalgOps}, on {@code double[rows][cols]} matrices:
 * LU with partial pivoting (ours, so that a zero pivot is reported as LAPACK's getrf does),
 * commons-math3 for the QR, symmetric eigen and SVD decompositions.
 */
final class LinalgKernels {
    private LinalgKernels() {}

    // ---------------------------------------------------------------- ND4J <-> double[][]

    /** The matrices of an array of shape [..., rows, cols], in row-major batch order, as float64. */
    static double[][][] read(INDArray a) {
        long[] s = a.shape();
        int rows = (int) s[s.length - 2], cols = (int) s[s.length - 1];
        int count = (int) batchCount(s);
        double[] flat = doubles(a);
        double[][][] m = new double[count][rows][cols];
        for (int b = 0, k = 0; b < count; b++) {
            for (int i = 0; i < rows; i++, k += cols) System.arraycopy(flat, k, m[b][i], 0, cols);
        }
        return m;
    }

    /** The elements in row-major order, as float64. */
    static double[] doubles(INDArray a) {
        return a.length() == 0 ? new double[0] : a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    /** An array of shape {@code batch + [rows, cols]} and dtype {@code type} holding the matrices. */
    static INDArray write(double[][][] m, long[] batch, long rows, long cols, DataType type) {
        long[] shape = Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = rows;
        shape[batch.length + 1] = cols;
        double[] flat = new double[(int) (m.length * rows * cols)];
        int k = 0;
        for (double[][] mat : m) for (double[] row : mat) for (double v : row) flat[k++] = v;
        return create(flat, shape, type);
    }

    /** An array of the given shape (row-major) and dtype. */
    static INDArray create(double[] flat, long[] shape, DataType type) {
        INDArray r = shape.length == 0 ? Nd4j.scalar(flat[0]) : Nd4j.create(flat, shape, 'c');
        return r.castTo(type);
    }

    static long[] batchShape(long[] shape) { return Arrays.copyOf(shape, shape.length - 2); }

    static long batchCount(long[] shape) {
        long n = 1;
        for (int i = 0; i < shape.length - 2; i++) n *= shape[i];
        return n;
    }

    // ---------------------------------------------------------------- basic matrix algebra

    static double[][] matmul(double[][] a, double[][] b) {
        int n = a.length, k = b.length, m = k == 0 ? 0 : b[0].length;
        double[][] c = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < k; p++) {
                double v = a[i][p];
                if (v != 0) for (int j = 0; j < m; j++) c[i][j] += v * b[p][j];
            }
        }
        return c;
    }

    static double[][] transpose(double[][] a) {
        int n = a.length, m = n == 0 ? 0 : a[0].length;
        double[][] t = new double[m][n];
        for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) t[j][i] = a[i][j];
        return t;
    }

    static double[][] scale(double[][] a, double c) {
        double[][] r = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i].clone();
            for (int j = 0; j < r[i].length; j++) r[i][j] *= c;
        }
        return r;
    }

    static double[][] sub(double[][] a, double[][] b) {
        double[][] r = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i].clone();
            for (int j = 0; j < r[i].length; j++) r[i][j] -= b[i][j];
        }
        return r;
    }

    static double[][] eye(int n) {
        double[][] e = new double[n][n];
        for (int i = 0; i < n; i++) e[i][i] = 1;
        return e;
    }

    // ---------------------------------------------------------------- LU

    /**
     * P·A = L·U with unit lower L and U packed in {@code lu}; {@code perm[i]} is the row of A in row i.
     * {@code zeroPivot} is the 1-based index of the first exactly zero diagonal element of U, or 0.
     */
    record Lu(double[][] lu, int[] perm, int sign, int zeroPivot) {
        boolean singular() { return zeroPivot > 0; }

        double det() {
            double d = sign;
            for (int i = 0; i < lu.length; i++) d *= lu[i][i];
            return d;
        }
    }

    static Lu lu(double[][] a) {
        int n = a.length;
        double[][] lu = new double[n][];
        for (int i = 0; i < n; i++) lu[i] = a[i].clone();
        int[] perm = IntStream.range(0, n).toArray();
        int sign = 1, zero = 0;
        for (int k = 0; k < n; k++) {
            int p = k;
            for (int i = k + 1; i < n; i++) if (Math.abs(lu[i][k]) > Math.abs(lu[p][k])) p = i;
            if (p != k) {
                double[] row = lu[p]; lu[p] = lu[k]; lu[k] = row;
                int t = perm[p]; perm[p] = perm[k]; perm[k] = t;
                sign = -sign;
            }
            double pivot = lu[k][k];
            if (pivot == 0) {
                if (zero == 0) zero = k + 1;
                continue;
            }
            for (int i = k + 1; i < n; i++) {
                double f = lu[i][k] /= pivot;
                if (f != 0) for (int j = k + 1; j < n; j++) lu[i][j] -= f * lu[k][j];
            }
        }
        return new Lu(lu, perm, sign, zero);
    }

    /** X with A·X = B, for a nonsingular {@code lu} of A and B of shape [n, k]. */
    static double[][] luSolve(Lu f, double[][] b) {
        int n = f.lu.length, k = n == 0 ? 0 : b[0].length;
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) x[i] = b[f.perm[i]].clone();
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < i; p++) {
                double l = f.lu[i][p];
                if (l != 0) for (int j = 0; j < k; j++) x[i][j] -= l * x[p][j];
            }
        }
        for (int i = n - 1; i >= 0; i--) {
            for (int p = i + 1; p < n; p++) {
                double u = f.lu[i][p];
                if (u != 0) for (int j = 0; j < k; j++) x[i][j] -= u * x[p][j];
            }
            for (int j = 0; j < k; j++) x[i][j] /= f.lu[i][i];
        }
        return x;
    }

    /**
     * The cofactor matrix of A (the gradient of det(A)): det(A)·A⁻ᵀ when A is nonsingular, else from
     * the SVD A = U Σ Vᵀ as det(U)·det(V)·U·adj(Σ)·Vᵀ, which stays right at singular matrices.
     */
    static double[][] cofactor(double[][] a, Lu f) {
        int n = a.length;
        if (!f.singular()) return transpose(scale(luSolve(f, eye(n)), f.det()));
        SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(a));
        double[][] u = svd.getU().getData(), v = svd.getV().getData();
        double[] s = svd.getSingularValues();
        double c = lu(u).det() * lu(v).det();
        double[][] us = new double[n][n];
        for (int j = 0; j < n; j++) {
            double adj = c;
            for (int i = 0; i < n; i++) if (i != j) adj *= s[i];
            for (int i = 0; i < n; i++) us[i][j] = u[i][j] * adj;
        }
        return matmul(us, transpose(v));
    }

    // ---------------------------------------------------------------- QR least squares

    /** The R factor (n×n) of A = QR, or null when A (m ≥ n) is rank-deficient to working precision. */
    static double[][] qrR(double[][] a) {
        int m = a.length, n = a[0].length;
        double[][] r = new QRDecomposition(new Array2DRowRealMatrix(a)).getR().getData();
        double max = 0, min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, Math.abs(r[i][i]));
            min = Math.min(min, Math.abs(r[i][i]));
        }
        if (!(min > Math.max(m, n) * Math.ulp(1.0) * max)) return null;
        return Arrays.copyOf(r, n);
    }

    /** The least-squares solution of A·X ≈ B for a full-rank A (m ≥ n); B of shape [m, k]. */
    static double[][] lstsq(double[][] a, double[][] b) {
        RealMatrix x = new QRDecomposition(new Array2DRowRealMatrix(a)).getSolver().solve(new Array2DRowRealMatrix(b));
        return x.getData();
    }

    /** Z with (RᵀR)·Z = G, for an upper-triangular nonsingular R. */
    static double[][] normalSolve(double[][] r, double[][] g) {
        int n = r.length, k = n == 0 ? 0 : g[0].length;
        double[][] z = new double[n][];
        for (int i = 0; i < n; i++) {             // Rᵀ y = g
            z[i] = g[i].clone();
            for (int p = 0; p < i; p++) for (int j = 0; j < k; j++) z[i][j] -= r[p][i] * z[p][j];
            for (int j = 0; j < k; j++) z[i][j] /= r[i][i];
        }
        for (int i = n - 1; i >= 0; i--) {        // R z = y
            for (int p = i + 1; p < n; p++) for (int j = 0; j < k; j++) z[i][j] -= r[i][p] * z[p][j];
            for (int j = 0; j < k; j++) z[i][j] /= r[i][i];
        }
        return z;
    }

    // ---------------------------------------------------------------- symmetric eigen

    /** Eigenvalues in ascending order and the matching orthonormal eigenvectors as columns. */
    record EighResult(double[] values, double[][] vectors) {}

    /** The eigen-decomposition of the symmetric matrix whose lower triangle is that of {@code a}. */
    static EighResult eigh(double[][] a) {
        int n = a.length;
        if (n == 0) return new EighResult(new double[0], new double[0][0]);
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j <= i; j++) s[i][j] = s[j][i] = a[i][j];
        EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(s, false));
        double[] raw = e.getRealEigenvalues();
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> raw[i]));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int c = 0; c < n; c++) {
            values[c] = raw[order[c]];
            double[] v = e.getEigenvector(order[c]).toArray();
            for (int i = 0; i < n; i++) vectors[i][c] = v[i];
        }
        return new EighResult(values, vectors);
    }
}
