package dev.nabla.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The GEMM floor of a training step: the matrix products its forward and backward need (convolutions as im2col
 * products, Linear layers, attention's batched products), each timed alone as one float32 sgemm at its sizes, the
 * faster of ND4J's {@code Nd4j.gemm} and the framework's {@link dev.nabla.api.Gemm} (OpenBLAS's cblas_sgemm on the
 * arrays' memory, split over Nabla's threads; on 2048×256 · 256×1024 about 190 GFLOP/s against ND4J's 100); the sum is
 * the time a step cannot beat with these GEMMs, whatever else it does. (Until the seventeenth round it timed ND4J's
 * alone, which put the floor at about twice the time of the products Nabla runs.)
 */
public final class GemmFloor {
    private GemmFloor() {}

    /** {@code count} products of an [m, k] by a [k, n] matrix. */
    public record Mm(String what, long m, long n, long k, long count) {
        public double flops() { return 2.0 * m * n * k * count; }
    }

    /** A convolution's three products (forward; weight gradient; input gradient unless {@code first}). */
    static void conv(List<Mm> l, String what, int batch, int cin, int cout, int kernel, int out, boolean first) {
        long cols = (long) batch * out * out, patch = (long) cin * kernel * kernel;
        l.add(new Mm(what + " forward", cout, cols, patch, 1));
        l.add(new Mm(what + " weight grad", cout, patch, cols, 1));
        if (!first) l.add(new Mm(what + " input grad", patch, cols, cout, 1));
    }

    static void linear(List<Mm> l, String what, long rows, long in, long out, long count) {
        l.add(new Mm(what + " forward", rows, out, in, count));
        l.add(new Mm(what + " weight grad", out, in, rows, count));
        l.add(new Mm(what + " input grad", rows, in, out, count));
    }

    /** ResNet-20 (projection shortcuts) at 32×32. */
    public static List<Mm> resnet20(int batch) {
        List<Mm> l = new ArrayList<>();
        conv(l, "conv 3->16 3x3 @32", batch, 3, 16, 3, 32, true);
        int[] channels = {16, 32, 64}, size = {32, 16, 8};
        for (int s = 0; s < 3; s++) {
            int c = channels[s], in = s == 0 ? 16 : channels[s - 1], o = size[s];
            conv(l, "stage " + (s + 1) + " first conv " + in + "->" + c + " @" + o, batch, in, c, 3, o, false);
            l.addAll(times(5, convs(batch, c, c, 3, o, "stage " + (s + 1) + " conv " + c + "->" + c + " @" + o)));
            if (s > 0) conv(l, "stage " + (s + 1) + " shortcut 1x1 " + in + "->" + c, batch, in, c, 1, o, false);
        }
        linear(l, "fc 64->10", batch, 64, 10, 1);
        return merge(l);
    }

    private static List<Mm> convs(int batch, int cin, int cout, int k, int o, String what) {
        List<Mm> l = new ArrayList<>();
        conv(l, what, batch, cin, cout, k, o, false);
        return l;
    }

    private static List<Mm> times(int n, List<Mm> l) {
        List<Mm> r = new ArrayList<>();
        for (Mm m : l) r.add(new Mm(m.what(), m.m(), m.n(), m.k(), m.count() * n));
        return r;
    }

    /** The token transformer: in_proj, attention (q·kᵀ and weights·v per batch and head), out_proj, feed-forward, per layer; the head. */
    public static List<Mm> transformer(int batch, int seq, int dModel, int heads, int ff, int layers, int vocab) {
        List<Mm> l = new ArrayList<>();
        long rows = (long) batch * seq, d = dModel / heads, bh = (long) batch * heads * layers;
        linear(l, "in_proj " + dModel + "->" + 3 * dModel, rows, dModel, 3L * dModel, layers);
        l.add(new Mm("q·kᵀ forward", seq, seq, d, bh));
        l.add(new Mm("q·kᵀ grad of q", seq, d, seq, bh));
        l.add(new Mm("q·kᵀ grad of k", seq, d, seq, bh));
        l.add(new Mm("weights·v forward", seq, d, seq, bh));
        l.add(new Mm("weights·v grad of weights", seq, seq, d, bh));
        l.add(new Mm("weights·v grad of v", seq, d, seq, bh));
        linear(l, "out_proj " + dModel + "->" + dModel, rows, dModel, dModel, layers);
        linear(l, "linear1 " + dModel + "->" + ff, rows, dModel, ff, layers);
        linear(l, "linear2 " + ff + "->" + dModel, rows, ff, dModel, layers);
        linear(l, "head " + dModel + "->" + vocab, rows, dModel, vocab, 1);
        return merge(l);
    }

    /** Products of equal sizes and names as one row with their counts summed. */
    static List<Mm> merge(List<Mm> l) {
        Map<String, Mm> m = new LinkedHashMap<>();
        for (Mm x : l) {
            String key = x.what() + "|" + x.m() + "|" + x.n() + "|" + x.k();
            m.merge(key, x, (a, b) -> new Mm(a.what(), a.m(), a.n(), a.k(), a.count() + b.count()));
        }
        return new ArrayList<>(m.values());
    }

    public static double totalFlops(List<Mm> l) { return l.stream().mapToDouble(Mm::flops).sum(); }

    /** The floor's result: the step's GEMM FLOPs, the time the products take, and one table line a product. */
    public record Floor(double gflop, double ms, List<String> lines) {
        public double gflops() { return gflop / ms * 1e3; }
    }

    /** Times each product (median of repetitions after a warm-up, at least ~30 ms of work a size) and sums count × time. */
    public static Floor measure(List<Mm> products) {
        Map<String, Double> bySize = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>();
        double total = 0;
        for (Mm p : products) {
            String size = p.m() + "x" + p.k() + " · " + p.k() + "x" + p.n();
            double ms = bySize.computeIfAbsent(size, s -> time(p.m(), p.n(), p.k()));
            total += ms * p.count();
            lines.add(String.format(Locale.ROOT, "%-34s %-22s ×%-4d %8.3f ms each %7.1f GFLOP/s %8.2f ms", p.what(), size, p.count(), ms,
                    2.0 * p.m() * p.n() * p.k() / ms / 1e6, ms * p.count()));
        }
        return new Floor(totalFlops(products) / 1e9, total, lines);
    }

    static double time(long m, long n, long k) {
        INDArray a = Nd4j.rand(DataType.FLOAT, m, k), b = Nd4j.rand(DataType.FLOAT, k, n), c = Nd4j.create(DataType.FLOAT, m, n);
        double nd4j = median(() -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0), m, n, k);
        double own = median(() -> dev.nabla.api.Gemm.mmInto(a, false, b, false, 0f, c), m, n, k);
        a.close();
        b.close();
        c.close();
        return Math.min(nd4j, own);
    }

    /** The median ms of one product, after a warm-up. */
    private static double median(Runnable product, long m, long n, long k) {
        double flop = 2.0 * m * n * k;
        int reps = (int) Math.max(5, Math.min(2000, 3e9 / Math.max(flop, 1)));
        for (int i = 0; i < Math.max(2, reps / 5); i++) product.run();
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            product.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return t[reps / 2];
    }
}
