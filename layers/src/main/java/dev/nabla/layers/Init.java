package dev.nabla.layers;

import dev.nabla.api.Grad;
import dev.nabla.api.Tensor;

/**
 * Weight initialisation as {@code torch.nn.init}, drawn from the seeded generator
 * ({@code Nabla.manualSeed}). The {@code …_} forms fill an existing tensor in place (for
 * {@code model.apply(…)}); the others create a new float32 tensor of the given shape.
 */
public final class Init {
    private Init() {}

    /** fan_in and fan_out of a weight of shape [out, in, k…], as PyTorch's {@code _calculate_fan_in_and_fan_out}. */
    static long[] fans(long[] shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("Init: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions, got "
                    + java.util.Arrays.toString(shape));
        }
        long receptive = 1;
        for (int i = 2; i < shape.length; i++) receptive *= shape[i];
        return new long[] {shape[1] * receptive, shape[0] * receptive};
    }

    /** The recommended gain of a nonlinearity: relu √2, tanh 5/3, leaky_relu √(2/(1+a²)), linear/sigmoid 1. */
    public static double gain(String nonlinearity, double param) {
        return switch (nonlinearity) {
            case "linear", "conv1d", "conv2d", "sigmoid", "identity" -> 1;
            case "tanh" -> 5.0 / 3;
            case "relu" -> Math.sqrt(2);
            case "leaky_relu" -> Math.sqrt(2 / (1 + param * param));
            case "selu" -> 0.75;
            default -> throw new IllegalArgumentException("Init.gain: unsupported nonlinearity '" + nonlinearity
                    + "'; expected linear, conv1d, conv2d, sigmoid, identity, tanh, relu, leaky_relu or selu");
        };
    }

    public static Tensor uniform_(Tensor t, double a, double b) {
        try (var g = Grad.disabled()) { return t.uniform_(a, b); }
    }

    public static Tensor normal_(Tensor t, double mean, double std) {
        try (var g = Grad.disabled()) { return t.normal_(mean, std); }
    }

    public static Tensor zeros_(Tensor t) {
        try (var g = Grad.disabled()) { return t.zero_(); }
    }

    public static Tensor ones_(Tensor t) {
        try (var g = Grad.disabled()) { return t.fill_(1); }
    }

    public static Tensor constant_(Tensor t, double value) {
        try (var g = Grad.disabled()) { return t.fill_(value); }
    }

    /** U(−b, b) with b = gain·√(6 / (fan_in + fan_out)). */
    public static Tensor xavierUniform_(Tensor t, double gain) {
        long[] f = fans(t.shape().toArray());
        double bound = gain * Math.sqrt(6.0 / (f[0] + f[1]));
        return uniform_(t, -bound, bound);
    }

    /** N(0, s²) with s = gain·√(2 / (fan_in + fan_out)). */
    public static Tensor xavierNormal_(Tensor t, double gain) {
        long[] f = fans(t.shape().toArray());
        return normal_(t, 0, gain * Math.sqrt(2.0 / (f[0] + f[1])));
    }

    /** U(−b, b) with b = gain(leaky_relu, a)·√(3 / fan_in) (fan-in mode). */
    public static Tensor kaimingUniform_(Tensor t, double a) {
        double bound = gain("leaky_relu", a) * Math.sqrt(3.0 / fans(t.shape().toArray())[0]);
        return uniform_(t, -bound, bound);
    }

    /** N(0, s²) with s = gain(leaky_relu, a) / √fan_in (fan-in mode). */
    public static Tensor kaimingNormal_(Tensor t, double a) {
        return normal_(t, 0, gain("leaky_relu", a) / Math.sqrt(fans(t.shape().toArray())[0]));
    }

    /** PyTorch's default for Linear and Conv weights: kaiming-uniform with a = √5, i.e. U(±1/√fan_in). */
    public static Tensor kaimingUniform(long... shape) { return kaimingUniform_(Tensor.empty(shape), Math.sqrt(5)); }

    public static Tensor kaimingNormal(long... shape) { return kaimingNormal_(Tensor.empty(shape), 0); }

    public static Tensor xavierUniform(long... shape) { return xavierUniform_(Tensor.empty(shape), 1); }

    public static Tensor xavierNormal(long... shape) { return xavierNormal_(Tensor.empty(shape), 1); }

    /** U(−bound, bound). */
    public static Tensor uniform(double bound, long... shape) { return uniform_(Tensor.empty(shape), -bound, bound); }

    public static Tensor normal(double mean, double std, long... shape) { return normal_(Tensor.empty(shape), mean, std); }

    public static Tensor zeros(long... shape) { return Tensor.zeros(shape); }

    public static Tensor ones(long... shape) { return Tensor.ones(shape); }
}
