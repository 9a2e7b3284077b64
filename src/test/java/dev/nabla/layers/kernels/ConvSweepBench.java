package dev.nabla.layers.kernels;

import static dev.nabla.bench.ResNetConvBench.load;
import static dev.nabla.bench.ResNetConvBench.median;

import dev.nabla.api.Nabla;
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
 * 3×3, stride-1, pad-1 convolutions C→C across channel counts and spatial sizes: libnd4j's oneDNN conv2d / conv2d_bp
 * (the batch split over Nabla's threads, as Conv2dFunction calls them) against the project's {@link FastConv}, forward
 * and backward (input and weight gradients) separately, interleaved in one process after a warm-up; medians in ms and
 * the own/lib ratio.
 *
 * <pre>mvn -o -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.layers.kernels.ConvSweepBench -Dexec.args="ROUNDS REPS BATCH"</pre>
 */
public final class ConvSweepBench {
    private ConvSweepBench() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5, reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int[] channels = {8, 16, 24, 32, 48, 64}, sizes = {32, 16, 8};
        Map<String, List<Double>> times = new LinkedHashMap<>();
        for (int round = -1; round < rounds; round++) {
            for (int c : channels) {
                for (int hw : sizes) {
                    INDArray x = Nd4j.randn(DataType.FLOAT, n, c, hw, hw), w = Nd4j.randn(DataType.FLOAT, c, c, 3, 3).muli(0.1);
                    INDArray g = Nd4j.randn(DataType.FLOAT, n, c, hw, hw);
                    ConvGeometry geo = new ConvGeometry(n, c, hw, hw, 3, 3, 1, 1, 1, 1, 1, 1, hw, hw);
                    String key = c + "ch " + hw + "x" + hw;
                    boolean libFirst = (round & 1) == 0;
                    for (int pass = 0; pass < 2; pass++) {
                        boolean lib = (pass == 0) == libFirst;
                        long t0 = System.nanoTime();
                        for (int i = 0; i < reps; i++) {
                            if (lib) libForward(x, w);
                            else FastConv.forward(geo, x, w, null);
                        }
                        long t1 = System.nanoTime();
                        for (int i = 0; i < reps; i++) {
                            if (lib) libBackward(x, w, g);
                            else FastConv.backward(geo, x, w, g, true, true, false);
                        }
                        long t2 = System.nanoTime();
                        if (round >= 0) {
                            String k = key + (lib ? " lib" : " own");
                            times.computeIfAbsent(k + " fwd", s -> new ArrayList<>()).add((t1 - t0) / 1e6 / reps);
                            times.computeIfAbsent(k + " bwd", s -> new ArrayList<>()).add((t2 - t1) / 1e6 / reps);
                        }
                    }
                }
            }
        }
        System.out.printf("3x3 s1 p1 C->C, batch %d, %d rounds x %d reps, %d threads, load %s%n", n, rounds, reps, Nabla.numThreads(), load());
        System.out.printf("%-14s %9s %9s %7s   %9s %9s %7s%n", "shape", "lib fwd", "own fwd", "own/lib", "lib bwd", "own bwd", "own/lib");
        for (int c : channels) {
            for (int hw : sizes) {
                String key = c + "ch " + hw + "x" + hw;
                double lf = median(times.get(key + " lib fwd")), of = median(times.get(key + " own fwd"));
                double lb = median(times.get(key + " lib bwd")), ob = median(times.get(key + " own bwd"));
                System.out.printf("%-14s %9.2f %9.2f %7.2f   %9.2f %9.2f %7.2f%n", key, lf, of, of / lf, lb, ob, ob / lb);
            }
        }
    }

    private static final int[] ARGS = {3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 1};

    private static INDArray libForward(INDArray x, INDArray w) {
        int n = (int) x.size(0);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, n, w.size(0), x.size(2), x.size(3));
        Nabla.splitBatch(n, 8, (part, from, to) -> Nd4j.exec(DynamicCustomOp.builder("conv2d")
                .addInputs(Conv2dFunction.batch(x, from, to, n), w).addOutputs(Conv2dFunction.batch(out, from, to, n))
                .addIntegerArguments(ARGS).build()));
        return out;
    }

    private static void libBackward(INDArray x, INDArray w, INDArray g) {
        int n = (int) x.size(0), parts = Nabla.batchParts(n, 8);
        INDArray gi = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        INDArray[] gw = new INDArray[parts];
        for (int i = 0; i < parts; i++) gw[i] = Nd4j.createUninitialized(DataType.FLOAT, w.shape());
        Nabla.splitBatch(n, 8, (part, from, to) -> Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                .addInputs(Conv2dFunction.batch(x, from, to, n), w, Conv2dFunction.batch(g, from, to, n))
                .addOutputs(Conv2dFunction.batch(gi, from, to, n), gw[part]).addIntegerArguments(ARGS).build()));
        for (int i = 1; i < parts; i++) gw[0].addi(gw[i]);
    }
}
