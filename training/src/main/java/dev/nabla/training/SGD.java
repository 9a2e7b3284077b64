package dev.nabla.training;

import dev.nabla.api.Optimizer;
import dev.nabla.api.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov and weight decay: PyTorch 1.13's update.
 *
 * <pre>{@code
 * Optimizer opt = new SGD(model.parameters(), 0.1);
 * Optimizer opt2 = new SGD(model.parameters(), 0.01, 0.9, 0, 5e-4, true);   // lr, momentum, dampening, weight decay, nesterov
 * }</pre>
 */
public final class SGD extends Optimizer {
    public SGD(List<Parameter> params, double lr) { this(params, lr, 0, 0, 0, false); }

    public SGD(List<Parameter> params, double lr, double momentum) { this(params, lr, momentum, 0, 0, false); }

    public SGD(List<Parameter> params, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        this(single(params), defaults(lr, momentum, dampening, weightDecay, nesterov));
    }

    /** Parameter groups (each may override options with {@code ParamGroup.with}) over these defaults. */
    public static SGD withGroups(List<ParamGroup> groups, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        return new SGD(groups, defaults(lr, momentum, dampening, weightDecay, nesterov));
    }

    private SGD(List<ParamGroup> groups, Map<String, Object> defaults) { super(groups, defaults); }

    private static Map<String, Object> defaults(double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("lr", lr);
        d.put("momentum", momentum);
        d.put("dampening", dampening);
        d.put("weight_decay", weightDecay);
        d.put("nesterov", nesterov);
        d.put("maximize", false);
        return d;
    }

    @Override protected void validate(ParamGroup g) {
        if (!(g.number("lr") >= 0)) throw new IllegalArgumentException("Invalid learning rate: " + g.number("lr"));
        if (!(g.number("momentum") >= 0)) throw new IllegalArgumentException("Invalid momentum value: " + g.number("momentum"));
        if (!(g.number("weight_decay") >= 0)) throw new IllegalArgumentException("Invalid weight_decay value: " + g.number("weight_decay"));
        if (g.flag("nesterov") && (g.number("momentum") <= 0 || g.number("dampening") != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening");
        }
    }

    @Override public void step() {
        for (ParamGroup g : paramGroups()) {
            double lr = g.lr(), momentum = g.number("momentum"), dampening = g.number("dampening"), wd = g.number("weight_decay");
            boolean nesterov = g.flag("nesterov"), maximize = g.flag("maximize");
            for (Parameter p : g.params()) {
                if (p.grad() == null) continue;
                INDArray param = p.nd();
                if (momentum != 0 && fused(param, p.grad().nd(), state(p), (float) lr, (float) momentum, (float) dampening, (float) wd, nesterov, maximize)) {
                    p.markModified();
                    continue;
                }
                INDArray d = maximize ? p.grad().nd().neg() : p.grad().nd();
                if (wd != 0) d = d.add(param.mul(wd));
                if (momentum != 0) {
                    Map<String, Object> s = state(p);
                    INDArray buf = (INDArray) s.get("momentum_buffer");
                    if (buf == null) {
                        buf = d.dup();
                        s.put("momentum_buffer", buf);
                    } else {
                        buf.muli(momentum).addi(dampening == 0 ? d : d.mul(1 - dampening));
                    }
                    d = nesterov ? d.add(buf.mul(momentum)) : buf;
                }
                if (dev.nabla.api.Blas.available() && param.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT
                        && d.dataType() == param.dataType() && dev.nabla.api.Blas.dense(param) && dev.nabla.api.Blas.dense(d)) {
                    dev.nabla.api.Blas.saxpy((float) -lr, d, param);   // in place, no temporary
                } else {
                    param.subi(d.mul(lr));
                }
                p.markModified();
            }
        }
    }

    private static final int CHUNK = 2048;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][CHUNK]);

    /**
     * The momentum update of a float32 parameter in one pass over its memory, for a C-contiguous parameter, gradient
     * and momentum buffer: per element the same float32 operations as the generic path (d = g + wd·p; buf = m·buf +
     * (1 − dampening)·d, or d on the first step; d = nesterov ? d + m·buf : buf; p −= lr·d), without the generic
     * path's temporaries (wd·p, g + wd·p) and its four passes. Returns false (nothing done) for other arrays.
     */
    private static boolean fused(INDArray param, INDArray grad, Map<String, Object> s, float lr, float m, float dampening, float wd,
                                 boolean nesterov, boolean maximize) {
        INDArray buf = (INDArray) s.get("momentum_buffer");
        boolean first = buf == null;
        if (!dev.nabla.api.Blas.available() || param.dataType() != org.nd4j.linalg.api.buffer.DataType.FLOAT
                || grad.dataType() != param.dataType() || param.length() != grad.length() || param.length() >= Integer.MAX_VALUE
                || !dev.nabla.api.Blas.dense(param) || !dev.nabla.api.Blas.dense(grad)
                || (!first && (buf.dataType() != param.dataType() || buf.length() != param.length() || !dev.nabla.api.Blas.dense(buf)))) {
            return false;
        }
        if (first) {
            buf = org.nd4j.linalg.factory.Nd4j.createUninitialized(param.dataType(), grad.shape(), 'c');
            s.put("momentum_buffer", buf);
        }
        java.nio.FloatBuffer pb = dev.nabla.api.Blas.floats(param), gb = dev.nabla.api.Blas.floats(grad), bb = dev.nabla.api.Blas.floats(buf);
        float[][] scratch = SCRATCH.get();
        float[] pa = scratch[0], ga = scratch[1], ba = scratch[2];
        float keep = 1 - dampening;
        int n = (int) param.length();
        for (int from = 0; from < n; from += CHUNK) {
            int len = Math.min(CHUNK, n - from);
            pb.get(from, pa, 0, len);
            gb.get(from, ga, 0, len);
            if (!first) bb.get(from, ba, 0, len);
            update(pa, ga, ba, len, lr, m, keep, wd, first, nesterov, maximize);
            pb.put(from, pa, 0, len);
            bb.put(from, ba, 0, len);
        }
        return true;
    }

    /** One chunk of {@link #fused} (a separate method: C2 compiles the loop on its own). */
    private static void update(float[] p, float[] g, float[] b, int len, float lr, float m, float keep, float wd, boolean first,
                               boolean nesterov, boolean maximize) {
        for (int i = 0; i < len; i++) {
            float d = maximize ? -g[i] : g[i];
            if (wd != 0) d = d + p[i] * wd;
            float v = first ? d : b[i] * m + (keep == 1 ? d : d * keep);
            b[i] = v;
            p[i] = p[i] - lr * (nesterov ? d + v * m : v);
        }
    }
}
