package dev.nabla.layers.kernels;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The direct 3×3 convolution's three passes at batch 128 against im2col: {@code C HW [threads [reps]]}; medians and GFLOP/s. */
public final class DirectConvProbe {
    public static void main(String[] a) {
        int c = Integer.parseInt(a[0]), hw = Integer.parseInt(a[1]), n = 128, reps = a.length > 3 ? Integer.parseInt(a[3]) : 15;
        if (a.length > 2) dev.nabla.api.Nabla.setNumThreads(Integer.parseInt(a[2]));
        ConvGeometry g = new ConvGeometry(n, c, hw, hw, 3, 3, 1, 1, 1, 1, 1, 1, hw, hw);
        // with -Dprobe.cold=K, K inputs and gradients in turn (K·16 MB, beyond the L3 cache for K ≥ 3), as inside a model
        int cold = Integer.getInteger("probe.cold", 1);
        INDArray[] xs = new INDArray[cold], gys = new INDArray[cold];
        for (int i = 0; i < cold; i++) {
            xs[i] = Nd4j.rand(DataType.FLOAT, n, c, hw, hw);
            gys[i] = Nd4j.rand(DataType.FLOAT, n, c, hw, hw);
        }
        INDArray w = Nd4j.rand(DataType.FLOAT, c, c, 3, 3);
        double[][] t = new double[6][reps];
        for (int r = 0; r < reps; r++) {
            INDArray x = xs[r % cold], gy = gys[r % cold];
            long t0 = System.nanoTime();
            DirectConv.forward(g, x, w, null);
            long t1 = System.nanoTime();
            DirectConv.backward(g, x, w, gy, true, false, false);
            long t2 = System.nanoTime();
            DirectConv.backward(g, x, w, gy, false, true, true);
            long t3 = System.nanoTime();
            FastConv.forward(g, x, w, null);
            long t4 = System.nanoTime();
            FastConv.backward(g, x, w, gy, true, true, true);
            long t5 = System.nanoTime();
            DirectConv.backward(g, x, w, gy, true, true, true);
            long t6 = System.nanoTime();
            long[] ts = {t0, t1, t2, t3, t4, t5, t6};
            for (int k = 0; k < 6; k++) t[k][r] = (ts[k + 1] - ts[k]) / 1e6;
        }
        double gflop = 2.0 * n * hw * hw * c * c * 9 / 1e9;
        String[] names = {"direct fwd", "direct dx", "direct dW+db", "im2col fwd", "im2col bwd(3)", "direct all(2)"};
        for (int k = 0; k < 6; k++) {
            double[] s = Arrays.copyOfRange(t[k], reps / 3, reps);
            Arrays.sort(s);
            double med = s[s.length / 2];
            System.out.printf("%-14s median %6.2f ms  min %6.2f  %6.1f GFLOP/s%n", names[k], med, s[0], gflop * (k == 4 ? 3 : k == 5 ? 2 : 1) / med * 1e3);
        }
    }
}
