package dev.nabla.bench;

import dev.nabla.api.Grad;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.Pointer;

/**
 * Off-heap memory over many training steps of a small model: a 2-layer MLP on one fixed batch,
 * forward, backward and an in-place SGD update under {@link Grad#disabled()}. The JavaCPP counters
 * must stay flat: the tape keeps nothing after backward, so ND4J frees each step's arrays once
 * their Java objects are collected. Not a unit test; run it with
 *
 * <pre>
 * mvn -q -B test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.nabla.bench.MemoryBench -Dexec.args=""
 * </pre>
 *
 * Arguments (optional): {@code steps=N} (default 100000), {@code every=N} (default 10000), {@code gc}
 * (run {@code System.gc()} before each sample, so that the sample shows what is still reachable).
 */
public final class MemoryBench {
    private MemoryBench() {}

    public static void main(String[] args) {
        int steps = 100_000, every = 10_000;
        boolean gcBeforeSample = false;
        for (String a : args) {
            if (a.startsWith("steps=")) steps = Integer.parseInt(a.substring(6));
            else if (a.startsWith("every=")) every = Integer.parseInt(a.substring(6));
            else if (a.equals("gc")) gcBeforeSample = true;
            else if (!a.isBlank()) throw new IllegalArgumentException("MemoryBench: unknown argument '" + a + "'; expected steps=N, every=N or gc");
        }
        Nabla.manualSeed(0);
        Tensor x = Tensor.randn(64, 20);
        Tensor y = x.sum(1, true).tanh();                       // a target the MLP can fit
        Tensor w1 = Tensor.randn(20, 32).mul(0.2).requiresGrad_(), b1 = Tensor.zeros(32).requiresGrad_();
        Tensor w2 = Tensor.randn(32, 1).mul(0.2).requiresGrad_(), b2 = Tensor.zeros(1).requiresGrad_();
        List<Tensor> params = List.of(w1, b1, w2, b2);
        double lr = 0.05;

        System.out.printf(Locale.ROOT, "ND4J native build: %s; 2-layer MLP 20-32-1, batch 64, float32, SGD lr %.2f; max heap %d MB%n",
                Nabla.nativeBuild(), lr, Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "%8s %12s %18s %18s %14s %10s%n", "step", "loss", "physicalBytes MB", "totalBytes MB", "heap used MB", "µs/step");
        long t0 = System.nanoTime();
        for (int step = 0; step <= steps; step++) {
            Tensor loss = x.mm(w1).add(b1).relu().mm(w2).add(b2).sub(y).pow(2).mean();
            loss.backward();
            try (var g = Grad.disabled()) {
                for (Tensor p : params) {
                    p.sub_(p.grad().mul(lr));
                    p.setGrad(null);
                }
            }
            if (step % every == 0) {
                long t1 = System.nanoTime();
                if (gcBeforeSample) collect();
                Runtime rt = Runtime.getRuntime();
                System.out.printf(Locale.ROOT, "%8d %12.6f %18.1f %18.1f %14.1f %10.1f%n", step, loss.item(),
                        Pointer.physicalBytes() / 1048576.0, Pointer.totalBytes() / 1048576.0,
                        (rt.totalMemory() - rt.freeMemory()) / 1048576.0, step == 0 ? 0 : (t1 - t0) / 1e3 / every);
                t0 = System.nanoTime();
            }
        }
    }

    /** A full collection, and a moment for ND4J's deallocator threads to free what it found dead. */
    private static void collect() {
        System.gc();
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
