package dev.nabla.bench;

import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Profiler;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import dev.nabla.layers.Conv2d;
import dev.nabla.layers.F;
import dev.nabla.layers.Flatten;
import dev.nabla.layers.Linear;
import dev.nabla.layers.MaxPool2d;
import dev.nabla.layers.ReLU;
import dev.nabla.training.SGD;
import java.util.Arrays;

/**
 * Training-step time of the course convnet or the MLP 784-512-512-10 at batch 100 (or batch 1 with {@code batch=1}):
 * {@code StepBench [convnet|mlp] [steps=N] [batch=N] [profile]}. Warm-up of 30 steps, then the median, p10 and p90.
 */
public final class StepBench {
    public static void main(String[] args) {
        String model = "convnet";
        int steps = 200, batch = 100;
        boolean profile = false;
        for (String a : args) {
            if (a.startsWith("steps=")) steps = Integer.parseInt(a.substring(6));
            else if (a.startsWith("batch=")) batch = Integer.parseInt(a.substring(6));
            else if (a.equals("profile")) profile = true;
            else if (!a.isBlank()) model = a;
        }
        Nabla.manualSeed(0);
        Module net = model.equals("mlp")
                ? new Sequential(new Flatten(), new Linear(784, 512), new ReLU(), new Linear(512, 512), new ReLU(), new Linear(512, 10))
                : new Sequential(new Conv2d(1, 32, 5), new MaxPool2d(3), new ReLU(), new Conv2d(32, 64, 5), new MaxPool2d(2), new ReLU(),
                        new Flatten(), new Linear(256, 200), new ReLU(), new Linear(200, 10));
        SGD sgd = new SGD(net.parameters(), 0.1);
        Tensor x = Tensor.randn(batch, 1, 28, 28), y = Tensor.randint(0, 10, batch);
        double[] times = new double[steps];
        long[] ends = new long[steps];
        for (int i = 0; i < 30 + steps; i++) {
            long t0 = System.nanoTime();
            Tensor loss = F.crossEntropy(net.forward(x), y);
            net.zeroGrad();
            loss.backward();
            sgd.step();
            if (i >= 30) {
                times[i - 30] = (System.nanoTime() - t0) / 1e6;
                ends[i - 30] = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
            }
            if (Boolean.getBoolean("memtrace") && i % 100 == 0) {
                System.out.printf("step %d pool %s, resident %.1f MB%n", i, java.util.Arrays.toString(dev.nabla.api.Pool.stats()),
                        org.bytedeco.javacpp.Pointer.physicalBytes() / 1e6);
            }
        }
        String dump = System.getProperty("dump");   // file: every step's time, one per line
        if (dump != null) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < steps; i++) sb.append(String.format("%.3f %d%n", times[i], ends[i]));
            try { java.nio.file.Files.writeString(java.nio.file.Path.of(dump), sb); } catch (java.io.IOException e) { throw new java.io.UncheckedIOException(e); }
        }
        String ab = System.getProperty("ab");   // e.g. "a=;b=nabla.spinMicros:0" (properties read per call) : blocks of 40 steps alternated, 8 rounds
        if (ab != null) {
            String[] cfgs = ab.split(";");
            java.util.Map<String, java.util.List<Double>> res = new java.util.LinkedHashMap<>();
            for (int round = 0, rounds = Integer.getInteger("ab.rounds", 8); round < rounds; round++) {
                for (String conf : cfgs) {
                    String[] kv = conf.split("=", 2);
                    java.util.List<String> set = new java.util.ArrayList<>();
                    if (kv.length > 1 && !kv[1].isEmpty()) for (String pv : kv[1].split(",")) { String[] q = pv.split(":"); System.setProperty(q[0], q[1]); set.add(q[0]); }
                    double[] ts = new double[40];
                    for (int i = 0; i < 45; i++) {
                        long t0 = System.nanoTime();
                        Tensor loss = F.crossEntropy(net.forward(x), y);
                        net.zeroGrad();
                        loss.backward();
                        sgd.step();
                        if (i >= 5) ts[i - 5] = (System.nanoTime() - t0) / 1e6;
                    }
                    res.computeIfAbsent(kv[0], k -> new java.util.ArrayList<>()).add(Arrays.stream(ts).average().orElse(0));
                    for (String k : set) System.clearProperty(k);
                }
            }
            res.forEach((k, v) -> { double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                System.out.printf("AB %-10s median of block means %.2f ms (min %.2f, max %.2f) %s%n", k, a[a.length / 2], a[0], a[a.length - 1], v); });
        }
        if (profile) {
            Profiler.enable();
            for (int i = 0; i < 50; i++) {
                long t0 = System.nanoTime();
                Tensor loss = F.crossEntropy(net.forward(x), y);
                long t1 = System.nanoTime();
                net.zeroGrad();
                long t2 = System.nanoTime();
                loss.backward();
                long t3 = System.nanoTime();
                sgd.step();
                long t4 = System.nanoTime();
                Profiler.record("step: forward + loss", t1 - t0);
                Profiler.record("step: zeroGrad", t2 - t1);
                Profiler.record("step: backward", t3 - t2);
                Profiler.record("step: sgd", t4 - t3);
            }
            System.out.println(Profiler.report());
        }
        if (Boolean.getBoolean("series")) { StringBuilder sb = new StringBuilder(); for (double t : times) sb.append(String.format("%.0f ", t)); System.out.println(sb); }
        System.out.println("pool {lent, idle, misses, hits}: " + Arrays.toString(dev.nabla.api.Pool.stats()));
        Arrays.sort(times);
        double mean = Arrays.stream(times).average().orElse(0);
        System.out.printf("%s batch %d: median %.2f ms, mean %.2f, p10 %.2f, p90 %.2f  (mean x600 = %.1f s)%n", model, batch,
                times[steps / 2], mean, times[steps / 10], times[steps * 9 / 10], mean * 600 / 1000);
    }
}
