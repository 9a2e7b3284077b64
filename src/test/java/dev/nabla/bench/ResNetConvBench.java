package dev.nabla.bench;

import dev.nabla.api.Grad;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import dev.nabla.layers.F;
import dev.nabla.layers.kernels.Kernels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * ResNet-20's convolutions at batch 128 (the 3×3 ones of each stage at stride 1 and 2, and the 1×1 stride-2
 * shortcuts), forward and forward + backward, under {@link Kernels#AUTO} (libnd4j's oneDNN kernels where the rule picks
 * them) and {@link Kernels#OWN} (the project's im2col + sgemm), interleaved in one process after a warm-up; medians in
 * ms and the OWN/AUTO ratio. The backward is timed for an input that needs a gradient and, for the first layer, for one
 * that does not. Where the rule already picks the project's kernel (the first layer; strided 1×1 kernels since
 * BENCHMARKS.md's ResNet-20 section) both columns run the same kernel (those rows show the noise), and a LIB column
 * times libnd4j's conv2d / conv2d_bp called as Conv2dFunction calls them.
 *
 * <pre>mvn -o -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.bench.ResNetConvBench -Dexec.args="ROUNDS REPS"</pre>
 */
public final class ResNetConvBench {
    private ResNetConvBench() {}

    /** One convolution of the network: input channels, output channels, kernel, stride, input size. */
    record Shape(int c, int co, int k, int stride, int hw, boolean inputGrad) {
        String name() { return c + "->" + co + " k" + k + " s" + stride + " " + hw + "x" + hw + (inputGrad ? "" : " (no dx)"); }
    }

    static final List<Shape> SHAPES = List.of(
            new Shape(3, 16, 3, 1, 32, false), new Shape(16, 16, 3, 1, 32, true), new Shape(16, 32, 3, 2, 32, true),
            new Shape(32, 32, 3, 1, 16, true), new Shape(32, 64, 3, 2, 16, true), new Shape(64, 64, 3, 1, 8, true),
            new Shape(16, 32, 1, 2, 32, true), new Shape(32, 64, 1, 2, 16, true));

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5, reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        Nabla.manualSeed(0);
        Map<String, List<Double>> times = new LinkedHashMap<>();
        for (int round = -1; round < rounds; round++) {   // round −1: warm-up
            for (Shape s : SHAPES) {
                Tensor x = Tensor.randn(batch, s.c(), s.hw(), s.hw());
                if (s.inputGrad()) x.requiresGrad_();
                Tensor w = Tensor.randn(s.co(), s.c(), s.k(), s.k()).mul(0.1).detach().requiresGrad_();
                int pad = s.k() / 2;
                int[] stride = {s.stride(), s.stride()}, padding = {pad, pad, pad, pad}, one = {1, 1};
                long oh = (s.hw() + 2 * pad - s.k()) / s.stride() + 1;
                Tensor g = Tensor.randn(batch, s.co(), oh, oh);
                for (Kernels k : round % 2 == 0 ? new Kernels[] {Kernels.AUTO, Kernels.OWN} : new Kernels[] {Kernels.OWN, Kernels.AUTO}) {
                    Kernels previous = Kernels.use(k);
                    try {
                        long t0 = System.nanoTime();
                        try (var off = Grad.disabled()) {
                            for (int i = 0; i < reps; i++) F.conv2d(x, w, null, stride, padding, one, 1);
                        }
                        long t1 = System.nanoTime();
                        for (int i = 0; i < reps; i++) {
                            F.conv2d(x, w, null, stride, padding, one, 1).backward(g);
                            w.setGrad(null);
                            if (s.inputGrad()) x.setGrad(null);
                        }
                        long t2 = System.nanoTime();
                        if (round >= 0) {
                            times.computeIfAbsent(s.name() + " forward " + k, n -> new ArrayList<>()).add((t1 - t0) / 1e6 / reps);
                            times.computeIfAbsent(s.name() + " fwd+bwd " + k, n -> new ArrayList<>()).add((t2 - t1) / 1e6 / reps);
                        }
                    } finally {
                        Kernels.use(previous);
                    }
                }
                // libnd4j's oneDNN kernels called as Conv2dFunction calls them (the batch split over the threads), for
                // the rows where the rule picks the project's kernel
                if (s.k() == 1 || s.c() < 8) {
                    INDArray xa = x.nd(), wa = w.nd(), ga = g.nd();
                    int[] iArgs = {s.k(), s.k(), s.stride(), s.stride(), pad, pad, 1, 1, 0, 0, 1};
                    long t0 = System.nanoTime();
                    for (int i = 0; i < reps; i++) libForward(xa, wa, iArgs, oh);
                    long t1 = System.nanoTime();
                    for (int i = 0; i < reps; i++) {
                        libForward(xa, wa, iArgs, oh);
                        libBackward(xa, wa, ga, iArgs);
                    }
                    long t2 = System.nanoTime();
                    if (round >= 0) {
                        times.computeIfAbsent(s.name() + " forward LIB", n -> new ArrayList<>()).add((t1 - t0) / 1e6 / reps);
                        times.computeIfAbsent(s.name() + " fwd+bwd LIB", n -> new ArrayList<>()).add((t2 - t1) / 1e6 / reps);
                    }
                }
            }
        }
        System.out.printf("ResNet-20 convolutions, batch %d, %d rounds x %d reps, %d threads, load %s%n", batch, rounds, reps,
                Nabla.numThreads(), load());
        System.out.printf("%-36s %10s %10s %8s %10s %8s%n", "conv", "AUTO ms", "OWN ms", "OWN/AUTO", "LIB ms", "OWN/LIB");
        for (Shape s : SHAPES) {
            for (String phase : new String[] {" forward ", " fwd+bwd "}) {
                double a = median(times.get(s.name() + phase + Kernels.AUTO)), o = median(times.get(s.name() + phase + Kernels.OWN));
                List<Double> lib = times.get(s.name() + phase + "LIB");
                System.out.printf("%-36s %10.2f %10.2f %8.2f %10s %8s%n", s.name() + phase.stripTrailing(), a, o, o / a,
                        lib == null ? "" : String.format("%.2f", median(lib)), lib == null ? "" : String.format("%.2f", o / median(lib)));
            }
        }
    }

    private static INDArray libForward(INDArray x, INDArray w, int[] iArgs, long oh) {
        int n = (int) x.size(0);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, n, w.size(0), oh, oh);
        Nabla.splitBatch(n, 8, (part, from, to) -> Nd4j.exec(DynamicCustomOp.builder("conv2d")
                .addInputs(x.get(NDArrayIndex.interval(from, to)), w).addOutputs(out.get(NDArrayIndex.interval(from, to)))
                .addIntegerArguments(iArgs).build()));
        return out;
    }

    private static void libBackward(INDArray x, INDArray w, INDArray g, int[] iArgs) {
        int n = (int) x.size(0), parts = Nabla.batchParts(n, 8);
        INDArray gi = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        INDArray[] gw = new INDArray[parts];
        for (int i = 0; i < parts; i++) gw[i] = Nd4j.createUninitialized(DataType.FLOAT, w.shape());
        Nabla.splitBatch(n, 8, (part, from, to) -> Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                .addInputs(x.get(NDArrayIndex.interval(from, to)), w, g.get(NDArrayIndex.interval(from, to)))
                .addOutputs(gi.get(NDArrayIndex.interval(from, to)), gw[part]).addIntegerArguments(iArgs).build()));
        for (int i = 1; i < parts; i++) gw[0].addi(gw[i]);
    }

    /** The median of {@code v} (the mean of the middle two for an even count). */
    public static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    /** /proc/loadavg, or "?" where there is none. */
    public static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
