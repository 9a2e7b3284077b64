package dev.nabla.bench;

import dev.nabla.api.*;
import dev.nabla.layers.*;

public final class Scratch {
    interface Work { Object run(); }
    static void time(String name, Work w) {
        for (int i = 0; i < 10; i++) w.run();
        int n = 30; long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) w.run();
        System.out.printf("%-28s %8.2f ms%n", name, (System.nanoTime() - t0) / 1e6 / n);
    }
    public static void main(String[] a) {
        Nabla.manualSeed(0);
        Tensor x = Tensor.randn(100, 1, 28, 28);
        Tensor w1 = Tensor.randn(32, 1, 5, 5).requiresGrad_(), b1 = Tensor.randn(32).requiresGrad_();
        Tensor h1 = Tensor.randn(100, 32, 8, 8).requiresGrad_();
        Tensor w2 = Tensor.randn(64, 32, 5, 5).requiresGrad_(), b2 = Tensor.randn(64).requiresGrad_();
        Tensor c1 = Tensor.randn(100, 32, 24, 24).requiresGrad_();
        time("conv1 fwd", () -> F.conv2d(x, w1, b1));
        time("conv1 fwd+bwd", () -> { Tensor y = F.conv2d(x, w1, b1); y.backward(Tensor.ones(y.shape())); return y; });
        time("conv2 fwd", () -> F.conv2d(h1, w2, b2));
        time("conv2 fwd+bwd", () -> { Tensor y = F.conv2d(h1, w2, b2); y.backward(Tensor.ones(y.shape())); return y; });
        time("pool3 fwd", () -> F.maxPool2d(c1, new int[]{3,3}, new int[]{3,3}, new int[]{0,0}, new int[]{1,1}, false));
        time("pool3 fwd+bwd", () -> { Tensor y = F.maxPool2d(c1, new int[]{3,3}, new int[]{3,3}, new int[]{0,0}, new int[]{1,1}, false); y.backward(Tensor.ones(y.shape())); return y; });
        time("relu 100x32x8x8 fwd+bwd", () -> { Tensor y = h1.relu(); y.backward(Tensor.ones(y.shape())); return y; });
        Tensor f = Tensor.randn(100, 256).requiresGrad_(); Linear l = new Linear(256, 200);
        time("linear fwd+bwd", () -> { Tensor y = l.forward(f); y.backward(Tensor.ones(y.shape())); return y; });
        Tensor logits = Tensor.randn(100, 10).requiresGrad_(); Tensor t = Tensor.randint(0, 10, 100);
        time("crossEntropy fwd+bwd", () -> { Tensor y = F.crossEntropy(logits, t); y.backward(); return y; });
        org.nd4j.linalg.api.ndarray.INDArray big = Tensor.randn(100, 32, 24, 24).nd();
        time("heap floats 1.8M", () -> { float[] q = new float[(int) big.length()]; new org.bytedeco.javacpp.FloatPointer(big.data().pointer()).get(q); return q; });
        time("permute dup 1.8M", () -> big.reshape(100, 32, 576).permute(1, 0, 2).dup('c'));
    }
}
