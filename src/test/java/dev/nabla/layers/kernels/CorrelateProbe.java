package dev.nabla.layers.kernels;

/** DirectConv.correlate alone on data that stays in L1/L2 (one thread): the kernel's own GFLOP/s. Args: CIN CO SPAN_BLOCKS. */
public final class CorrelateProbe {
    public static void main(String[] a) {
        int cin = Integer.parseInt(a[0]), co4 = Integer.parseInt(a[1]), blocks = Integer.parseInt(a[2]), taps = 9, wp = 18;
        int L = VectorMath.lanes(), span = blocks * 3 * L, maxOff = 2 * wp + 2, plane = span + maxOff + 3 * L;
        float[] in = new float[cin * plane], wt = new float[cin * taps * co4], out = new float[co4 * span];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < in.length; i++) in[i] = r.nextFloat();
        for (int i = 0; i < wt.length; i++) wt[i] = r.nextFloat();
        int[] off = new int[taps];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) off[i * 3 + j] = i * wp + j;
        double flop = 2.0 * cin * taps * co4 * span;
        int reps = (int) Math.max(100, 3e9 / flop);
        for (int round = 0; round < 6; round++) {
            long t0 = System.nanoTime();
            for (int k = 0; k < reps; k++) DirectConv.correlate(in, plane, cin, wt, co4, off, taps, out, span);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("cin %d co %d span %d: %.1f GFLOP/s one thread (in %d KB, w %d KB)%n", cin, co4, span, flop * reps / s / 1e9,
                    in.length / 256, wt.length / 256);
        }
    }
}
