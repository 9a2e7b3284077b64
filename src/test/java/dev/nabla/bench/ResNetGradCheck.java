package dev.nabla.bench;

import dev.nabla.api.Module;
import dev.nabla.api.Tensor;
import dev.nabla.layers.F;
import dev.nabla.layers.kernels.Kernels;
import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** ResNet-20's parameter gradients for one batch under the default kernels and under OWN: largest relative difference per parameter. */
public final class ResNetGradCheck {
    public static void main(String[] a) throws Exception {
        Module m = Workloads.resnet20(0);
        m.train();
        Workloads.Images pool = Workloads.cifar(Path.of("../shared/data"), 128);
        Tensor[] b = Workloads.imageBatch(pool, 0, 128);
        INDArray[] auto = grads(m, b), own;
        Kernels prev = Kernels.use(Kernels.OWN);
        try { own = grads(m, b); } finally { Kernels.use(prev); }
        double worst = 0;
        for (int i = 0; i < auto.length; i++) {
            double d = auto[i].sub(own[i]).norm2Number().doubleValue() / Math.max(1e-30, own[i].norm2Number().doubleValue());
            worst = Math.max(worst, d);
            if (i < 6 || d > 1e-3) System.out.printf("param %d %s rel L2 diff %.2e%n", i, java.util.Arrays.toString(own[i].shape()), d);
        }
        System.out.printf("worst rel L2 diff over %d params: %.2e%n", auto.length, worst);
    }

    static INDArray[] grads(Module m, Tensor[] b) {
        m.zeroGrad();
        Tensor loss = F.crossEntropy(m.forward(b[0]), b[1]);
        loss.backward();
        System.out.println("loss " + loss.item());
        List<? extends Tensor> ps = m.parameters();
        INDArray[] r = new INDArray[ps.size()];
        for (int i = 0; i < r.length; i++) r[i] = ps.get(i).grad().nd().dup();
        return r;
    }
}
