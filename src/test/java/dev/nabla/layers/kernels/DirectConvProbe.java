package dev.nabla.layers.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

public final class DirectConvProbe {
    public static void main(String[] a) {
        int c = Integer.parseInt(a[0]), hw = Integer.parseInt(a[1]), n = 128;
        if (a.length > 2) dev.nabla.api.Nabla.setNumThreads(Integer.parseInt(a[2]));
        ConvGeometry g = new ConvGeometry(n, c, hw, hw, 3, 3, 1, 1, 1, 1, 1, 1, hw, hw);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, c, hw, hw), w = Nd4j.rand(DataType.FLOAT, c, c, 3, 3), gy = Nd4j.rand(DataType.FLOAT, n, c, hw, hw);
        for (int r = 0; r < 15; r++) {
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
            System.out.printf("direct fwd %.2f dx %.2f dW+db %.2f | im2col fwd %.2f bwd %.2f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6,
                    (t3 - t2) / 1e6, (t4 - t3) / 1e6, (t5 - t4) / 1e6);
        }
    }
}
