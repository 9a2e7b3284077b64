package dev.nabla.bench;

import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import dev.nabla.layers.Conv2d;
import dev.nabla.layers.F;
import dev.nabla.layers.Flatten;
import dev.nabla.layers.Linear;
import dev.nabla.layers.MaxPool2d;
import dev.nabla.layers.ReLU;

/** Time of one training step (forward, backward, SGD) of the course's MNIST convnet at batch 100. */
public final class ConvNetStepBench {
    public static void main(String[] args) {
        Nabla.manualSeed(0);
        Module net = new Sequential(new Conv2d(1, 32, 5), new MaxPool2d(3), new ReLU(), new Conv2d(32, 64, 5), new MaxPool2d(2), new ReLU(),
                new Flatten(), new Linear(256, 200), new ReLU(), new Linear(200, 10));
        dev.nabla.api.Optimizer sgd = new dev.nabla.training.SGD(net.parameters(), 0.1);
        Tensor x = Tensor.randn(100, 1, 28, 28), y = Tensor.randint(0, 10, 100);
        int warm = 30, runs = Integer.parseInt(args.length > 0 ? args[0] : "100");
        for (int i = 0; i < warm + runs; i++) {
            if (i == warm) System.gc();
            long t0 = System.nanoTime();
            Tensor loss = F.crossEntropy(net.forward(x), y);
            net.zeroGrad();
            loss.backward();
            sgd.step();
            long t1 = System.nanoTime();
            if (i >= warm) times[i - warm < times.length ? i - warm : 0] = (t1 - t0) / 1e6;
        }
        dev.nabla.api.Profiler.enable();
        for (int i = 0; i < 20; i++) {
            long t0 = System.nanoTime();
            Tensor loss = F.crossEntropy(net.forward(x), y);
            net.zeroGrad();
            long t1 = System.nanoTime();
            loss.backward();
            long t2 = System.nanoTime();
            sgd.step();
            dev.nabla.api.Profiler.record("step: forward + loss", t1 - t0);
            dev.nabla.api.Profiler.record("step: backward", t2 - t1);
            dev.nabla.api.Profiler.record("step: sgd", System.nanoTime() - t2);
        }
        System.out.println(dev.nabla.api.Profiler.report());
        java.util.Arrays.sort(times, 0, Math.min(runs, times.length));
        System.out.printf("step: median %.2f ms, p10 %.2f, p90 %.2f (batch 100) -> %.1f s per 600-step epoch%n",
                times[runs / 2], times[runs / 10], times[runs * 9 / 10], times[runs / 2] * 600 / 1000);
    }

    private static final double[] times = new double[10_000];
}
