package dev.nabla.layers.kernels;

import dev.nabla.api.Function;
import dev.nabla.api.Nabla;
import dev.nabla.api.Profiler;
import dev.nabla.api.Tensor;
import dev.nabla.layers.BatchNorm2d;
import dev.nabla.layers.LayerNorm;
import dev.nabla.api.Module;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Issue 17's normalisation kernels at the micro workloads' shapes, interleaved in one process: forward + backward
 * through Function.apply ("new"), through the user's modules as VsPyTorch's micro workloads ("module"), and each
 * kernel pass alone with copies for reference. Mode {@code cpu} times by the calling thread's CPU clock (meant for
 * one thread on a loaded machine; tools/bench/norm_cpu_torch.py times PyTorch the same way); medians and minima in ms.
 *
 * <pre>mvn -o -q exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.layers.kernels.NormProbe -Dexec.args="ROUNDS REPS THREADS [FILTER] [profile,cpu]"</pre>
 */
public final class NormProbe {
    private NormProbe() {}

    private static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();

    private static final Map<String, Runnable> ROWS = new LinkedHashMap<>();

    private static void row(String name, Supplier<Tensor> forward, Tensor x) {
        Tensor probe = forward.get();
        Tensor g = Tensor.randn(probe.dtype(), probe.shape());
        ROWS.put(name, () -> {
            x.setGrad(null);
            forward.get().backward(g);
        });
    }

    public static void main(String[] args) {
        int rounds = Integer.parseInt(args[0]), reps = Integer.parseInt(args[1]);
        Nabla.setNumThreads(Integer.parseInt(args[2]));
        String filter = args.length > 3 ? args[3] : "";
        boolean profile = args.length > 4 && args[4].contains("profile"), cpu = args.length > 4 && args[4].contains("cpu");
        Nabla.manualSeed(0);
        for (long[] s : new long[][] {{128, 16, 32, 32}, {128, 32, 16, 16}, {128, 64, 8, 8}}) {
            Tensor x = Tensor.randn(s).requiresGrad_(), w = Tensor.ones(s[1]).requiresGrad_(), b = Tensor.zeros(s[1]).requiresGrad_();
            String shape = Arrays.toString(s);
            row("bn " + shape + " new", () -> Function.apply(new BatchNormFunction(true, null, null, 1e-5, true, true), x, w, b), x);
            Module bn = new BatchNorm2d((int) s[1]).train();
            {
                int n = (int) s[0], c = (int) s[1], l = (int) (s[2] * s[3]);
                BatchNormF32.Blocks blocks = BatchNormF32.Blocks.of(n, c, l);
                org.nd4j.linalg.api.ndarray.INDArray xa = x.nd(), ga = Tensor.randn(s).nd(), ya = xa.dup();
                double[] k = new double[c], a = new double[c], d = new double[c];
                java.util.Arrays.fill(a, 1.5);
                ROWS.put("bn " + shape + " kernel sums", () -> BatchNormF32.shiftedSums(Mem.floats(xa), blocks, k, new double[c], new double[c]));
                ROWS.put("bn " + shape + " kernel affine", () -> BatchNormF32.affine(Mem.floats(xa), null, Mem.floats(ya), blocks, a, null, d));
                ROWS.put("bn " + shape + " kernel gradSums", () -> BatchNormF32.gradSums(Mem.floats(ga), Mem.floats(xa), blocks, k, new double[c], new double[c]));
                ROWS.put("bn " + shape + " kernel affine2", () -> BatchNormF32.affine(Mem.floats(ga), Mem.floats(xa), Mem.floats(ya), blocks, a, a, d));
                ROWS.put("bn " + shape + " heap copy", () -> Mem.floats(ya).put(0, Heap.floats(xa)));
            }
            ROWS.put("bn " + shape + " dup (memory reference)", () -> x.nd().dup().close());
            row("bn " + shape + " module", () -> bn.forward(x), x);
        }
        {
            Tensor x = Tensor.randn(16, 128, 256).requiresGrad_(), w = Tensor.ones(256).requiresGrad_(), b = Tensor.zeros(256).requiresGrad_();
            row("ln [16, 128, 256] new", () -> Function.apply(new LayerNormFunction(256, 1e-5, true, true), x, w, b), x);
            Module ln = new LayerNorm(256);
            row("ln [16, 128, 256] module", () -> ln.forward(x), x);
            Tensor gh = Tensor.randn(16, 128, 256);
            ROWS.put("ln [16, 128, 256] module, heap path", () -> {   // the float32 passes over heap copies (before the in-place path)
                boolean previous = LayerNormFunction.heapForTests(true);
                try {
                    x.setGrad(null);
                    ln.forward(x).backward(gh);
                } finally {
                    LayerNormFunction.heapForTests(previous);
                }
            });
        }
        {
            Tensor x = Tensor.randn(16, 128, 256), g = Tensor.randn(16, 128, 256);
            org.nd4j.linalg.api.ndarray.INDArray y = x.nd().dup(), dx = x.nd().dup();
            float[] w = new float[256], b = new float[256];
            java.util.Arrays.fill(w, 1);
            double[] mean = new double[2048], rstd = new double[2048], dw = new double[256], db = new double[256];
            ROWS.put("ln kernel forward", () -> LayerNormF32.forward(dev.nabla.api.Blas.floats(x.nd()), dev.nabla.api.Blas.floats(y), 0, 2048,
                    256, 1e-5, w, b, mean, rstd));
            ROWS.put("ln kernel backward", () -> LayerNormF32.backward(dev.nabla.api.Blas.floats(x.nd()), dev.nabla.api.Blas.floats(g.nd()),
                    dev.nabla.api.Blas.floats(dx), 0, 2048, 256, w, mean, rstd, dw, db));
            ROWS.put("ln kernel forward in place", () -> LayerNormF32.forwardInPlace(Mem.bytes(x.nd()), Mem.bytes(y), 0, 2048, 256, 1e-5, w, b,
                    mean, rstd));
            ROWS.put("ln kernel backward in place", () -> LayerNormF32.backwardInPlace(Mem.bytes(x.nd()), Mem.bytes(g.nd()), Mem.bytes(dx), 0, 2048,
                    256, w, mean, rstd, dw, db));
            {
                Tensor xs = Tensor.randn(64, 256), gs = Tensor.randn(64, 256);
                org.nd4j.linalg.api.ndarray.INDArray ys = xs.nd().dup(), dxs = xs.nd().dup();
                ROWS.put("ln kernel forward in place, in L1 x32", () -> {
                    for (int i = 0; i < 32; i++) LayerNormF32.forwardInPlace(Mem.bytes(xs.nd()), Mem.bytes(ys), 0, 64, 256, 1e-5, w, b, mean, rstd);
                });
                ROWS.put("ln kernel backward in place, in L1 x32", () -> {
                    for (int i = 0; i < 32; i++) LayerNormF32.backwardInPlace(Mem.bytes(xs.nd()), Mem.bytes(gs.nd()), Mem.bytes(dxs), 0, 64, 256, w,
                            mean, rstd, dw, db);
                });
            }
            ROWS.put("dup 2MB", () -> dx.dup().close());
            ROWS.put("copy 2MB heap", () -> dev.nabla.api.Blas.floats(y).put(0, Heap.floats(dx)));
        }
        ROWS.keySet().removeIf(k -> !k.contains(filter));
        Map<String, List<Double>> times = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) for (Runnable r : ROWS.values()) r.run();   // warm-up
        if (profile) Profiler.enable();
        for (int round = 0; round < rounds; round++) {
            for (var e : ROWS.entrySet()) {
                double best = Double.MAX_VALUE;
                List<Double> l = times.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
                for (int i = 0; i < reps; i++) {
                    long t0 = cpu ? MX.getCurrentThreadCpuTime() : System.nanoTime();
                    e.getValue().run();
                    l.add(((cpu ? MX.getCurrentThreadCpuTime() : System.nanoTime()) - t0) / 1e6);
                }
            }
        }
        System.out.printf("NormProbe: %d threads, %d rounds x %d reps, %s ms forward + backward: median, min%n", Nabla.numThreads(), rounds, reps, cpu ? "calling thread's CPU" : "wall");
        for (var e : times.entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue());
            v.sort(null);
            System.out.printf("%-36s %9.3f %9.3f%n", e.getKey(), v.get(v.size() / 2), v.get(0));
        }
        if (profile) System.out.print(Profiler.report());
    }
}
