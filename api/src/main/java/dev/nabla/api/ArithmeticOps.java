package dev.nabla.api;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Binary arithmetic with broadcasting, and its scalar forms. One small class per op. */
final class ArithmeticOps {
    private ArithmeticOps() {}

    /** Casts both operands to their promoted dtype and runs the op, broadcasting when shapes differ. */
    static INDArray binary(String op, String libOp, INDArray a, INDArray b, DataType type) {
        if (a.dataType() != type) a = a.castTo(type);
        if (b.dataType() != type) b = b.castTo(type);
        if (a.length() == 0 || b.length() == 0) return Nd4j.create(type, Broadcast.shape(op, a.shape(), b.shape())); // ND4J refuses empties
        if (java.util.Arrays.equals(a.shape(), b.shape())) {
            boolean pooled = a.rank() > 0 && (type == DataType.FLOAT || type == DataType.DOUBLE);   // reused memory (residual adds)
            return switch (libOp) {
                case "add" -> pooled ? a.add(b, Pool.uninitialized(type, a.shape())) : a.add(b);
                case "subtract" -> pooled ? a.sub(b, Pool.uninitialized(type, a.shape())) : a.sub(b);
                case "multiply" -> pooled ? a.mul(b, Pool.uninitialized(type, a.shape())) : a.mul(b);
                case "divide" -> pooled ? a.div(b, Pool.uninitialized(type, a.shape())) : a.div(b);
                default -> Broadcast.pairwise(op, libOp, a, b, type);
            };
        }
        return Broadcast.pairwise(op, libOp, a, b, type);
    }

    /**
     * PyTorch's result type of two tensor operands: a 0-d tensor next to a dimensioned one only
     * counts when its category (bool < integer < floating point) is higher, so float32[3] + float64
     * 0-d is float32, and int64[3] + float64 0-d is float64.
     */
    static DataType resultType(INDArray a, INDArray b) {
        DType ta = DType.of(a.dataType()), tb = DType.of(b.dataType());
        boolean za = a.rank() == 0, zb = b.rank() == 0;
        if (za != zb) {
            DType dimensioned = za ? tb : ta, zeroDim = za ? ta : tb;
            return (category(zeroDim) > category(dimensioned) ? zeroDim : dimensioned).nd();
        }
        return DType.promote(ta, tb).nd();
    }

    private static int category(DType t) { return t == DType.BOOL ? 0 : t.isFloatingPoint() ? 2 : 1; }

    static final class Add extends Function {
        @Override protected INDArray forward(INDArray... x) { return binary("add", "add", x[0], x[1], resultType(x[0], x[1])); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g, g}; }
    }

    static final class Sub extends Function {
        @Override protected INDArray forward(INDArray... x) { return binary("sub", "subtract", x[0], x[1], resultType(x[0], x[1])); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g, needsGrad(1) ? g.neg() : null}; }
    }

    static final class Mul extends Function {
        @Override protected INDArray forward(INDArray... x) { return binary("mul", "multiply", x[0], x[1], resultType(x[0], x[1])); }
        @Override protected INDArray[] backward(INDArray g) {
            return new INDArray[] {
                needsGrad(0) ? binary("mul", "multiply", g, input(1), g.dataType()) : null,
                needsGrad(1) ? binary("mul", "multiply", g, input(0), g.dataType()) : null};
        }
    }

    static final class Div extends Function {
        @Override protected INDArray forward(INDArray... x) {
            DataType t = resultType(x[0], x[1]);
            if (!t.isFPType()) t = Nabla.defaultDtype().nd(); // true division, as PyTorch
            return binary("div", "divide", x[0], x[1], t);
        }
        @Override protected INDArray[] backward(INDArray g) {
            INDArray b = input(1);
            INDArray ga = needsGrad(0) ? binary("div", "divide", g, b, g.dataType()) : null;
            INDArray gb = null;
            if (needsGrad(1)) { // -g * a / b²
                INDArray a = input(0);
                gb = binary("div", "divide", binary("mul", "multiply", g, a, g.dataType()), b.castTo(g.dataType()).mul(b.castTo(g.dataType())), g.dataType()).negi();
            }
            return new INDArray[] {ga, gb};
        }
    }

    static final class Pow extends Function {
        @Override protected INDArray forward(INDArray... x) {
            saveOutput();
            DataType t = resultType(x[0], x[1]);
            return binary("pow", "Pow", x[0], x[1], t);
        }
        @Override protected INDArray[] backward(INDArray g) {
            INDArray a = input(0).castTo(g.dataType()), b = input(1).castTo(g.dataType());
            INDArray ga = null, gb = null;
            if (needsGrad(0)) { // g * b * a^(b-1)
                INDArray p = binary("pow", "Pow", a, b.sub(1), g.dataType());
                ga = binary("mul", "multiply", binary("mul", "multiply", g, b, g.dataType()), p, g.dataType());
            }
            if (needsGrad(1)) { // g * a^b * log(a), 0 where a == 0 and b >= 0 (as PyTorch)
                INDArray logA = ViewOps.fillWhere(Transforms.log(a, true), a.eq(0), 0.0);
                gb = binary("mul", "multiply", binary("mul", "multiply", g, output(), g.dataType()), logA, g.dataType());
            }
            return new INDArray[] {ga, gb};
        }
    }

    /** The scalar ops of ND4J that {@link #scalar} runs. */
    enum ScalarOp { ADD, SUB, RSUB, MUL, DIV, RDIV }

    /**
     * {@code x op c} by ND4J's scalar op itself, so that c reaches the kernel unchanged: INDArray's own {@code add(Number)},
     * {@code mul(Number)} and the like replace a NaN c by 1e-5 ({@code Nd4j.EPS_THRESHOLD}). c is cast to x's dtype (as
     * PyTorch: 1e300 is inf next to float32, a float64 subnormal 0). x must be floating point.
     */
    static INDArray scalar(INDArray x, ScalarOp op, double c) {
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape(), x.ordering());
        if (x.length() == 0) return out;
        Nd4j.exec(switch (op) {
            case ADD -> new org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd(x, null, out, c);
            case SUB -> new org.nd4j.linalg.api.ops.impl.scalar.ScalarSubtraction(x, null, out, c);
            case RSUB -> new org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseSubtraction(x, null, out, c);
            case MUL -> new org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication(x, null, out, c);
            case DIV -> new org.nd4j.linalg.api.ops.impl.scalar.ScalarDivision(x, null, out, c);
            case RDIV -> new org.nd4j.linalg.api.ops.impl.scalar.ScalarReverseDivision(x, null, out, c);
        });
        return out;
    }

    /** x + c. */
    static final class AddScalar extends Function {
        private final double c;
        AddScalar(double c) { this.c = c; }
        @Override protected INDArray forward(INDArray... x) { return viaDouble(floatIfNeeded(x[0], c), a -> scalar(a, ScalarOp.ADD, c)); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g}; }
    }

    /** x − c. */
    static final class SubScalar extends Function {
        private final double c;
        SubScalar(double c) { this.c = c; }
        @Override protected INDArray forward(INDArray... x) { return viaDouble(floatIfNeeded(x[0], c), a -> scalar(a, ScalarOp.SUB, c)); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g}; }
    }

    /** c − x. */
    static final class RSubScalar extends Function {
        private final double c;
        RSubScalar(double c) { this.c = c; }
        @Override protected INDArray forward(INDArray... x) { return viaDouble(floatIfNeeded(x[0], c), a -> scalar(a, ScalarOp.RSUB, c)); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g.neg()}; }
    }

    static final class MulScalar extends Function {
        private final double c;
        MulScalar(double c) { this.c = c; }
        @Override protected INDArray forward(INDArray... x) { return viaDouble(floatIfNeeded(x[0], c), a -> scalar(a, ScalarOp.MUL, c)); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {scalar(g, ScalarOp.MUL, c)}; }
    }

    static final class DivScalar extends Function {
        private final double c;
        DivScalar(double c) { this.c = c; }
        @Override protected INDArray forward(INDArray... x) { return scalar(UnaryOps.fp(x[0]), ScalarOp.DIV, c); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {scalar(g, ScalarOp.DIV, c)}; }
    }

    /** c / x, as PyTorch: c · (1/x), whose gradient is −g · c / x² as −g · (1/x)² · c. */
    static final class RDivScalar extends Function {
        private final double c;
        private INDArray reciprocal;
        RDivScalar(double c) { this.c = c; }
        @Override protected INDArray forward(INDArray... x) {
            INDArray r = scalar(UnaryOps.fp(x[0]), ScalarOp.RDIV, 1);
            if (needsGrad(0)) reciprocal = r;
            return scalar(r, ScalarOp.MUL, c);
        }
        @Override protected INDArray[] backward(INDArray g) {
            checkAlive();
            INDArray r = reciprocal.dataType() == g.dataType() ? reciprocal : reciprocal.castTo(g.dataType());
            return new INDArray[] {scalar(r.mul(r).muli(g), ScalarOp.MUL, -c)};
        }
        @Override protected void releaseSaved() { reciprocal = null; }
    }

    static final class PowScalar extends Function {
        private final double p;
        PowScalar(double p) { this.p = p; }
        @Override protected INDArray forward(INDArray... x) {
            INDArray a = floatIfNeeded(x[0], p);
            if (!a.dataType().isFPType() && p < 0) {
                throw new IllegalArgumentException("pow: integers to negative integer powers are not allowed; convert with to(DType.FLOAT32) first");
            }
            return viaDouble(a, d -> pow(d, p));
        }
        @Override protected INDArray[] backward(INDArray g) { // g · p · x^(p−1), p cast to g's dtype as PyTorch's
            if (p == 0) return new INDArray[] {g.mul(0)};
            INDArray x = input(0).castTo(g.dataType());
            return new INDArray[] {scalar(pow(x, p - 1), ScalarOp.MUL, p).muli(g)};
        }

        /**
         * x^p with the exponent in double precision, as PyTorch's: ND4J's float32 pow casts p to float (a float64
         * subnormal p became 0, and (−2)^p 1 instead of NaN).
         */
        private static INDArray pow(INDArray x, double p) {
            if (x.dataType() == DataType.FLOAT && (double) (float) p != p && !Double.isNaN(p)) {
                return Transforms.pow(x.castTo(DataType.DOUBLE), p, false).castTo(DataType.FLOAT);
            }
            return Transforms.pow(x, p, true);
        }
    }

    /**
     * {@code f(x)} for an ND4J scalar op, which takes only floating-point arrays: an integer array
     * goes through float64 and back (exact below 2^53).
     */
    static INDArray viaDouble(INDArray x, java.util.function.UnaryOperator<INDArray> f) {
        if (x.dataType().isFPType()) return f.apply(x);
        return f.apply(x.castTo(DataType.DOUBLE)).castTo(x.dataType());
    }

    /**
     * The array an op with the scalar {@code c} computes in, as PyTorch with an integral {@code c} taken
     * as a Python int: an integer tensor stays integer (bool becomes int64); any other scalar (fractional, NaN, ±inf,
     * −0.0) makes an integer or bool tensor the default float dtype.
     */
    static INDArray floatIfNeeded(INDArray x, double c) {
        if (x.dataType().isFPType()) return x;
        if (!isPythonInt(c)) return x.castTo(Nabla.defaultDtype().nd());
        return x.dataType() == DataType.BOOL ? x.castTo(DataType.LONG) : x;
    }

    /** Whether a double stands for a Python int: finite, integral, and not −0.0 (which only a float can be). */
    static boolean isPythonInt(double c) {
        return Double.isFinite(c) && c == Math.rint(c) && !(c == 0 && 1 / c < 0);
    }
}
