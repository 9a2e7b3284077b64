package dev.nabla.layers.kernels;

import dev.nabla.api.Blas;
import dev.nabla.api.Function;
import dev.nabla.api.Pool;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Layer normalisation over the last dimensions as one op, float32 (computed in float, {@link LayerNormF32}) or float64
 * (computed in double): inputs x [*, D…], then the weight and the bias [D…] when given. Each row of D elements is read
 * once (rows up to the chunk stay on the heap for both passes): mean and biased variance, then
 * y = (x − mean)·rstd·w + b. The backward per row: dx = rstd·(g·w − mean(g·w) − x̂·mean(g·w·x̂)), and dw = Σ g·x̂,
 * db = Σ g over the rows, written straight into the parameters' .grad when they have one. Rows split over the threads.
 * float32 on the Vector API path reads and writes the arrays in place ({@link LayerNormF32#forwardInPlace}).
 *
 * <p>Internal: public only for {@code dev.nabla.layers}; not part of the public API.
 */
public final class LayerNormFunction extends Function {
    private final int d;
    private final double eps;
    private final boolean weight, bias;
    private double[] mean, rstd;

    /** {@code d}: the number of elements normalised together (the product of the normalised dims). */
    public LayerNormFunction(long d, double eps, boolean weight, boolean bias) {
        this.d = (int) d;
        this.eps = eps;
        this.weight = weight;
        this.bias = bias;
    }

    /** Whether this op takes these arrays (weight, bias may be null): float32 or float64, one dtype, int-indexable. */
    public static boolean applies(INDArray x, INDArray weight, INDArray bias) {
        return Mem.supported(x) && x.length() > 0 && (weight == null || weight.dataType() == x.dataType())
                && (bias == null || bias.dataType() == x.dataType());
    }

    private static double[] vector(INDArray a) { return a == null ? null : Blas.denseC(a).castTo(DataType.DOUBLE).reshape(-1).toDoubleVector(); }

    @Override protected INDArray forward(INDArray... in) {
        INDArray x = Blas.denseC(in[0]);
        if (x.dataType() == DataType.FLOAT) return forward32(x, in);
        int rows = (int) (x.length() / d);
        double[] w = weight ? vector(in[1]) : null, b = bias ? vector(in[weight ? 2 : 1]) : null;
        mean = new double[rows];
        rstd = new double[rows];
        INDArray y = Pool.uninitialized(x.dataType(), x.shape());
        int parts = Blas.parts(x.length(), Planes.MIN_PER_PART);
        Blas.parallel(parts, part -> {
            Mem.Access xa = Mem.access(x), ya = Mem.access(y);
            int chunk = Mem.chunk();
            double[] h = Mem.d(0, Math.max(chunk, d <= chunk ? chunk : 0));
            int r0 = (int) ((long) rows * part / parts), r1 = (int) ((long) rows * (part + 1) / parts);
            if (d <= chunk) {
                int per = chunk / d;
                for (int r = r0; r < r1; r += per) {
                    int count = Math.min(per, r1 - r), len = count * d;
                    xa.get(r * d, h, 0, len);
                    for (int i = 0; i < count; i++) {
                        int off = i * d;
                        double m = meanOf(h, off, d), v = sqDev(h, off, d, m) / d, s = 1 / Math.sqrt(v + eps);
                        mean[r + i] = m;
                        rstd[r + i] = s;
                        normalize(h, off, d, m, s, w, b, 0);
                    }
                    ya.put(r * d, h, 0, len);
                }
            } else {
                for (int r = r0; r < r1; r++) {
                    int base = r * d;
                    xa.get(base, h, 0, 1);
                    double k = h[0], s1 = 0, s2 = 0;
                    for (int off = 0; off < d; off += chunk) {
                        int len = Math.min(chunk, d - off);
                        xa.get(base + off, h, 0, len);
                        double m = meanOf(h, 0, len);
                        s1 += (m - k) * len;
                        s2 += sqDev(h, 0, len, m) + len * (m - k) * (m - k);
                    }
                    double dm = s1 / d, m = k + dm, s = 1 / Math.sqrt(Math.max(0, s2 / d - dm * dm) + eps);
                    mean[r] = m;
                    rstd[r] = s;
                    for (int off = 0; off < d; off += chunk) {
                        int len = Math.min(chunk, d - off);
                        xa.get(base + off, h, 0, len);
                        normalize(h, 0, len, m, s, w, b, off);
                        ya.put(base + off, h, 0, len);
                    }
                }
            }
        });
        return y;
    }

    private INDArray forward32(INDArray x, INDArray[] in) {
        int rows = (int) (x.length() / d);
        float[] w = weight ? Heap.floats(in[1]) : filled(1), b = bias ? Heap.floats(in[weight ? 2 : 1]) : filled(0);
        mean = new double[rows];
        rstd = new double[rows];
        INDArray y = Pool.uninitialized(DataType.FLOAT, x.shape());
        int parts = Blas.parts(x.length(), Planes.MIN_PER_PART);
        if (inPlace(x)) {
            Blas.parallel(parts, part -> LayerNormF32.forwardInPlace(Mem.bytes(x), Mem.bytes(y), (int) ((long) rows * part / parts),
                    (int) ((long) rows * (part + 1) / parts), d, eps, w, b, mean, rstd));
        } else {
            Blas.parallel(parts, part -> LayerNormF32.forward(Blas.floats(x), Blas.floats(y), (int) ((long) rows * part / parts),
                    (int) ((long) rows * (part + 1) / parts), d, eps, w, b, mean, rstd));
        }
        return y;
    }

    private static volatile boolean heapForTests;

    /** For tests: takes the heap-copy float32 path even when the Vector API is on; returns the previous choice. */
    static boolean heapForTests(boolean heap) {
        boolean previous = heapForTests;
        heapForTests = heap;
        return previous;
    }

    /** Whether the float32 passes run on the Vector API in place in the arrays' memory ({@link LayerNormF32#forwardInPlace}). */
    private static boolean inPlace(INDArray x) { return Vec.on() && !heapForTests && Mem.byteIndexable(x.length()); }

    private float[] filled(float v) {
        float[] a = new float[d];
        if (v != 0) java.util.Arrays.fill(a, v);
        return a;
    }

    private INDArray[] backward32(INDArray x, INDArray g) {
        int rows = (int) (x.length() / d);
        float[] w = weight ? Heap.floats(input(1)) : filled(1);
        boolean dxNeeded = needsGrad(0), dwNeeded = weight && needsGrad(1), dbNeeded = bias && needsGrad(weight ? 2 : 1);
        INDArray dx = dxNeeded ? Pool.uninitialized(DataType.FLOAT, x.shape()) : null;
        int parts = Blas.parts(x.length(), Planes.MIN_PER_PART);
        double[][] dwPart = new double[parts][], dbPart = new double[parts][];
        boolean inPlace = inPlace(x);
        Blas.parallel(parts, part -> {
            double[] dw = dwNeeded ? new double[d] : null, db = dbNeeded ? new double[d] : null;
            int r0 = (int) ((long) rows * part / parts), r1 = (int) ((long) rows * (part + 1) / parts);
            if (inPlace) {
                LayerNormF32.backwardInPlace(Mem.bytes(x), Mem.bytes(g), dx == null ? null : Mem.bytes(dx), r0, r1, d, w, mean, rstd, dw, db);
            } else {
                LayerNormF32.backward(Blas.floats(x), Blas.floats(g), dx == null ? null : Blas.floats(dx), r0, r1, d, w, mean, rstd, dw, db);
            }
            dwPart[part] = dw;
            dbPart[part] = db;
        });
        INDArray dW = dwNeeded ? paramGrad(1, dwPart) : null;
        INDArray dB = dbNeeded ? paramGrad(weight ? 2 : 1, dbPart) : null;
        return grads(dx, dW, dB);
    }

    /**
     * The gradient of parameter input {@code i} from per-part sums: written into its .grad when that can be done in
     * place (null returned), else a new array.
     */
    private INDArray paramGrad(int i, double[][] parts) {
        double[] t = parts[0];
        for (int p = 1; p < parts.length; p++) for (int j = 0; j < t.length; j++) t[j] += parts[p][j];
        float[] v = Heap.narrow(t);
        long[] shape = inputShape(i);
        return gradInPlace(i, shape, (target, beta) -> Heap.writeGrad(target, beta, v)) ? null : Heap.array(v, shape);
    }

    private INDArray[] grads(INDArray dx, INDArray dW, INDArray dB) {
        if (weight && bias) return new INDArray[] {dx, dW, dB};
        if (weight) return new INDArray[] {dx, dW};
        if (bias) return new INDArray[] {dx, dB};
        return new INDArray[] {dx};
    }

    @Override protected INDArray[] backward(INDArray gOut) {
        INDArray x = Blas.denseC(input(0));
        INDArray g = Blas.denseC(gOut.dataType() == x.dataType() ? gOut : gOut.castTo(x.dataType()));
        if (x.dataType() == DataType.FLOAT) return backward32(x, g);
        int rows = (int) (x.length() / d);
        double[] w = weight ? vector(input(1)) : null;
        boolean dxNeeded = needsGrad(0), dwNeeded = weight && needsGrad(1), dbNeeded = bias && needsGrad(weight ? 2 : 1);
        INDArray dx = dxNeeded ? Pool.uninitialized(x.dataType(), x.shape()) : null;
        int parts = Blas.parts(x.length(), Planes.MIN_PER_PART);
        double[][] dwPart = new double[parts][], dbPart = new double[parts][];
        Blas.parallel(parts, part -> {
            Mem.Access xa = Mem.access(x), ga = Mem.access(g), da = dx == null ? null : Mem.access(dx);
            int chunk = Math.min(Mem.chunk(), d);
            double[] hx = Mem.d(0, chunk), hg = Mem.d(1, chunk);
            double[] dw = dwNeeded ? new double[d] : null, db = dbNeeded ? new double[d] : null;
            double[] ab = new double[2];
            int r0 = (int) ((long) rows * part / parts), r1 = (int) ((long) rows * (part + 1) / parts);
            for (int r = r0; r < r1; r++) {
                int base = r * d;
                double m = mean[r], s = rstd[r], a = 0, bsum = 0;
                boolean resident = d <= chunk;   // the row stays in hx, hg between the passes
                for (int off = 0; off < d; off += chunk) {
                    int len = Math.min(chunk, d - off);
                    xa.get(base + off, hx, 0, len);
                    ga.get(base + off, hg, 0, len);
                    rowSums(hx, hg, len, m, s, w, off, dw, db, ab);
                    a += ab[0];
                    bsum += ab[1];
                }
                if (da == null) continue;
                double ca = a / d, cb = bsum / d;
                for (int off = 0; off < d; off += chunk) {
                    int len = Math.min(chunk, d - off);
                    if (!resident) {
                        xa.get(base + off, hx, 0, len);
                        ga.get(base + off, hg, 0, len);
                    }
                    inputGrad(hx, hg, len, m, s, w, off, ca, cb);
                    da.put(base + off, hg, 0, len);
                }
            }
            dwPart[part] = dw;
            dbPart[part] = db;
        });
        INDArray dW = dwNeeded ? sum(dwPart, x.dataType(), input(1).shape()) : null;
        INDArray dB = dbNeeded ? sum(dbPart, x.dataType(), input(weight ? 2 : 1).shape()) : null;
        return grads(dx, dW, dB);
    }

    private static INDArray sum(double[][] parts, DataType type, long[] shape) {
        double[] t = parts[0];
        for (int p = 1; p < parts.length; p++) for (int j = 0; j < t.length; j++) t[j] += parts[p][j];
        return Nd4j.createFromArray(t).castTo(type).reshape(shape);
    }

    // ---------------------------------------------------------------- inner loops

    private static double meanOf(double[] h, int off, int len) {
        double s0 = 0, s1 = 0;
        int i = off, end = off + len;
        for (; i + 1 < end; i += 2) { s0 += h[i]; s1 += h[i + 1]; }
        if (i < end) s0 += h[i];
        return (s0 + s1) / len;
    }

    private static double sqDev(double[] h, int off, int len, double m) {
        double s0 = 0, s1 = 0;
        int i = off, end = off + len;
        for (; i + 1 < end; i += 2) {
            double a = h[i] - m, b = h[i + 1] - m;
            s0 += a * a;
            s1 += b * b;
        }
        if (i < end) s0 += (h[i] - m) * (h[i] - m);
        return s0 + s1;
    }

    /** h[off + j] = (h − m)·s·w[wOff + j] + b[wOff + j] (w, b may be null). */
    private static void normalize(double[] h, int off, int len, double m, double s, double[] w, double[] b, int wOff) {
        if (w == null && b == null) {
            for (int j = 0; j < len; j++) h[off + j] = (h[off + j] - m) * s;
        } else if (b == null) {
            for (int j = 0; j < len; j++) h[off + j] = (h[off + j] - m) * s * w[wOff + j];
        } else if (w == null) {
            for (int j = 0; j < len; j++) h[off + j] = (h[off + j] - m) * s + b[wOff + j];
        } else {
            for (int j = 0; j < len; j++) h[off + j] = (h[off + j] - m) * s * w[wOff + j] + b[wOff + j];
        }
    }

    /** ab = {Σ g·w, Σ g·w·x̂} over the chunk; dw += g·x̂, db += g. */
    private static void rowSums(double[] x, double[] g, int len, double m, double s, double[] w, int wOff, double[] dw, double[] db, double[] ab) {
        double a = 0, b = 0;
        for (int j = 0; j < len; j++) {
            double xh = (x[j] - m) * s, gw = w == null ? g[j] : g[j] * w[wOff + j];
            a += gw;
            b += gw * xh;
        }
        if (dw != null) for (int j = 0; j < len; j++) dw[wOff + j] += g[j] * (x[j] - m) * s;
        if (db != null) for (int j = 0; j < len; j++) db[wOff + j] += g[j];
        ab[0] = a;
        ab[1] = b;
    }

    /** g[j] = s·(g·w − ca − x̂·cb). */
    private static void inputGrad(double[] x, double[] g, int len, double m, double s, double[] w, int wOff, double ca, double cb) {
        if (w == null) {
            for (int j = 0; j < len; j++) g[j] = s * (g[j] - ca - (x[j] - m) * s * cb);
        } else {
            for (int j = 0; j < len; j++) g[j] = s * (g[j] * w[wOff + j] - ca - (x[j] - m) * s * cb);
        }
    }

    @Override public String name() { return "LayerNormBackward"; }

    @Override protected String profileName() { return "LayerNorm"; }
}
