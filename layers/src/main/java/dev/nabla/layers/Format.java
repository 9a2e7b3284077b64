package dev.nabla.layers;

import java.math.BigDecimal;

/** Numbers in reprs as Python prints them (0.01, 1.0, 1e-05, 20). */
final class Format {
    private Format() {}

    /** A float as Python's {@code repr}: shortest digits, scientific below 1e-4 and from 1e16 ({@code 1e-05}, {@code 0.1}, {@code 1.0}). */
    static String num(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return (1 / v < 0) ? "-0.0" : "0.0";
        BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int exp = digits.length() - d.scale() - 1;            // v = d.ddd × 10^exp
        String sign = v < 0 ? "-" : "";
        if (exp < -4 || exp >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        String plain = d.toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

    /** Integral values without a decimal point, as Python prints int arguments (Softplus(beta=1, threshold=20)). */
    static String compact(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e16 ? Long.toString((long) v) : num(v);
    }

    static String tuple(long... v) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < v.length; i++) b.append(i == 0 ? "" : ", ").append(v[i]);
        return b.append(v.length == 1 ? ",)" : ")").toString();
    }
}
