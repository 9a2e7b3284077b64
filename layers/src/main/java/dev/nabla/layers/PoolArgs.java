package dev.nabla.layers;

/** The int-or-pair arguments of the pooling modules: checked, copied, printed as PyTorch prints them. */
final class PoolArgs {
    private PoolArgs() {}

    /** A copy of a pair {h, w}; an error naming the module and argument otherwise. */
    static int[] pair(String module, String name, int[] value) {
        if (value == null || value.length != 2) {
            throw new IllegalArgumentException(module + ": expected " + name + " as one number or a pair {h, w}, got "
                    + (value == null ? "null" : java.util.Arrays.toString(value)));
        }
        return value.clone();
    }

    static int min(int[] pair) { return Math.min(pair[0], pair[1]); }

    /** {@code 3} for a square pair, {@code (2, 3)} otherwise, as PyTorch's repr. */
    static String str(int[] pair) { return pair[0] == pair[1] ? Integer.toString(pair[0]) : "(" + pair[0] + ", " + pair[1] + ")"; }
}
