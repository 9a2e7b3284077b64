package dev.nabla.api;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Pointwise functions of one tensor. One small class per op. */
final class UnaryOps {
    private UnaryOps() {}

    /** Integer and bool inputs of floating-point functions are computed in the default dtype, as PyTorch. */
    static INDArray fp(INDArray x) {
        return x.dataType().isFPType() ? x : x.castTo(Nabla.defaultDtype().nd());
    }

    static final class Neg extends Function {
        @Override protected INDArray forward(INDArray... x) { return x[0].neg(); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g.neg()}; }
    }

    static final class Exp extends Function {
        @Override protected INDArray forward(INDArray... x) { saveOutput(); return Transforms.exp(fp(x[0]), true); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g.mul(output())}; }
    }

    static final class Log extends Function {
        @Override protected INDArray forward(INDArray... x) { return Transforms.log(fp(x[0]), true); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g.div(input(0).castTo(g.dataType()))}; }
    }

    static final class Sqrt extends Function {
        @Override protected INDArray forward(INDArray... x) { saveOutput(); return Transforms.sqrt(fp(x[0]), true); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g.div(output().mul(2))}; }
    }

    static final class Abs extends Function {
        @Override protected INDArray forward(INDArray... x) { return Transforms.abs(x[0], true); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g.mul(Transforms.sign(input(0), true).castTo(g.dataType()))}; }
    }

    /** sign(x); its gradient is zero everywhere (zeros, not g · 0, which is NaN for an infinite g). */
    static final class Sign extends Function {
        @Override protected INDArray forward(INDArray... x) { return Transforms.sign(x[0], true); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {Nd4j.zeros(g.dataType(), g.shape())}; }
    }

    static final class Sin extends Function {
        @Override protected INDArray forward(INDArray... x) { return Transforms.sin(fp(x[0]), true); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g.mul(Transforms.cos(input(0).castTo(g.dataType()), true))}; }
    }

    static final class Cos extends Function {
        @Override protected INDArray forward(INDArray... x) { return Transforms.cos(fp(x[0]), true); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g.mul(Transforms.sin(input(0).castTo(g.dataType()), true)).negi()}; }
    }

    static final class Tanh extends Function {
        @Override protected INDArray forward(INDArray... x) { saveOutput(); return Transforms.tanh(fp(x[0]), true); }
        @Override protected INDArray[] backward(INDArray g) { // g · (1 − y²)
            INDArray y = output();
            return new INDArray[] {y.mul(y).rsubi(1).muli(g)}; // one temporary, not two
        }
    }

    static final class Sigmoid extends Function {
        @Override protected INDArray forward(INDArray... x) { saveOutput(); return Transforms.sigmoid(fp(x[0]), true); }
        @Override protected INDArray[] backward(INDArray g) { // g · y · (1 − y)
            INDArray y = output();
            return new INDArray[] {g.mul(y).muli(y.rsub(1))};
        }
    }

    static final class Relu extends Function {
        /** Whether the forward writes into its input ({@link Tensor#relu_()}: only where {@link #reluWritesInPlace} holds). */
        private final boolean inPlace;
        Relu() { this(false); }
        Relu(boolean inPlace) { this.inPlace = inPlace; }
        @Override protected INDArray forward(INDArray... x) {
            saveOutput();
            if (inPlace) return keepWherePositive(x[0], x[0], x[0]);
            if (!x[0].dataType().isFPType()) return Transforms.relu(x[0], true);
            if (x[0].dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT && Blas.available() && x[0].length() < Integer.MAX_VALUE) {
                return reluBits(Blas.denseC(x[0]));
            }
            INDArray out = Pool.uninitialized(x[0].dataType(), x[0].shape());
            org.nd4j.linalg.factory.Nd4j.exec(new org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear(x[0], out, 0.0));
            return out;
        }
        @Override protected INDArray[] backward(INDArray g) {
            INDArray y = output();
            if (!g.dataType().isFPType() || y.dataType() != g.dataType()) {
                return new INDArray[] {g.mul(y.gt(0).castTo(g.dataType()))};
            }
            if (g.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT && Blas.available() && g.length() < Integer.MAX_VALUE) {
                // into g itself when the walk holds it alone: each chunk of g is read before it is written
                if (gradOutputWritable() && Blas.dense(g)) return new INDArray[] {keepWherePositive(Blas.denseC(y), g, g)};
                return new INDArray[] {reluBackwardBits(Blas.denseC(y), Blas.denseC(g))};
            }
            // g where y > 0, else 0: two legacy passes (step, multiply) into one array, ~8× cheaper than the
            // relu_bp custom op at 100×512 (ND4J's per-call cost of custom ops)
            INDArray out = Pool.uninitialized(g.dataType(), g.shape());
            org.nd4j.linalg.factory.Nd4j.exec(new org.nd4j.linalg.api.ops.impl.scalar.Step(y, out, 0.0));
            out.muli(g);
            return new INDArray[] {out};
        }
    }

    private static final int RELU_CHUNK = 4096;
    private static final ThreadLocal<int[][]> RELU_SCRATCH = ThreadLocal.withInitial(() -> new int[2][RELU_CHUNK]);

    /**
     * ReLU's input gradient on float32 as PyTorch's {@code threshold_backward}: {@code y <= 0 ? 0 : g} (a select, so a
     * NaN or infinite g where y ≤ 0 gives 0, and g passes where y is NaN); ND4J's step-and-multiply gave NaN there.
     */
    static INDArray reluBackwardBits(INDArray y, INDArray g) { return keepWherePositive(y, g, null); }

    /**
     * ReLU on float32, {@code x > 0 || isnan(x) ? x : 0} as PyTorch's (NaN passes): ND4J's scalar op took 9–14 µs at
     * 100×512 in a loop but 70–85 µs inside a training step, where its OpenMP threads had gone to sleep between calls.
     */
    static INDArray reluBits(INDArray x) { return keepWherePositive(x, x, null); }

    /** Whether {@link Relu} can write into this array: dense float32 with the float kernel available. */
    static boolean reluWritesInPlace(INDArray x) {
        return x.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT && Blas.available() && x.length() < Integer.MAX_VALUE && Blas.dense(x);
    }

    /**
     * values where mask > 0 or NaN, else 0, for float32 arrays of one shape, on the raw bits in chunks that stay in
     * cache (22 µs at 100×512), split over the threads from 2 × 65,536 elements; into a new array, or into {@code into}
     * (which may be {@code values}: each chunk is read before it is written).
     */
    private static INDArray keepWherePositive(INDArray mask, INDArray values, INDArray into) {
        INDArray out = into != null ? into : Pool.uninitialized(org.nd4j.linalg.api.buffer.DataType.FLOAT, values.shape());
        boolean same = mask == values;
        long n = values.length();
        int parts = Blas.parts(n, 1 << 16);
        Blas.parallel(parts, part -> {
            java.nio.IntBuffer mb = Blas.bits(mask), vb = same ? null : Blas.bits(values), ob = Blas.bits(out);
            int[][] scratch = RELU_SCRATCH.get();
            int[] a = scratch[0], b = scratch[1];
            for (long s = n * part / parts, end = n * (part + 1) / parts; s < end; s += RELU_CHUNK) {
                int from = (int) s, len = (int) Math.min(RELU_CHUNK, end - s);
                mb.get(from, a, 0, len);
                if (same) {
                    maskNotPositive(a, len);
                } else {
                    vb.get(from, b, 0, len);
                    maskNotPositive(a, b, len);
                }
                ob.put(from, a, 0, len);
            }
        });
        return out;
    }

    /**
     * a[i] = 0 where the float with bits a[i] is not positive and not NaN, one array in place (a separate method: C2
     * vectorizes it). The in-place ReLU ran the two-array form below with b = a: once C2 had inlined that into the
     * chunk loop (as it does when the caller compiles first), ResNet-20's forward ReLUs took 0.98 ms a call in the step
     * against 0.24 with this form.
     */
    private static void maskNotPositive(int[] a, int len) {
        for (int i = 0; i < len; i++) {
            int v = a[i];
            int nan = (0x7F800000 - (v & 0x7FFFFFFF)) >> 31;
            int positive = ((-v) & ~v) >> 31;
            a[i] = v & (nan | positive);
        }
    }

    /**
     * a[i] = b[i] where the float with bits a[i] is positive or NaN, else 0. Inlined into the chunk loop it ran at
     * 1.05 ms a call in ResNet-20's step, 0.46–0.58 when kept apart (-XX:CompileCommand=dontinline): C2's inlining
     * decides, which no code here controls.
     */
    private static void maskNotPositive(int[] a, int[] b, int len) {
        for (int i = 0; i < len; i++) {
            int v = a[i];
            int nan = (0x7F800000 - (v & 0x7FFFFFFF)) >> 31;   // -1 where a[i] is NaN
            int positive = ((-v) & ~v) >> 31;                  // -1 where a[i] > 0 (-0 and +0 are not)
            a[i] = b[i] & (nan | positive);
        }
    }

    /**
     * clamp(x, min, max) as PyTorch's {@code min(max(x, min), max)}: a bound replaces x only where x is beyond it (so
     * clamp(0.0, min = −0.0) is 0.0, NaN stays NaN); −inf for min and +inf for max mean no bound, the other infinities
     * are bounds. The gradient passes where min ≤ x ≤ max.
     */
    static final class Clamp extends Function {
        private final double min, max;
        Clamp(double min, double max) { this.min = min; this.max = max; }
        @Override protected INDArray forward(INDArray... x) {
            boolean hasMin = min != Double.NEGATIVE_INFINITY, hasMax = max != Double.POSITIVE_INFINITY;
            // a missing bound keeps an integer tensor integer; a fractional or infinite one makes it float
            INDArray a = ArithmeticOps.floatIfNeeded(ArithmeticOps.floatIfNeeded(x[0], hasMin ? min : 0), hasMax ? max : 0);
            INDArray r = a.dup();
            if (!a.dataType().isFPType()) {
                if (hasMin) r = Transforms.max(r, min, false);
                if (hasMax) r = Transforms.min(r, max, false);
                return r;
            }
            if (hasMin) BooleanIndexing.replaceWhere(r, min, Conditions.lessThan(min));
            if (hasMax) BooleanIndexing.replaceWhere(r, max, Conditions.greaterThan(max));
            return r;
        }
        @Override protected INDArray[] backward(INDArray g) {
            INDArray x = input(0);   // g where min <= x <= max, else 0 (a select: an infinite g gives 0 there, not NaN)
            INDArray pass = x.gte(min).castTo(DataType.INT).muli(x.lte(max).castTo(DataType.INT)).castTo(DataType.BOOL);
            return new INDArray[] {ViewOps.select(pass, g, Nd4j.zeros(g.dataType(), g.shape()))};
        }
    }
}
