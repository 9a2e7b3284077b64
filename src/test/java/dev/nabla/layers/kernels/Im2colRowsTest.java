package dev.nabla.layers.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * FastConv's row-wise im2col and col2im against the offset-table gather and scatter they replaced
 * ({@link ConvGeometry#table()}), on geometries with odd sizes, strides, dilations, asymmetric and over-wide padding,
 * 1×1 kernels, 1-pixel inputs and rows long enough for the row-copy path: equal to the bit.
 */
class Im2colRowsTest {
    @Test void rowsEqualTheTableGatherAndScatter() {
        Random r = new Random(17);
        int checked = 0, rows = 0;
        for (int trial = 0; trial < 400; trial++) {
            int c = 1 + r.nextInt(5), h = 1 + r.nextInt(11), w = 1 + r.nextInt(trial % 2 == 0 ? 11 : 40), kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4);
            int sh = 1 + r.nextInt(3), sw = trial % 4 == 1 ? 1 : 1 + r.nextInt(3), dh = 1 + r.nextInt(2), dw = 1 + r.nextInt(2);
            int pt = r.nextInt(4), pb = r.nextInt(4), pl = r.nextInt(4), pr = r.nextInt(4);
            int oh = ConvGeometry.outSize(h, kh, sh, pt + pb, dh), ow = ConvGeometry.outSize(w, kw, sw, pl + pr, dw);
            if (oh < 1 || ow < 1) continue;
            ConvGeometry g = new ConvGeometry(1, c, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow);
            float[] x = new float[g.chw()];
            for (int i = 0; i < x.length; i++) x[i] = r.nextFloat() - 0.5f;
            int[] t = g.table();
            float[] want = new float[t.length], got = new float[t.length + 3];
            java.util.Arrays.fill(got, Float.NaN);   // every entry must be written
            for (int i = 0; i < t.length; i++) want[i] = t[i] < 0 ? 0f : x[t[i]];
            FastConv.im2col(g, x, got);
            assertArrayEquals(want, java.util.Arrays.copyOf(got, t.length), g.toString());
            float[] col = new float[t.length];
            for (int i = 0; i < col.length; i++) col[i] = r.nextFloat() - 0.5f;
            float[] dxWant = new float[x.length], dxGot = new float[x.length];
            for (int i = 0; i < x.length; i++) dxWant[i] = dxGot[i] = x[i];   // col2im accumulates
            for (int i = 0; i < t.length; i++) if (t[i] >= 0) dxWant[t[i]] += col[i];
            FastConv.col2im(g, col, dxGot);
            assertArrayEquals(dxWant, dxGot, g.toString());
            checked++;
            if (sw == 1 && ow >= 16) rows++;
        }
        org.junit.jupiter.api.Assertions.assertTrue(checked > 200 && rows > 40, "too few valid geometries: " + checked + ", " + rows + " on the row-copy path");
    }
}
