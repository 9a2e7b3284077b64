package dev.nabla.bench;

import dev.nabla.api.Module;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Nabla;
import dev.nabla.api.Profiler;
import dev.nabla.api.Tensor;
import dev.nabla.datasets.Batch;
import dev.nabla.datasets.Compose;
import dev.nabla.datasets.DataLoader;
import dev.nabla.datasets.FashionMnist;
import dev.nabla.datasets.Normalize;
import dev.nabla.datasets.ToTensor;
import dev.nabla.layers.F;
import dev.nabla.training.SGD;
import java.util.Arrays;

/** The batch-1 convnet step split into phases (forward, loss, zeroGrad, backward, step), medians per phase; args: steps [profile]. */
public final class Step1Profile {
    public static void main(String[] a) throws Exception {
        if (a.length > 0 && a[0].equals("classpath")) {   // the class path exec:java built, for plain java runs
            for (java.net.URL u : ((java.net.URLClassLoader) Step1Profile.class.getClassLoader()).getURLs()) System.out.println(u.getPath());
            return;
        }
        int steps = a.length > 0 ? Integer.parseInt(a[0]) : 2000;
        boolean ops = a.length > 1 && a[1].equals("ops");
        Nabla.manualSeed(0);
        FashionMnist train = new FashionMnist(VsPyTorch.findData(), true, new Compose(new ToTensor(), new Normalize(0.2860, 0.3530)));
        Module model = NablaPeer.convnet();
        Optimizer opt = new SGD(model.parameters(), 0.1);
        Batch b = new DataLoader<>(train, 1).iterator().next();
        double[][] t = new double[6][steps];
        for (int w = 0; w < 2; w++) {
            if (w == 1 && ops) { Profiler.reset(); Profiler.enable(); }
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                Tensor out = model.forward(b.x());
                long t1 = System.nanoTime();
                Tensor loss = F.crossEntropy(out, b.y());
                long t2 = System.nanoTime();
                opt.zeroGrad();
                long t3 = System.nanoTime();
                loss.backward();
                long t4 = System.nanoTime();
                opt.step();
                long t5 = System.nanoTime();
                t[0][i] = (t1 - t0) / 1e3; t[1][i] = (t2 - t1) / 1e3; t[2][i] = (t3 - t2) / 1e3;
                t[3][i] = (t4 - t3) / 1e3; t[4][i] = (t5 - t4) / 1e3; t[5][i] = (t5 - t0) / 1e3;
            }
        }
        System.out.println("javacpp maxPhysicalBytes=" + org.bytedeco.javacpp.Pointer.maxPhysicalBytes());
        String[] names = {"forward", "loss", "zeroGrad", "backward", "step", "total"};
        for (int k = 0; k < 6; k++) {
            double[] s = t[k].clone();
            Arrays.sort(s);
            System.out.printf("%-9s median %8.1f us  p10 %8.1f  p90 %8.1f%n", names[k], s[steps / 2], s[steps / 10], s[steps * 9 / 10]);
        }
        if (ops) System.out.println(Profiler.report());
    }
}
