package dev.nabla.layers.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nabla.api.DType;
import dev.nabla.api.Tensor;
import dev.nabla.layers.F;
import dev.nabla.layers.LayerNorm;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The kernels' Vector API path ({@link VectorMath}) against their fallback loops: that it is taken exactly when the JVM
 * has the module (surefire's two executions say which through {@code nabla.test.vectorApi}); exp and GELU's Gaussian
 * equal bit for bit; sums, dot products, maxima and LayerNorm's statistics within float32 rounding of a double
 * reference, at lengths around the lane count and the block (0, 1, lanes ± 1, 513, 2049) and at offsets; and softmax,
 * log-softmax, GELU and LayerNorm forward + backward through {@link F} equal on both paths within float32 tolerance, on
 * odd shapes, 1-element rows and non-contiguous inputs, in float32 and float64. (The PyTorch goldens run on both paths
 * in {@link ActivationGoldenTest} and {@link KernelGoldenTest}.)
 */
class VectorPathTest {
    private static final int[] LENGTHS = {0, 1, 3, 7, 15, 16, 17, 31, 33, 64, 100, 511, 513, 1000, 2049};

    @Test void takenExactlyWhenTheModuleIsPresent() {
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        String expected = System.getProperty("nabla.test.vectorApi");
        if (expected != null) assertThat(module).as("surefire's execution: module present").isEqualTo(Boolean.parseBoolean(expected));
        assertThat(Vec.AVAILABLE).isEqualTo(module);
        assertThat(Vec.on()).isEqualTo(module);
        assertThat(Kernels.vectorApi()).isEqualTo(module);
        if (!module) {
            assertThatThrownBy(() -> Vec.useForTests(true)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("--add-modules jdk.incubator.vector");
        }
    }

    private static float[] random(int n, long seed, float scale) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * scale);
        return a;
    }

    private static <T> T on(boolean vector, java.util.function.Supplier<T> body) {
        boolean previous = Vec.useForTests(vector);
        try {
            return body.get();
        } finally {
            Vec.useForTests(previous);
        }
    }

    @Test void expAndGaussianEqualTheFallbackBitForBit() {
        for (boolean vector : Vec.modes()) {
            for (int n : LENGTHS) {
                for (int from : new int[] {0, 3}) {
                    if (from > n) continue;
                    float[] a = random(n, n * 31L + from, 30f);
                    if (n > 5) {
                        a[1] = Float.NaN;
                        a[2] = Float.NEGATIVE_INFINITY;
                        a[3] = -200f;
                        a[4] = 80f;
                        a[5] = -0f;
                    }
                    float[] scalar = new float[n], vec = new float[n], bits = new float[n];
                    on(false, () -> { FastMath.exp(a, scalar, bits, from, n); return null; });
                    on(vector, () -> { FastMath.exp(a, vec, bits, from, n); return null; });
                    for (int i = from; i < n; i++) {
                        assertThat(Float.floatToIntBits(vec[i])).as("exp(%s), n %d, i %d", a[i], n, i).isEqualTo(Float.floatToIntBits(scalar[i]));
                    }
                    on(false, () -> { FastMath.gaussian(a, scalar, bits, from, n); return null; });
                    on(vector, () -> { FastMath.gaussian(a, vec, bits, from, n); return null; });
                    for (int i = from; i < n; i++) {
                        assertThat(Float.floatToIntBits(vec[i])).as("exp(-x²/2) at %s, n %d", a[i], n).isEqualTo(Float.floatToIntBits(scalar[i]));
                    }
                    float shift = n > 0 ? a[0] : 0f;
                    double sScalar = on(false, () -> FastMath.expSum(a, shift, scalar, bits, from, n));
                    double sVec = on(vector, () -> FastMath.expSum(a, shift, vec, bits, from, n));
                    double exact = 0;
                    for (int i = from; i < n; i++) {
                        assertThat(Float.floatToIntBits(vec[i])).as("expSum's exp, n %d", n).isEqualTo(Float.floatToIntBits(scalar[i]));
                        exact += scalar[i];
                    }
                    if (Double.isNaN(exact)) {
                        assertThat(sVec).isNaN();
                        assertThat(sScalar).isNaN();
                    } else {
                        assertThat(sVec).as("expSum, n %d", n).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-6 * Math.abs(exact) + 1e-30));
                    }
                }
            }
        }
    }

    @Test void reductionsAreWithinFloatRoundingOfDouble() {
        for (boolean vector : Vec.modes()) {
            for (int n : LENGTHS) {
                int from = Math.min(n, 2);
                float[] a = random(n, n, 3f), b = random(n, n + 7, 2f);
                double sum = 0, dot = 0, abs = 0, absDot = 0;
                float max = Float.NEGATIVE_INFINITY;
                for (int i = from; i < n; i++) {
                    sum += a[i];
                    abs += Math.abs(a[i]);
                    dot += (double) (a[i] * b[i]);
                    absDot += Math.abs(a[i] * b[i]);
                    max = Math.max(max, a[i]);
                }
                double tol = 1e-6 * Math.max(1, Math.max(abs, absDot));
                assertThat(on(vector, () -> FastMath.sum(a, from, n))).as("sum, n %d", n).isCloseTo(sum, org.assertj.core.data.Offset.offset(tol));
                assertThat(on(vector, () -> FastMath.dot(a, b, from, n))).as("dot, n %d", n).isCloseTo(dot, org.assertj.core.data.Offset.offset(tol));
                assertThat(on(vector, () -> FastMath.max(a, from, n))).as("max, n %d", n).isEqualTo(max);
                if (n > from) {
                    a[n - 1] = Float.NaN;
                    assertThat(on(vector, () -> FastMath.max(a, from, n))).as("max with a NaN last, n %d", n).isNaN();
                    a[n - 1] = 0;
                    a[from] = Float.NaN;
                    assertThat(on(vector, () -> FastMath.max(a, from, n))).as("max with a NaN first, n %d", n).isNaN();
                }
            }
        }
    }

    /** op forward + backward through F on both paths: output and input gradient (and the weight, bias gradients). */
    private static void bothPathsAgree(String what, long[] shape, boolean strided, DType dtype, Function<Tensor, Tensor> op,
                                       Function<Void, Tensor[]> params) {
        double[][] results = new double[2][];
        for (boolean vector : Vec.modes()) {
            double[] r = on(vector, () -> {
                dev.nabla.api.Nabla.manualSeed(11);
                Tensor x0 = Tensor.randn(shape).mul(2).to(dtype);
                Tensor leaf = (strided ? x0.transpose(-1, -2).contiguous() : x0).requiresGrad_();
                Tensor x = strided ? leaf.transpose(-1, -2) : leaf;
                if (strided && shape[shape.length - 1] > 1 && shape[shape.length - 2] > 1) assertThat(x.isContiguous()).isFalse();
                Tensor g = Tensor.randn(shape).to(dtype);
                Tensor y = op.apply(x);
                y.backward(g);
                Tensor dx = strided ? leaf.grad().transpose(-1, -2) : leaf.grad();
                java.util.List<Double> all = new java.util.ArrayList<>();
                for (double v : y.contiguous().toDoubleArray()) all.add(v);
                for (double v : dx.contiguous().toDoubleArray()) all.add(v);
                for (Tensor p : params.apply(null)) {
                    for (double v : p.grad().contiguous().toDoubleArray()) all.add(v);
                    p.setGrad(null);
                }
                return all.stream().mapToDouble(Double::doubleValue).toArray();
            });
            results[vector ? 1 : 0] = r;
        }
        if (results[1] == null) return;   // no module: the fallback ran (and the goldens check it)
        double tol = dtype == DType.FLOAT32 ? 2e-5 : 1e-12;
        assertThat(results[1].length).isEqualTo(results[0].length);
        for (int i = 0; i < results[0].length; i++) {
            double e = results[0][i];
            assertThat(results[1][i]).as("%s %s %s element %d", what, dtype, strided ? "strided" : "", i)
                    .isCloseTo(e, org.assertj.core.data.Offset.offset(tol * Math.max(1, Math.abs(e))));
        }
    }

    private static final long[][] SHAPES = {{3, 5, 17}, {2, 1}, {4, 1, 1}, {2, 3, 33}, {1, 7, 2049}, {5, 129}};

    @Test void softmaxGeluAndLayerNormAgreeOnBothPaths() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (long[] shape : SHAPES) {
                for (boolean strided : new boolean[] {false, true}) {
                    String s = java.util.Arrays.toString(shape);
                    bothPathsAgree("softmax(-1) " + s, shape, strided, dtype, x -> F.softmax(x, -1), v -> new Tensor[0]);
                    bothPathsAgree("softmax(0) " + s, shape, strided, dtype, x -> F.softmax(x, 0), v -> new Tensor[0]);
                    bothPathsAgree("logSoftmax(-1) " + s, shape, strided, dtype, x -> F.logSoftmax(x, -1), v -> new Tensor[0]);
                    bothPathsAgree("gelu " + s, shape, strided, dtype, F::gelu, v -> new Tensor[0]);
                    LayerNorm ln = new LayerNorm(shape[shape.length - 1]);
                    if (dtype == DType.FLOAT64) ln.to(DType.FLOAT64);
                    dev.nabla.api.Grad.noGrad(() -> {
                        ln.weight().copy_(Tensor.randn(shape[shape.length - 1]).to(dtype));
                        ln.bias().copy_(Tensor.randn(shape[shape.length - 1]).to(dtype));
                    });
                    bothPathsAgree("LayerNorm " + s, shape, strided, dtype, ln::forward, v -> new Tensor[] {ln.weight(), ln.bias()});
                }
            }
        }
    }

    /**
     * softmax along the last dimension, forward and backward through {@link F}, equals bit for bit the row arithmetic on
     * heap copies ({@link FastMath#max}, {@link FastMath#expSum}, the scale; {@link FastMath#dot}, y·(g − d)) on each
     * path: on the Vector API path the rows are read and written in place, which must not change a bit. Row widths
     * around the lane count and the block, 1-element rows, and NaN / ±inf / huge entries.
     */
    @Test void softmaxRowsInPlaceEqualTheHeapRowArithmetic() {
        for (boolean vector : Vec.modes()) {
            for (int n : new int[] {1, 3, 7, 8, 9, 16, 17, 33, 128, 129, 513, 2049}) {
                int rows = 5;
                float[] x = random(rows * n, n * 7L + 1, 6f), g = random(rows * n, n * 13L + 2, 1f);
                if (n > 4) {
                    x[1] = 90f;
                    x[n + 2] = Float.NaN;
                    x[2 * n + 3] = Float.NEGATIVE_INFINITY;
                    x[3 * n] = -300f;
                }
                float[][] got = on(vector, () -> {
                    Tensor leaf = Tensor.from(org.nd4j.linalg.factory.Nd4j.createFromArray(x.clone()).reshape(rows, n)).requiresGrad_();
                    Tensor y = F.softmax(leaf, -1);
                    y.backward(Tensor.from(org.nd4j.linalg.factory.Nd4j.createFromArray(g.clone()).reshape(rows, n)));
                    return new float[][] {y.toFloatArray(), leaf.grad().toFloatArray()};
                });
                float[] y = new float[rows * n], dx = new float[rows * n], bits = new float[rows * n];
                on(vector, () -> {
                    for (int r = 0; r < rows; r++) {
                        int from = r * n, to = from + n;
                        float[] h = java.util.Arrays.copyOf(x, x.length);
                        float m = FastMath.max(h, from, to);
                        float inv = (float) (1 / FastMath.expSum(h, m, h, bits, from, to));
                        for (int i = from; i < to; i++) y[i] = h[i] * inv;
                        float d = (float) FastMath.dot(g, y, from, to);
                        for (int i = from; i < to; i++) dx[i] = y[i] * (g[i] - d);
                    }
                    return null;
                });
                for (int i = 0; i < rows * n; i++) {
                    assertThat(Float.floatToIntBits(got[0][i])).as("softmax y, n %d, i %d, vector %s", n, i, vector).isEqualTo(Float.floatToIntBits(y[i]));
                    assertThat(Float.floatToIntBits(got[1][i])).as("softmax dx, n %d, i %d, vector %s", n, i, vector).isEqualTo(Float.floatToIntBits(dx[i]));
                }
            }
        }
    }

    private static final float[] GELU_SPECIALS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1e30f,
            -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, 5.6568f, -5.6568f, 5.66f,
            -5.66f, 12f, -12f, -14f, -20f, 200f, -200f};

    /** x and g for the GELU tests: Gaussians of spread 3 (and 1), with the specials spread over lanes and remainders. */
    private static float[][] geluInputs(int n, long seed) {
        float[] x = random(n, seed, 3f), g = random(n, seed + 1, 1f);
        Random r = new Random(seed + 2);
        for (int k = 0; k < Math.min(n, 40); k++) x[r.nextInt(n)] = GELU_SPECIALS[k % GELU_SPECIALS.length];
        if (n > 2) {
            x[n - 1] = Float.NaN;   // in the remainder
            g[r.nextInt(n)] = Float.NaN;
            g[r.nextInt(n)] = Float.POSITIVE_INFINITY;
            g[r.nextInt(n)] = 0f;
        }
        return new float[][] {x, g};
    }

    /** F.gelu forward and backward, float32 exact, on a 1-d tensor of x with upstream gradient g: {y, dx}. */
    private static float[][] geluThroughF(float[] x, float[] g) {
        Tensor leaf = Tensor.from(org.nd4j.linalg.factory.Nd4j.createFromArray(x.clone()).reshape(x.length)).requiresGrad_();
        Tensor y = F.gelu(leaf);
        y.backward(Tensor.from(org.nd4j.linalg.factory.Nd4j.createFromArray(g.clone()).reshape(g.length)));
        return new float[][] {y.toFloatArray(), leaf.grad().toFloatArray()};
    }

    /**
     * The float32 exact GELU, forward and backward, on the Vector API path (in place on the arrays' memory, Φ and
     * exp lane-wise, the backward fused into one pass) equals the fallback's loops on heap copies bit for bit: every
     * length 1..2049 (around the lane count, its multiples and the remainders), NaN, ±inf, ±0, huge, subnormal and
     * clamp-edge inputs, NaN / inf / 0 gradients; and lengths that split over the threads.
     */
    @Test void geluVectorPathEqualsTheFallbackBitForBit() {
        if (!Vec.AVAILABLE) return;   // no module: only the fallback exists
        java.util.List<Integer> lengths = new java.util.ArrayList<>();
        for (int n = 1; n <= 2049; n++) lengths.add(n);
        lengths.add(3 * (int) Planes.MIN_PER_PART + 5);
        lengths.add(4 * (int) Planes.MIN_PER_PART + 17);
        for (int n : lengths) {
            float[][] in = geluInputs(n, n * 17L + 3);
            float[][] scalar = on(false, () -> geluThroughF(in[0], in[1]));
            float[][] vec = on(true, () -> geluThroughF(in[0], in[1]));
            for (int i = 0; i < n; i++) {
                if (Float.floatToIntBits(vec[0][i]) != Float.floatToIntBits(scalar[0][i])) {
                    assertThat(vec[0][i]).as("gelu(%s), n %d, i %d", in[0][i], n, i).isEqualTo(scalar[0][i]);
                }
                if (Float.floatToIntBits(vec[1][i]) != Float.floatToIntBits(scalar[1][i])) {
                    assertThat(vec[1][i]).as("gelu'(%s)·%s, n %d, i %d", in[0][i], in[1][i], n, i).isEqualTo(scalar[1][i]);
                }
            }
        }
    }

    /** The lane-wise GELU kernels at offsets and empty ranges equal the scalar forms bit for bit. */
    @Test void geluKernelsAtOffsetsEqualTheScalarForms() {
        if (!Vec.AVAILABLE) return;
        int n = 300;
        float[][] in = geluInputs(n, 5);
        java.nio.ByteBuffer xb = java.nio.ByteBuffer.allocateDirect(4 * n).order(java.nio.ByteOrder.nativeOrder());
        java.nio.ByteBuffer gb = java.nio.ByteBuffer.allocateDirect(4 * n).order(java.nio.ByteOrder.nativeOrder());
        java.nio.ByteBuffer ob = java.nio.ByteBuffer.allocateDirect(4 * n).order(java.nio.ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            xb.putFloat(4 * i, in[0][i]);
            gb.putFloat(4 * i, in[1][i]);
        }
        for (int[] r : new int[][] {{0, 0}, {5, 5}, {3, 4}, {1, 10}, {7, 300}, {13, 290}}) {
            for (int i = 0; i < n; i++) ob.putFloat(4 * i, 42f);
            VectorMath.gelu(xb, ob, r[0], r[1]);
            for (int i = 0; i < n; i++) {
                float want = i >= r[0] && i < r[1] ? GeluFunction.gelu32(in[0][i]) : 42f;
                assertThat(Float.floatToIntBits(ob.getFloat(4 * i))).as("gelu [%d, %d) at %d", r[0], r[1], i).isEqualTo(Float.floatToIntBits(want));
            }
            for (int i = 0; i < n; i++) ob.putFloat(4 * i, 42f);
            VectorMath.geluGrad(xb, gb, ob, r[0], r[1]);
            for (int i = 0; i < n; i++) {
                float want = i >= r[0] && i < r[1] ? GeluFunction.geluGrad32(in[0][i], in[1][i]) : 42f;
                assertThat(Float.floatToIntBits(ob.getFloat(4 * i))).as("gelu' [%d, %d) at %d", r[0], r[1], i).isEqualTo(Float.floatToIntBits(want));
            }
        }
    }

    @Test void geluOfAnEmptyTensorOnBothPaths() {
        for (boolean vector : Vec.modes()) for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor leaf = Tensor.zeros(dtype, 0).requiresGrad_();
            Tensor y = on(vector, () -> {
                Tensor out = F.gelu(leaf);
                out.backward(Tensor.zeros(dtype, 0));
                return out;
            });
            assertThat(y.numel()).isZero();
            assertThat(leaf.grad().numel()).isZero();
        }
    }

    /** LayerNorm forward + backward through F: y, dx, dW, db in float32, on the path chosen now. */
    private static float[][] layerNorm(float[] x, float[] g, float[] w, float[] b, int rows, int d, boolean strided) {
        Tensor base = Tensor.from(org.nd4j.linalg.factory.Nd4j.createFromArray(x.clone()).reshape(strided ? new long[] {d, rows} : new long[] {rows, d}));
        Tensor leaf = base.requiresGrad_(), in = strided ? leaf.transpose(0, 1) : leaf;
        Tensor wt = w == null ? null : Tensor.from(org.nd4j.linalg.factory.Nd4j.createFromArray(w.clone())).requiresGrad_();
        Tensor bt = b == null ? null : Tensor.from(org.nd4j.linalg.factory.Nd4j.createFromArray(b.clone())).requiresGrad_();
        Tensor y = F.layerNorm(in, new long[] {d}, wt, bt, 1e-5);
        y.backward(Tensor.from(org.nd4j.linalg.factory.Nd4j.createFromArray(g.clone()).reshape(rows, d)));
        Tensor dx = strided ? leaf.grad().transpose(0, 1) : leaf.grad();
        return new float[][] {y.contiguous().toFloatArray(), dx.contiguous().toFloatArray(), wt == null ? new float[0] : wt.grad().toFloatArray(),
                bt == null ? new float[0] : bt.grad().toFloatArray()};
    }

    private static float[][] layerNorm(boolean vector, boolean heap, float[] x, float[] g, float[] w, float[] b, int rows, int d, boolean strided) {
        boolean previous = LayerNormFunction.heapForTests(heap);
        try {
            return on(vector, () -> layerNorm(x, g, w, b, rows, d, strided));
        } finally {
            LayerNormFunction.heapForTests(previous);
        }
    }

    /**
     * LayerNorm float32 on the Vector API path read and written in place ({@link LayerNormF32#forwardInPlace},
     * {@link LayerNormF32#backwardInPlace}) equals bit for bit the Vector API sums over heap copies of the rows (same
     * arithmetic, same order, the row in the same chunks), for every width 1..600 and some past the block and the chunk
     * (also with a small chunk), with and without weight and bias, contiguous and not, with a large offset in the data
     * (the shift by the row's first element); and agrees with the fallback loops within 2e-5·max(1, |v|): the paths
     * differ only in the order of the float sums (blocks of ≤ {@link LayerNormF32#BLOCK} terms, carried in double: float
     * lanes here, eight scalar chains there), each within about (terms per chain)·2⁻²⁴ of its sum of magnitudes, so the
     * statistics, and through rstd every output, differ by up to ~1e-5 relative (measured worst 1.05e-5, a weight
     * gradient at width 558; typically 1e-7).
     */
    @Test void layerNormInPlaceEqualsTheHeapPathBitForBit() {
        if (!Vec.AVAILABLE) return;
        java.util.List<int[]> cases = new java.util.ArrayList<>();   // {width, chunk (0: default), rows (0: 5, or 3 past 600)}
        for (int d = 1; d <= 600; d++) cases.add(new int[] {d, 0, 0});
        for (int d : new int[] {1023, 1024, 2047, 2049, 4100}) cases.add(new int[] {d, 0, 0});
        for (int d : new int[] {9, 100, 601}) cases.add(new int[] {d, 8, 0});
        cases.add(new int[] {1000, 96, 0});
        // many rows: the backward's row pairs across the float flushes of the weight and bias gradients, and over two
        // threads' parts (an odd first row in the second part)
        for (int d : new int[] {1, 17, 256}) cases.add(new int[] {d, 0, 303});
        cases.add(new int[] {33, 16, 75});
        double worst = 0;
        String worstAt = "";
        for (int[] c : cases) {
            int d = c[0], rows = c[2] > 0 ? c[2] : d > 600 ? 3 : 5;
            int previousChunk = c[1] > 0 ? Mem.chunkForTests(c[1]) : Mem.chunk();
            try {
                float[] x = random(rows * d, d * 3L + 1, 2f), g = random(rows * d, d * 5L + 2, 1f);
                if (d % 7 == 3) for (int i = 0; i < x.length; i++) x[i] += 1000f;
                float[] w = random(d, d + 3L, 1f), b = random(d, d + 4L, 1f);
                for (int affine = 0; affine < 4; affine++) {
                    float[] wa = (affine & 1) != 0 ? w : null, ba = (affine & 2) != 0 ? b : null;
                    boolean strided = (d + affine) % 3 == 0;
                    String what = "d " + d + " chunk " + c[1] + " affine " + affine + (strided ? " strided" : "");
                    float[][] inPlace = layerNorm(true, false, x, g, wa, ba, rows, d, strided);
                    float[][] heap = layerNorm(true, true, x, g, wa, ba, rows, d, strided);
                    float[][] scalar = layerNorm(false, false, x, g, wa, ba, rows, d, strided);
                    for (int k = 0; k < 4; k++) {
                        assertThat(inPlace[k].length).isEqualTo(heap[k].length);
                        for (int i = 0; i < heap[k].length; i++) {
                            if (Float.floatToIntBits(inPlace[k][i]) != Float.floatToIntBits(heap[k][i])) {
                                throw new AssertionError(what + ", output " + k + " element " + i + ": in place " + inPlace[k][i] + " heap " + heap[k][i]);
                            }
                            double e = scalar[k][i], dev = Math.abs(inPlace[k][i] - e) / Math.max(1, Math.abs(e));
                            if (dev > worst) {
                                worst = dev;
                                worstAt = what + " output " + k + " element " + i;
                            }
                            assertThat(dev).as("%s, output %d element %d vs fallback %s", what, k, i, e).isLessThanOrEqualTo(2e-5);
                        }
                    }
                }
            } finally {
                Mem.chunkForTests(previousChunk);
            }
        }
        System.out.printf("VectorPathTest: LayerNorm in place vs fallback, worst relative difference %.3g (%s)%n", worst, worstAt);
    }
}
