package dev.nabla.layers;

/** Numbers in reprs as Python prints them (0.01, 1.0, 20). */
final class Format {
    private Format() {}

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e16) return Long.toString((long) v) + ".0";
        return Double.toString(v);
    }

    /** Integral values without a decimal point, as Python prints int arguments (Softplus(beta=1, threshold=20)). */
    static String compact(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e16 ? Long.toString((long) v) : Double.toString(v);
    }

    static String tuple(long... v) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < v.length; i++) b.append(i == 0 ? "" : ", ").append(v[i]);
        return b.append(v.length == 1 ? ",)" : ")").toString();
    }
}
