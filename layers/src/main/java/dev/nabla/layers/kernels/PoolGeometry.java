package dev.nabla.layers.kernels;

import java.util.stream.IntStream;

/**
 * The geometry of a 2-d pooling sweep over [N·C planes, H, W], with PyTorch's output-size rule.
 *
 * <p>Internal: public only for {@code dev.nabla.layers}; not part of the public API.
 */
public record PoolGeometry(int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int oh, int ow) {
    private static final int THREADS = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 8));

    /** PyTorch's pooling_output_shape: floor or ceil, and a last window must start inside the input or left padding. */
    public static int outSize(int in, int k, int pad, int stride, int dilation, boolean ceil) {
        int num = in + 2 * pad - dilation * (k - 1) - 1 + (ceil ? stride - 1 : 0);
        int out = Math.floorDiv(num, stride) + 1;
        if (ceil && (long) (out - 1) * stride >= in + pad) out--;
        return out;
    }

    /** Runs {@code body(from, to)} over plane ranges split across a few threads. */
    void forPlanes(java.util.function.BiConsumer<Integer, Integer> body) {
        int threads = Math.min(THREADS, Math.max(1, planes / 8));
        if (threads <= 1) {
            body.accept(0, planes);
            return;
        }
        IntStream.range(0, threads).parallel().forEach(t -> body.accept(t * planes / threads, (t + 1) * planes / threads));
    }

    /** Max over each window; the plane-local index of the maximum goes to {@code arg} (NaN wins, as PyTorch). */
    void maxForward(float[] x, float[] y, int[] arg) {
        int hw = h * w, ohw = oh * ow;
        forPlanes((from, to) -> {
            for (int pl = from; pl < to; pl++) maxPlane(x, pl * hw, y, arg, pl * ohw);
        });
    }

    /**
     * One plane starting at x[base]: each window's maximum into y[out + q] and its plane-local index into
     * arg[out + q] (the first maximum; the first NaN wins, as PyTorch).
     */
    void maxPlane(float[] x, int base, float[] y, int[] arg, int out) {
        for (int i = 0; i < oh; i++) {
            int hs = i * sh - ph;
            for (int j = 0; j < ow; j++) {
                int ws = j * sw - pw;
                float best = Float.NEGATIVE_INFINITY;
                int bi = -1;
                for (int a = 0; a < kh; a++) {
                    int ih = hs + a * dh;
                    if (ih < 0 || ih >= h) continue;
                    int row = ih * w;
                    for (int b = 0; b < kw; b++) {
                        int iw = ws + b * dw;
                        if (iw < 0 || iw >= w) continue;
                        float v = x[base + row + iw];
                        if (v > best || Float.isNaN(v) || bi < 0) { best = v; bi = row + iw; if (Float.isNaN(v)) { a = kh; break; } }
                    }
                }
                y[out + i * ow + j] = best;
                arg[out + i * ow + j] = bi;
            }
        }
    }

    /** Whether every window lies inside the plane (no padding or dilation), so {@link #maxPlaneInside} applies. */
    boolean windowsInside() {
        return ph == 0 && pw == 0 && dh == 1 && dw == 1 && (oh - 1) * sh + kh <= h && (ow - 1) * sw + kw <= w;
    }

    /** {@link #maxPlane} when {@link #windowsInside()}: no bounds tests in the sweep. */
    void maxPlaneInside(float[] x, int base, float[] y, int[] arg, int out) {
        for (int i = 0; i < oh; i++) {
            int rowStart = base + i * sh * w;
            for (int j = 0; j < ow; j++) {
                int start = rowStart + j * sw, bi = start;
                float best = x[start];
                if (best == best) {
                    outer:
                    for (int a = 0; a < kh; a++) {
                        for (int r = start + a * w, e = r + kw; r < e; r++) {
                            float v = x[r];
                            if (!(v <= best)) {   // larger, or NaN (which wins)
                                best = v;
                                bi = r;
                                if (v != v) break outer;
                            }
                        }
                    }
                }
                y[out + i * ow + j] = best;
                arg[out + i * ow + j] = bi - base;
            }
        }
    }

    void maxForward(double[] x, double[] y, int[] arg) {
        int hw = h * w, ohw = oh * ow;
        forPlanes((from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int base = pl * hw, out = pl * ohw;
                for (int i = 0; i < oh; i++) {
                    int hs = i * sh - ph;
                    for (int j = 0; j < ow; j++) {
                        int ws = j * sw - pw;
                        double best = Double.NEGATIVE_INFINITY;
                        int bi = -1;
                        for (int a = 0; a < kh; a++) {
                            int ih = hs + a * dh;
                            if (ih < 0 || ih >= h) continue;
                            int row = ih * w;
                            for (int b = 0; b < kw; b++) {
                                int iw = ws + b * dw;
                                if (iw < 0 || iw >= w) continue;
                                double v = x[base + row + iw];
                                if (v > best || Double.isNaN(v) || bi < 0) { best = v; bi = row + iw; if (Double.isNaN(v)) { a = kh; break; } }
                            }
                        }
                        y[out + i * ow + j] = best;
                        arg[out + i * ow + j] = bi;
                    }
                }
            }
        });
    }

    /** dx[argmax] += dy. */
    void maxBackward(float[] dy, int[] arg, float[] dx) {
        int hw = h * w, ohw = oh * ow;
        forPlanes((from, to) -> {
            for (int pl = from; pl < to; pl++) maxBackPlane(dy, pl * ohw, arg, pl * ohw, dx, pl * hw);
        });
    }

    /** One plane: dx[base + arg[argOff + q]] += dy[dyOff + q] (the adjoint of {@link #maxPlane}). */
    void maxBackPlane(float[] dy, int dyOff, int[] arg, int argOff, float[] dx, int base) {
        for (int q = 0, ohw = oh * ow; q < ohw; q++) {
            int a = arg[argOff + q];
            if (a >= 0) dx[base + a] += dy[dyOff + q];
        }
    }

    void maxBackward(double[] dy, int[] arg, double[] dx) {
        int hw = h * w, ohw = oh * ow;
        forPlanes((from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int base = pl * hw, out = pl * ohw;
                for (int q = 0; q < ohw; q++) {
                    int a = arg[out + q];
                    if (a >= 0) dx[base + a] += dy[out + q];
                }
            }
        });
    }

    /**
     * For average pooling, each output's window [hs, he) × [ws, we) clipped to the input, and its
     * divisor, as PyTorch's avg_pool2d: the padded window size with {@code countIncludePad}, the
     * clipped size without, or the override when it is positive.
     */
    int[] avgWindows(boolean countIncludePad, int divisorOverride) {
        int[] win = new int[oh * ow * 5];
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                int hs = i * sh - ph, ws = j * sw - pw;
                int he = Math.min(hs + kh, h + ph), we = Math.min(ws + kw, w + pw);
                int poolSize = (he - hs) * (we - ws);
                hs = Math.max(hs, 0); ws = Math.max(ws, 0);
                he = Math.min(he, h); we = Math.min(we, w);
                int div = divisorOverride > 0 ? divisorOverride : countIncludePad ? poolSize : (he - hs) * (we - ws);
                int o = (i * ow + j) * 5;
                win[o] = hs; win[o + 1] = he; win[o + 2] = ws; win[o + 3] = we; win[o + 4] = div;
            }
        }
        return win;
    }

    /** Adaptive windows: start = ⌊i·H/OH⌋, end = ⌈(i+1)·H/OH⌉, divisor the window size. */
    int[] adaptiveWindows() {
        int[] win = new int[oh * ow * 5];
        for (int i = 0; i < oh; i++) {
            int hs = (int) Math.floor((double) i * h / oh), he = (int) Math.ceil((double) (i + 1) * h / oh);
            for (int j = 0; j < ow; j++) {
                int ws = (int) Math.floor((double) j * w / ow), we = (int) Math.ceil((double) (j + 1) * w / ow);
                int o = (i * ow + j) * 5;
                win[o] = hs; win[o + 1] = he; win[o + 2] = ws; win[o + 3] = we; win[o + 4] = (he - hs) * (we - ws);
            }
        }
        return win;
    }

    /** y = Σ window / divisor, for windows from {@link #avgWindows} or {@link #adaptiveWindows}. */
    void avgForward(double[] x, double[] y, int[] win) {
        int hw = h * w, ohw = oh * ow;
        forPlanes((from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int base = pl * hw;
                for (int q = 0; q < ohw; q++) {
                    int o = q * 5;
                    double s = 0;
                    for (int a = win[o]; a < win[o + 1]; a++) for (int b = win[o + 2]; b < win[o + 3]; b++) s += x[base + a * w + b];
                    y[pl * ohw + q] = s / win[o + 4];
                }
            }
        });
    }

    void avgBackward(double[] dy, double[] dx, int[] win) {
        int hw = h * w, ohw = oh * ow;
        forPlanes((from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int base = pl * hw;
                for (int q = 0; q < ohw; q++) {
                    int o = q * 5;
                    double v = dy[pl * ohw + q] / win[o + 4];
                    for (int a = win[o]; a < win[o + 1]; a++) for (int b = win[o + 2]; b < win[o + 3]; b++) dx[base + a * w + b] += v;
                }
            }
        });
    }
}
