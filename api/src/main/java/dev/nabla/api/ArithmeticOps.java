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
            return switch (libOp) {
                case "add" -> a.add(b);
                case "subtract" -> a.sub(b);
                case "multiply" -> a.mul(b);
                case "divide" -> a.div(b);
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

    /** x + c (also x − c as c negated). */
    static final class AddScalar extends Function {
        private final double c;
        AddScalar(double c) { this.c = c; }
        @Override protected INDArray forward(INDArray... x) { return viaDouble(floatIfNeeded(x[0], c), a -> a.add(c)); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g}; }
    }

    /** c − x. */
    static final class RSubScalar extends Function {
        private final double c;
        RSubScalar(double c) { this.c = c; }
        @Override protected INDArray forward(INDArray... x) { return viaDouble(floatIfNeeded(x[0], c), a -> a.rsub(c)); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g.neg()}; }
    }

    static final class MulScalar extends Function {
        private final double c;
        MulScalar(double c) { this.c = c; }
        @Override protected INDArray forward(INDArray... x) { return viaDouble(floatIfNeeded(x[0], c), a -> a.mul(c)); }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g.mul(c)}; }
    }

    static final class DivScalar extends Function {
        private final double c;
        DivScalar(double c) { this.c = c; }
        @Override protected INDArray forward(INDArray... x) {
            INDArray a = x[0].dataType().isFPType() ? x[0] : x[0].castTo(Nabla.defaultDtype().nd());
            return a.div(c);
        }
        @Override protected INDArray[] backward(INDArray g) { return new INDArray[] {g.div(c)}; }
    }

    /** c / x. */
    static final class RDivScalar extends Function {
        private final double c;
        RDivScalar(double c) { this.c = c; }
        @Override protected INDArray forward(INDArray... x) {
            saveOutput();
            INDArray a = x[0].dataType().isFPType() ? x[0] : x[0].castTo(Nabla.defaultDtype().nd());
            return a.rdiv(c);
        }
        @Override protected INDArray[] backward(INDArray g) { // -c / x² = -out² / c … written as -out / x
            return new INDArray[] {g.mul(output()).divi(input(0).castTo(g.dataType())).negi()};
        }
    }

    static final class PowScalar extends Function {
        private final double p;
        PowScalar(double p) { this.p = p; }
        @Override protected INDArray forward(INDArray... x) {
            INDArray a = floatIfNeeded(x[0], p);
            if (!a.dataType().isFPType() && p < 0) {
                throw new IllegalArgumentException("pow: integers to negative integer powers are not allowed; convert with to(DType.FLOAT32) first");
            }
            return viaDouble(a, d -> Transforms.pow(d, p, true));
        }
        @Override protected INDArray[] backward(INDArray g) {
            if (p == 0) return new INDArray[] {g.mul(0)};
            INDArray x = input(0).castTo(g.dataType());
            return new INDArray[] {g.mul(Transforms.pow(x, p - 1, true)).muli(p)};
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
     * as a Python int: an integer tensor stays integer (bool becomes int64); a non-integral scalar
     * makes an integer or bool tensor the default float dtype.
     */
    static INDArray floatIfNeeded(INDArray x, double c) {
        if (x.dataType().isFPType()) return x;
        if (c != Math.rint(c)) return x.castTo(Nabla.defaultDtype().nd());
        return x.dataType() == DataType.BOOL ? x.castTo(DataType.LONG) : x;
    }
}
