package dev.nabla.layers.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API forms (jdk.incubator.vector, JDK 17) of the loops C2 leaves scalar: float reductions (row max, sums,
 * dot products, LayerNorm's statistics) and {@link FastMath}'s exp with its 2^k step as lane-wise int operations on the
 * float bits (one pass instead of a vectorised pass and a scalar one). Same arithmetic as {@link FastMath} element by
 * element, so exp, and GELU's derivative, equal the fallback's bit for bit; sums add in float lanes over blocks of
 * {@link LayerNormF32#BLOCK} elements, carried in double across blocks, in a different order than the fallback's.
 * Remainders shorter than a vector run the scalar forms. Loaded only through {@link Vec}, when the module is present.
 */
final class VectorMath {
    private VectorMath() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final boolean FMA = FastMath.FMA;
    private static final int BLOCK = LayerNormF32.BLOCK;
    private static final int EXP_BIAS = (127 + 64) << 23;
    private static final float TWO_M64 = 0x1p-64f;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    static int lanes() { return L; }

    // dropout's mask (DropoutFunction); before the warm-up, which uses them
    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = S.withLanes(int.class);
    /** Elements a long vector of draws covers: two a lane (the low and the high half of one SplitMix64 word). */
    private static final int PAIR_LANES = LS.length(), DRAW = 2 * PAIR_LANES;
    private static final LongVector PAIR_IOTA = LongVector.zero(LS).addIndex(1);
    private static final IntVector BIT_IOTA = IntVector.zero(IS).addIndex(1);

    private static volatile float warmSink;
    private static final int WARM_ROUNDS = 300;

    static { warmTypeProfiles(); }

    /**
     * Runs every kind of vector operation the kernels use, each template with more operators than a type profile holds
     * (2), before any kernel does. The Vector API (JDK 17) sends all binary operations through one template method whose
     * default implementation, looked up per operator, passes a checkcast (FloatVector.lanewiseTemplate, bci 111): when
     * its type profile held only one or two operators' classes as C2 compiled a kernel, the next operator's class was an
     * uncommon trap (class_check in the compilation log). In the processes where that trap fired, GELU's steps came out
     * with their vector store to native memory left as a call (no _VectorStoreOp intrinsic), softmax's row kernel with
     * one of its two, and every such store boxed its vector: the bench peer's GELU micro-benchmark took 8.3–11.8 ms a call
     * instead of 1.8–2.6 in 8 of 17 processes (the same code in each; which operators a profile saw first depends on
     * what ran), softmax and LayerNorm slowing with it. A profile that has seen many classes is megamorphic and compiles
     * to a plain check: with this warm-up the trap and the slow processes were gone (0 of 8). It costs about 65 ms,
     * once, when the kernels first load (VectorMath's class initialisation: 87–93 ms with it, 23–27 ms without).
     */
    private static void warmTypeProfiles() {
        float[] a = new float[2 * L];
        for (int i = 0; i < a.length; i++) a[i] = 1 + 0.25f * i;
        ByteBuffer bb = ByteBuffer.allocateDirect(4 * L).order(NATIVE);
        float sink = 0;
        for (int round = 0; round < WARM_ROUNDS; round++) {
            FloatVector u = FloatVector.fromArray(S, a, 0), w = FloatVector.fromArray(S, a, L);
            FloatVector v = u.add(w).sub(u).mul(w).div(u).min(w).max(u);
            v = v.add(1f).sub(0.5f).mul(0.75f).div(1.25f).min(100f).max(-100f);
            v = v.neg().abs().sqrt().neg().abs();
            v = v.blend(u, v.lt(w)).blend(w, v.compare(VectorOperators.GT, u)).blend(u, v.compare(VectorOperators.LE, 0f))
                    .blend(w, v.compare(VectorOperators.GE, 1f));
            v = v.fma(u, w).fma(0.5f, 0.25f);
            v = v.reinterpretAsInts().lanewise(VectorOperators.LSHL, 1).lanewise(VectorOperators.LSHR, 1).add(1).sub(1)
                    .lanewise(VectorOperators.AND, -1).reinterpretAsFloats();
            sink += v.reduceLanes(VectorOperators.ADD) + v.reduceLanes(VectorOperators.MAX) + v.reduceLanes(VectorOperators.MIN);
            v.intoByteBuffer(bb, 0, NATIVE);
            v.intoArray(a, L);
            sink += FloatVector.fromByteBuffer(S, bb, 0, NATIVE).reduceLanes(VectorOperators.ADD);
            a[L] = 1 + 0.25f * L;
            LongVector z = LongVector.broadcast(LS, round).add(3).mul(5).sub(1);
            z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 3)).and(0xFFFFL).or(1).lanewise(VectorOperators.LSHL, 1);
            sink += z.reinterpretAsInts().lanewise(VectorOperators.LSHL, BIT_IOTA).neg().reduceLanes(VectorOperators.OR);
        }
        warmSink = sink;
    }

    private static FloatVector mad(FloatVector a, FloatVector b, float c) {
        return FMA ? a.fma(b, FloatVector.broadcast(S, c)) : a.mul(b).add(c);
    }

    private static FloatVector mad(FloatVector a, float b, FloatVector c) {
        return FMA ? a.fma(FloatVector.broadcast(S, b), c) : a.mul(b).add(c);
    }

    /** FastMath's exp of every lane, after its clamps (as {@link FastMath#exp1}). */
    private static FloatVector exp(FloatVector x) {
        x = x.min(FastMath.EXP_HI).max(FastMath.EXP_LO);
        FloatVector t = x.mul(FastMath.LOG2E).add(FastMath.ROUND), k = t.sub(FastMath.ROUND);
        FloatVector r = mad(k, -FastMath.LN2_LO, mad(k, -FastMath.LN2_HI, x));
        FloatVector q = mad(mad(mad(mad(r, FastMath.E4, FloatVector.broadcast(S, FastMath.E3)), r, FastMath.E2), r, FastMath.E1), r, FastMath.E0);
        FloatVector rr = r.mul(r), p = (FMA ? rr.fma(q, r) : rr.mul(q).add(r)).add(1f);
        FloatVector pow2 = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).add(EXP_BIAS).reinterpretAsFloats();
        return p.mul(pow2).mul(TWO_M64);
    }

    /** max of a[from, to) (NaN propagates); −inf for an empty range. */
    static float max(float[] a, int from, int to) {
        int i = from, bound = from + S.loopBound(to - from);
        float m = Float.NEGATIVE_INFINITY;
        if (i < bound) {
            FloatVector v = FloatVector.fromArray(S, a, i);
            for (i += L; i < bound; i += L) v = v.max(FloatVector.fromArray(S, a, i));
            m = v.reduceLanes(VectorOperators.MAX);
        }
        for (; i < to; i++) m = Math.max(m, a[i]);
        return m;
    }

    /** Σ a[from, to), in float lanes over blocks, in double across. */
    static double sum(float[] a, int from, int to) {
        double s = 0;
        int i = from;
        while (to - i >= L) {
            int e = i + S.loopBound(Math.min(BLOCK, to - i));
            FloatVector v = FloatVector.zero(S);
            for (; i < e; i += L) v = v.add(FloatVector.fromArray(S, a, i));
            s += v.reduceLanes(VectorOperators.ADD);
        }
        for (; i < to; i++) s += a[i];
        return s;
    }

    /** Σ a·b over [from, to) (float products), as {@link #sum}. */
    static double dot(float[] a, float[] b, int from, int to) {
        double s = 0;
        int i = from;
        while (to - i >= L) {
            int e = i + S.loopBound(Math.min(BLOCK, to - i));
            FloatVector v = FloatVector.zero(S);
            for (; i < e; i += L) v = v.add(FloatVector.fromArray(S, a, i).mul(FloatVector.fromArray(S, b, i)));
            s += v.reduceLanes(VectorOperators.ADD);
        }
        for (; i < to; i++) s += a[i] * b[i];
        return s;
    }

    /** out = exp(a − shift) over [from, to) (out may be a); returns the sum of the results, as {@link #sum}. */
    static double expSum(float[] a, float shift, float[] out, int from, int to) {
        double s = 0;
        int i = from;
        while (to - i >= L) {
            int e = i + S.loopBound(Math.min(BLOCK, to - i));
            FloatVector acc = FloatVector.zero(S);
            for (; i < e; i += L) {
                FloatVector y = exp(FloatVector.fromArray(S, a, i).sub(shift));
                y.intoArray(out, i);
                acc = acc.add(y);
            }
            s += acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < to; i++) {
            float y = FastMath.exp1(a[i] - shift);
            out[i] = y;
            s += y;
        }
        return s;
    }

    /** out = exp(a) over [from, to) (out may be a). */
    static void exp(float[] a, float[] out, int from, int to) {
        int i = from, bound = from + S.loopBound(to - from);
        for (; i < bound; i += L) exp(FloatVector.fromArray(S, a, i)).intoArray(out, i);
        for (; i < to; i++) out[i] = FastMath.exp1(a[i]);
    }

    /** out = exp(−a²/2) over [from, to), −a²/2 rounded to float first (as {@link FastMath#gaussian}). */
    static void gaussian(float[] a, float[] out, int from, int to) {
        int i = from, bound = from + S.loopBound(to - from);
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, a, i);
            exp(v.mul(-0.5f).mul(v)).intoArray(out, i);
        }
        for (; i < to; i++) out[i] = FastMath.exp1(-0.5f * a[i] * a[i]);
    }

    /** acc += {Σ (h − k), Σ (h − k)²} over [0, len) (LayerNorm's shifted statistics). */
    static void deviationSums(float[] h, float k, int len, double[] acc) {
        double s = acc[0], q = acc[1];
        int i = 0;
        while (len - i >= L) {
            int e = i + S.loopBound(Math.min(BLOCK, len - i));
            FloatVector vs = FloatVector.zero(S), vq = FloatVector.zero(S), ws = vs, wq = vs;   // two chains: even and odd vectors
            for (; i + L < e; i += 2 * L) {
                FloatVector t = FloatVector.fromArray(S, h, i).sub(k), u = FloatVector.fromArray(S, h, i + L).sub(k);
                vs = vs.add(t);
                vq = vq.add(t.mul(t));
                ws = ws.add(u);
                wq = wq.add(u.mul(u));
            }
            if (i < e) {
                FloatVector t = FloatVector.fromArray(S, h, i).sub(k);
                vs = vs.add(t);
                vq = vq.add(t.mul(t));
                i += L;
            }
            s += vs.add(ws).reduceLanes(VectorOperators.ADD);
            q += vq.add(wq).reduceLanes(VectorOperators.ADD);
        }
        for (; i < len; i++) {
            float t = h[i] - k;
            s += t;
            q += t * t;
        }
        acc[0] = s;
        acc[1] = q;
    }

    /**
     * g = g·w over [0, len), and acc = {Σ g·w, Σ g·w·(x − m)} (LayerNorm's backward sums; acc overwritten).
     */
    static void weighSums(float[] x, float[] g, float[] w, float m, int len, double[] acc) {
        double a = 0, c = 0;
        int i = 0;
        while (len - i >= L) {
            int e = i + S.loopBound(Math.min(BLOCK, len - i));
            FloatVector va = FloatVector.zero(S), vc = FloatVector.zero(S);
            for (; i < e; i += L) {
                FloatVector gw = FloatVector.fromArray(S, g, i).mul(FloatVector.fromArray(S, w, i));
                gw.intoArray(g, i);
                va = va.add(gw);
                vc = vc.add(gw.mul(FloatVector.fromArray(S, x, i).sub(m)));
            }
            a += va.reduceLanes(VectorOperators.ADD);
            c += vc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < len; i++) {
            float gw = g[i] * w[i];
            g[i] = gw;
            a += gw;
            c += gw * (x[i] - m);
        }
        acc[0] = a;
        acc[1] = c;
    }

    // The GELU steps, with and without FMA: only Vector API (force-inlined) calls, no mad helpers, so that C2 inlines the
    // whole step within its budget (a step with mad calls left some of them out, and boxed vectors). Each is
    // GeluFunction's scalar arithmetic lane by lane: e = exp(−x²/2) (FastMath's exp after its lower clamp, as a compare
    // and blend: −x²/2 is never above the upper one), Φ from Abramowitz & Stegun 7.1.26 with that same e.

    private static void geluFma(ByteBuffer xb, ByteBuffer yb, int b) {
        FloatVector x = FloatVector.fromByteBuffer(S, xb, b, NATIVE);
        FloatVector v = x.mul(-0.5f).mul(x);
        v = v.blend(FastMath.EXP_LO, v.lt(FastMath.EXP_LO));
        FloatVector t = v.mul(FastMath.LOG2E).add(FastMath.ROUND), k = t.sub(FastMath.ROUND);
        FloatVector r = k.fma(FloatVector.broadcast(S, -FastMath.LN2_LO), k.fma(FloatVector.broadcast(S, -FastMath.LN2_HI), v));
        FloatVector h = r.fma(FastMath.E4, FastMath.E3).fma(r, FloatVector.broadcast(S, FastMath.E2)).fma(r, FloatVector.broadcast(S, FastMath.E1))
                .fma(r, FloatVector.broadcast(S, FastMath.E0));
        FloatVector pow2 = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).add(EXP_BIAS).reinterpretAsFloats();
        FloatVector e = r.mul(r).fma(h, r).add(1f).mul(pow2).mul(TWO_M64);
        FloatVector u = ONE.div(x.abs().mul(SQRT_HALF_F).fma(GeluFunction.AS_P, 1f));
        FloatVector half = u.fma(GeluFunction.H5, GeluFunction.H4).fma(u, FloatVector.broadcast(S, GeluFunction.H3))
                .fma(u, FloatVector.broadcast(S, GeluFunction.H2)).fma(u, FloatVector.broadcast(S, GeluFunction.H1)).mul(u).mul(e);
        x.mul(ONE.sub(half).blend(half, x.lt(0f))).intoByteBuffer(yb, b, NATIVE);
    }

    private static void geluMulAdd(ByteBuffer xb, ByteBuffer yb, int b) {
        FloatVector x = FloatVector.fromByteBuffer(S, xb, b, NATIVE);
        FloatVector v = x.mul(-0.5f).mul(x);
        v = v.blend(FastMath.EXP_LO, v.lt(FastMath.EXP_LO));
        FloatVector t = v.mul(FastMath.LOG2E).add(FastMath.ROUND), k = t.sub(FastMath.ROUND);
        FloatVector r = k.mul(-FastMath.LN2_LO).add(k.mul(-FastMath.LN2_HI).add(v));
        FloatVector h = r.mul(FastMath.E4).add(FastMath.E3).mul(r).add(FastMath.E2).mul(r).add(FastMath.E1).mul(r).add(FastMath.E0);
        FloatVector pow2 = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).add(EXP_BIAS).reinterpretAsFloats();
        FloatVector e = r.mul(r).mul(h).add(r).add(1f).mul(pow2).mul(TWO_M64);
        FloatVector u = ONE.div(x.abs().mul(SQRT_HALF_F).mul(GeluFunction.AS_P).add(1f));
        FloatVector half = u.mul(GeluFunction.H5).add(GeluFunction.H4).mul(u).add(GeluFunction.H3).mul(u).add(GeluFunction.H2).mul(u)
                .add(GeluFunction.H1).mul(u).mul(e);
        x.mul(ONE.sub(half).blend(half, x.lt(0f))).intoByteBuffer(yb, b, NATIVE);
    }

    private static void geluGradFma(ByteBuffer xb, ByteBuffer gb, ByteBuffer db, int b) {
        FloatVector x = FloatVector.fromByteBuffer(S, xb, b, NATIVE);
        FloatVector v = x.mul(-0.5f).mul(x);
        v = v.blend(FastMath.EXP_LO, v.lt(FastMath.EXP_LO));
        FloatVector t = v.mul(FastMath.LOG2E).add(FastMath.ROUND), k = t.sub(FastMath.ROUND);
        FloatVector r = k.fma(FloatVector.broadcast(S, -FastMath.LN2_LO), k.fma(FloatVector.broadcast(S, -FastMath.LN2_HI), v));
        FloatVector h = r.fma(FastMath.E4, FastMath.E3).fma(r, FloatVector.broadcast(S, FastMath.E2)).fma(r, FloatVector.broadcast(S, FastMath.E1))
                .fma(r, FloatVector.broadcast(S, FastMath.E0));
        FloatVector pow2 = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).add(EXP_BIAS).reinterpretAsFloats();
        FloatVector e = r.mul(r).fma(h, r).add(1f).mul(pow2).mul(TWO_M64);
        FloatVector u = ONE.div(x.abs().mul(SQRT_HALF_F).fma(GeluFunction.AS_P, 1f));
        FloatVector half = u.fma(GeluFunction.H5, GeluFunction.H4).fma(u, FloatVector.broadcast(S, GeluFunction.H3))
                .fma(u, FloatVector.broadcast(S, GeluFunction.H2)).fma(u, FloatVector.broadcast(S, GeluFunction.H1)).mul(u).mul(e);
        FloatVector cdf = ONE.sub(half).blend(half, x.lt(0f));
        FloatVector.fromByteBuffer(S, gb, b, NATIVE).mul(cdf.add(x.mul(e).mul(INV_SQRT_2PI_F))).intoByteBuffer(db, b, NATIVE);
    }

    private static void geluGradMulAdd(ByteBuffer xb, ByteBuffer gb, ByteBuffer db, int b) {
        FloatVector x = FloatVector.fromByteBuffer(S, xb, b, NATIVE);
        FloatVector v = x.mul(-0.5f).mul(x);
        v = v.blend(FastMath.EXP_LO, v.lt(FastMath.EXP_LO));
        FloatVector t = v.mul(FastMath.LOG2E).add(FastMath.ROUND), k = t.sub(FastMath.ROUND);
        FloatVector r = k.mul(-FastMath.LN2_LO).add(k.mul(-FastMath.LN2_HI).add(v));
        FloatVector h = r.mul(FastMath.E4).add(FastMath.E3).mul(r).add(FastMath.E2).mul(r).add(FastMath.E1).mul(r).add(FastMath.E0);
        FloatVector pow2 = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).add(EXP_BIAS).reinterpretAsFloats();
        FloatVector e = r.mul(r).mul(h).add(r).add(1f).mul(pow2).mul(TWO_M64);
        FloatVector u = ONE.div(x.abs().mul(SQRT_HALF_F).mul(GeluFunction.AS_P).add(1f));
        FloatVector half = u.mul(GeluFunction.H5).add(GeluFunction.H4).mul(u).add(GeluFunction.H3).mul(u).add(GeluFunction.H2).mul(u)
                .add(GeluFunction.H1).mul(u).mul(e);
        FloatVector cdf = ONE.sub(half).blend(half, x.lt(0f));
        FloatVector.fromByteBuffer(S, gb, b, NATIVE).mul(cdf.add(x.mul(e).mul(INV_SQRT_2PI_F))).intoByteBuffer(db, b, NATIVE);
    }

    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    private static final float SQRT_HALF_F = (float) Math.sqrt(0.5), INV_SQRT_2PI_F = (float) (1 / Math.sqrt(2 * Math.PI));

    /*
     * The GELU loops below call steps that spell out exp and Φ instead of calling exp(FloatVector)-like helpers: a
     * lane-wise helper that C2 has already compiled on its own (it is hot from the interpreted first iterations) is not
     * inlined into the loop once its code is bigger than InlineSmallCode, and then every vector passed to it or returned
     * is boxed on the heap: slower than the scalar fallback, with garbage at every element. The steps take only buffers
     * and offsets, so nothing is boxed even where one is not inlined.
     */

    /**
     * y = GELU(x) = x·Φ(x) over floats [from, to) of native memory (native order), read and written in place, with
     * {@link GeluFunction#gelu32}'s arithmetic lane by lane (the remainder shorter than a vector with it).
     */
    static void gelu(ByteBuffer xb, ByteBuffer yb, int from, int to) {
        int i = from, bound = from + S.loopBound(to - from);
        if (FMA) for (; i < bound; i += L) geluFma(xb, yb, 4 * i);
        else for (; i < bound; i += L) geluMulAdd(xb, yb, 4 * i);
        for (; i < to; i++) yb.putFloat(4 * i, GeluFunction.gelu32(xb.getFloat(4 * i)));
    }

    /**
     * dx = g·(Φ(x) + x·exp(−x²/2)/√(2π)) over floats [from, to) of native memory in one pass, with
     * {@link GeluFunction#geluGrad32}'s arithmetic lane by lane (one exp(−x²/2) for Φ and the density).
     */
    static void geluGrad(ByteBuffer xb, ByteBuffer gb, ByteBuffer db, int from, int to) {
        int i = from, bound = from + S.loopBound(to - from);
        if (FMA) for (; i < bound; i += L) geluGradFma(xb, gb, db, 4 * i);
        else for (; i < bound; i += L) geluGradMulAdd(xb, gb, db, 4 * i);
        for (; i < to; i++) db.putFloat(4 * i, GeluFunction.geluGrad32(xb.getFloat(4 * i), gb.getFloat(4 * i)));
    }

    private static FloatVector at(ByteBuffer b, int i) { return FloatVector.fromByteBuffer(S, b, 4 * i, NATIVE); }

    /**
     * acc += {Σ (x − k), Σ (x − k)²} over floats [off, off + len) of {@code xb} in native memory: {@link #deviationSums}
     * without the heap copy, same arithmetic in the same order.
     */
    static void deviationSums(ByteBuffer xb, int off, float k, int len, double[] acc) {
        double s = acc[0], q = acc[1];
        int i = 0;
        while (len - i >= L) {
            int e = i + S.loopBound(Math.min(BLOCK, len - i));
            FloatVector vs = FloatVector.zero(S), vq = FloatVector.zero(S), ws = vs, wq = vs;
            for (; i + L < e; i += 2 * L) {
                FloatVector t = at(xb, off + i).sub(k), u = at(xb, off + i + L).sub(k);
                vs = vs.add(t);
                vq = vq.add(t.mul(t));
                ws = ws.add(u);
                wq = wq.add(u.mul(u));
            }
            if (i < e) {
                FloatVector t = at(xb, off + i).sub(k);
                vs = vs.add(t);
                vq = vq.add(t.mul(t));
                i += L;
            }
            s += vs.add(ws).reduceLanes(VectorOperators.ADD);
            q += vq.add(wq).reduceLanes(VectorOperators.ADD);
        }
        for (; i < len; i++) {
            float t = xb.getFloat(4 * (off + i)) - k;
            s += t;
            q += t * t;
        }
        acc[0] = s;
        acc[1] = q;
    }

    /**
     * y = (x − m)·s·w + b over floats [off, off + len) of {@code xb} → {@code yb} (native memory), w and b from
     * {@code wo}: LayerNorm's normalisation, as the heap loop element by element.
     */
    static void normalize(ByteBuffer xb, ByteBuffer yb, int off, int len, float m, float s, float[] w, float[] b, int wo) {
        int i = 0, bound = S.loopBound(len);
        for (; i < bound; i += L) {
            at(xb, off + i).sub(m).mul(s).mul(FloatVector.fromArray(S, w, wo + i)).add(FloatVector.fromArray(S, b, wo + i))
                    .intoByteBuffer(yb, 4 * (off + i), NATIVE);
        }
        for (; i < len; i++) yb.putFloat(4 * (off + i), (xb.getFloat(4 * (off + i)) - m) * s * w[wo + i] + b[wo + i]);
    }

    /**
     * LayerNorm's backward sums over floats [off, off + len) of x and g in native memory, w from {@code wo}:
     * acc = {Σ g·w, Σ g·w·(x − m)} (overwritten, as {@link #weighSums}) and, when {@code fw} is not null,
     * fw += g·((x − m)·s), fb += g from {@code wo}; the heap loops' arithmetic and order, in one pass.
     */
    static void gradSums(ByteBuffer xb, ByteBuffer gb, int off, int len, float m, float s, float[] w, int wo, float[] fw, float[] fb,
                         double[] acc) {
        double a = 0, c = 0;
        int i = 0;
        boolean params = fw != null;
        while (len - i >= L) {
            int e = i + S.loopBound(Math.min(BLOCK, len - i));
            FloatVector va = FloatVector.zero(S), vc = FloatVector.zero(S);
            if (params) {
                for (; i < e; i += L) {
                    FloatVector g = at(gb, off + i), xm = at(xb, off + i).sub(m);
                    FloatVector.fromArray(S, fw, wo + i).add(g.mul(xm.mul(s))).intoArray(fw, wo + i);
                    FloatVector.fromArray(S, fb, wo + i).add(g).intoArray(fb, wo + i);
                    FloatVector gw = g.mul(FloatVector.fromArray(S, w, wo + i));
                    va = va.add(gw);
                    vc = vc.add(gw.mul(xm));
                }
            } else {
                for (; i < e; i += L) {
                    FloatVector gw = at(gb, off + i).mul(FloatVector.fromArray(S, w, wo + i));
                    va = va.add(gw);
                    vc = vc.add(gw.mul(at(xb, off + i).sub(m)));
                }
            }
            a += va.reduceLanes(VectorOperators.ADD);
            c += vc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < len; i++) {
            float g = gb.getFloat(4 * (off + i)), xm = xb.getFloat(4 * (off + i)) - m;
            if (params) {
                fw[wo + i] += g * (xm * s);
                fb[wo + i] += g;
            }
            float gw = g * w[wo + i];
            a += gw;
            c += gw * xm;
        }
        acc[0] = a;
        acc[1] = c;
    }

    /**
     * {@link #gradSums} of two rows at floats {@code off0} and {@code off1} (m0, s0 and m1, s1) with the weight and bias
     * gradients: fw and fb are read and written once for both, adding the first row's terms then the second's, so the
     * results equal two calls bit for bit; acc = {a0, c0, a1, c1}.
     */
    static void gradSums2(ByteBuffer xb, ByteBuffer gb, int off0, int off1, int len, float m0, float s0, float m1, float s1, float[] w,
                          int wo, float[] fw, float[] fb, double[] acc) {
        double a0 = 0, c0 = 0, a1 = 0, c1 = 0;
        int i = 0;
        while (len - i >= L) {
            int e = i + S.loopBound(Math.min(BLOCK, len - i));
            FloatVector va0 = FloatVector.zero(S), vc0 = va0, va1 = va0, vc1 = va0;
            for (; i < e; i += L) {
                FloatVector g0 = at(gb, off0 + i), xm0 = at(xb, off0 + i).sub(m0);
                FloatVector g1 = at(gb, off1 + i), xm1 = at(xb, off1 + i).sub(m1);
                FloatVector wv = FloatVector.fromArray(S, w, wo + i);
                FloatVector.fromArray(S, fw, wo + i).add(g0.mul(xm0.mul(s0))).add(g1.mul(xm1.mul(s1))).intoArray(fw, wo + i);
                FloatVector.fromArray(S, fb, wo + i).add(g0).add(g1).intoArray(fb, wo + i);
                FloatVector gw0 = g0.mul(wv), gw1 = g1.mul(wv);
                va0 = va0.add(gw0);
                vc0 = vc0.add(gw0.mul(xm0));
                va1 = va1.add(gw1);
                vc1 = vc1.add(gw1.mul(xm1));
            }
            a0 += va0.reduceLanes(VectorOperators.ADD);
            c0 += vc0.reduceLanes(VectorOperators.ADD);
            a1 += va1.reduceLanes(VectorOperators.ADD);
            c1 += vc1.reduceLanes(VectorOperators.ADD);
        }
        for (; i < len; i++) {
            float g0 = gb.getFloat(4 * (off0 + i)), xm0 = xb.getFloat(4 * (off0 + i)) - m0;
            float g1 = gb.getFloat(4 * (off1 + i)), xm1 = xb.getFloat(4 * (off1 + i)) - m1;
            fw[wo + i] += g0 * (xm0 * s0);
            fb[wo + i] += g0;
            fw[wo + i] += g1 * (xm1 * s1);
            fb[wo + i] += g1;
            float gw0 = g0 * w[wo + i], gw1 = g1 * w[wo + i];
            a0 += gw0;
            c0 += gw0 * xm0;
            a1 += gw1;
            c1 += gw1 * xm1;
        }
        acc[0] = a0;
        acc[1] = c0;
        acc[2] = a1;
        acc[3] = c1;
    }

    /**
     * dx = s·(g·w − ca − (x − m)·(s·cb)) over floats [off, off + len) of x, g → dx (native memory), w from {@code wo}:
     * LayerNorm's input gradient, as the heap loop element by element.
     */
    static void inputGrad(ByteBuffer xb, ByteBuffer gb, ByteBuffer db, int off, int len, float m, float s, float[] w, int wo, float ca,
                          float cb) {
        float scb = s * cb;
        int i = 0, bound = S.loopBound(len);
        for (; i < bound; i += L) {
            FloatVector gw = at(gb, off + i).mul(FloatVector.fromArray(S, w, wo + i));
            gw.sub(ca).sub(at(xb, off + i).sub(m).mul(scb)).mul(s).intoByteBuffer(db, 4 * (off + i), NATIVE);
        }
        for (; i < len; i++) {
            int b = 4 * (off + i);
            db.putFloat(b, s * (gb.getFloat(b) * w[wo + i] - ca - (xb.getFloat(b) - m) * scb));
        }
    }

    /**
     * One softmax row read from and written to native memory: x floats [off, off + n) of {@code xb} → y of {@code yb}
     * (both native order), with {@code e} heap scratch of n floats for the exponentials. The same arithmetic, in the same
     * order, as {@link #max}, {@link #expSum} and the scale on a heap copy, without the copies in and out.
     */
    static void softmaxRow(ByteBuffer xb, ByteBuffer yb, int off, int n, float[] e) {
        int bound = S.loopBound(n);
        float m = Float.NEGATIVE_INFINITY;
        int i = 0;
        if (bound > 0) {
            FloatVector v = FloatVector.fromByteBuffer(S, xb, 4 * off, NATIVE);
            for (i = L; i < bound; i += L) v = v.max(FloatVector.fromByteBuffer(S, xb, 4 * (off + i), NATIVE));
            m = v.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) m = Math.max(m, xb.getFloat(4 * (off + i)));
        double s = 0;
        i = 0;
        while (n - i >= L) {
            int end = i + S.loopBound(Math.min(BLOCK, n - i));
            FloatVector acc = FloatVector.zero(S);
            for (; i < end; i += L) {
                FloatVector y = exp(FloatVector.fromByteBuffer(S, xb, 4 * (off + i), NATIVE).sub(m));
                y.intoArray(e, i);
                acc = acc.add(y);
            }
            s += acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            float y = FastMath.exp1(xb.getFloat(4 * (off + i)) - m);
            e[i] = y;
            s += y;
        }
        float inv = (float) (1 / s);
        for (i = 0; i < bound; i += L) FloatVector.fromArray(S, e, i).mul(inv).intoByteBuffer(yb, 4 * (off + i), NATIVE);
        for (; i < n; i++) yb.putFloat(4 * (off + i), e[i] * inv);
    }

    /**
     * One softmax row's input gradient in native memory: dx = y·(g − Σ g·y) over floats [off, off + n), the same
     * arithmetic and order as {@link #dot} and the update on heap copies.
     */
    static void softmaxGradRow(ByteBuffer yb, ByteBuffer gb, ByteBuffer db, int off, int n) {
        double d = 0;
        int i = 0;
        while (n - i >= L) {
            int end = i + S.loopBound(Math.min(BLOCK, n - i));
            FloatVector v = FloatVector.zero(S);
            for (; i < end; i += L) {
                int b = 4 * (off + i);
                v = v.add(FloatVector.fromByteBuffer(S, gb, b, NATIVE).mul(FloatVector.fromByteBuffer(S, yb, b, NATIVE)));
            }
            d += v.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) d += gb.getFloat(4 * (off + i)) * yb.getFloat(4 * (off + i));
        float df = (float) d;
        int bound = S.loopBound(n);
        for (i = 0; i < bound; i += L) {
            int b = 4 * (off + i);
            FloatVector y = FloatVector.fromByteBuffer(S, yb, b, NATIVE);
            y.mul(FloatVector.fromByteBuffer(S, gb, b, NATIVE).sub(df)).intoByteBuffer(db, b, NATIVE);
        }
        for (; i < n; i++) {
            int b = 4 * (off + i);
            db.putFloat(b, yb.getFloat(b) * (gb.getFloat(b) - df));
        }
    }

    // ---------------------------------------------------------------- dropout's mask (DropoutFunction)


    /** Whether {@link #dropoutDraw} and {@link #dropoutExpand} apply: the float and the long species of one shape. */
    static boolean dropoutLanes() { return DRAW == L && 64 % DRAW == 0; }

    /**
     * DropoutFunction's draw for the complete words of elements [from, from + len) (from a multiple of 64): the same
     * SplitMix64 of (seed, e/2 + 1) per pair of elements, the low half for the even element, the high half for the odd,
     * kept where the half is at least {@code threshold}; sets the mask's words and writes each element's factor (s
     * kept, 0 dropped) into mf[e − from]. Returns the elements done (len rounded down to 64).
     */
    static int dropoutDraw(long seed, long threshold, int from, int len, long[] bits, float[] mf, float s) {
        int sf = Float.floatToRawIntBits(s), words = len >>> 6;
        for (int w = 0; w < words; w++) {
            long word = 0;
            for (int c = 0; c < 64; c += DRAW) {
                int at = (w << 6) + c;
                long q = ((long) (from + at) >>> 1) + 1;
                LongVector z = PAIR_IOTA.add(q).mul(0x9E3779B97F4A7C15L).add(seed);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(0x94D049BB133111EBL);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
                // 1 where kept: (half − threshold) has its sign bit clear; the low half in the low int lane
                LongVector lo = z.and(0xFFFFFFFFL).sub(threshold).lanewise(VectorOperators.LSHR, 63);
                LongVector hi = z.lanewise(VectorOperators.LSHR, 32).sub(threshold).lanewise(VectorOperators.LSHR, 63);
                IntVector kept = lo.or(hi.lanewise(VectorOperators.LSHL, 32)).lanewise(VectorOperators.XOR, 0x0000000100000001L).reinterpretAsInts();
                word |= Integer.toUnsignedLong(kept.lanewise(VectorOperators.LSHL, BIT_IOTA).reduceLanes(VectorOperators.OR)) << c;
                kept.neg().and(sf).reinterpretAsFloats().intoArray(mf, at);
            }
            bits[(from >>> 6) + w] = word;
        }
        return words << 6;
    }

    /** The factors (s kept, 0 dropped) of the complete words of elements [from, from + len) into mf; returns the elements done. */
    static int dropoutExpand(long[] bits, int from, int len, float[] mf, float s) {
        int sf = Float.floatToRawIntBits(s), words = len >>> 6;
        for (int w = 0; w < words; w++) {
            long word = bits[(from >>> 6) + w];
            for (int c = 0; c < 64; c += DRAW) {
                IntVector.broadcast(IS, (int) (word >>> c)).lanewise(VectorOperators.LSHR, BIT_IOTA).and(1).neg().and(sf)
                        .reinterpretAsFloats().intoArray(mf, (w << 6) + c);
            }
        }
        return words << 6;
    }
}
