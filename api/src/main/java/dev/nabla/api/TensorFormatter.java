package dev.nabla.api;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** PyTorch's {@code repr} of a tensor (torch/_tensor_str.py): the same number modes, widths, wrapping and summary. */
final class TensorFormatter {
    private static final int PRECISION = 4, LINE_WIDTH = 80, THRESHOLD = 1000, EDGE = 3;
    private static final String PREFIX = "tensor(";

    private TensorFormatter() {}

    static String format(Tensor t) {
        INDArray a = t.nd();
        DType dtype = t.dtype();
        StringBuilder suffix = new StringBuilder();
        String body;
        boolean impliedDtype = dtype == Nabla.defaultDtype() || dtype == DType.INT64 || dtype == DType.BOOL;
        if (a.length() == 0) {
            body = "[]";
            if (a.rank() != 1) suffix.append(", size=(").append(join(a.shape())).append(")");
            impliedDtype = dtype == Nabla.defaultDtype(); // no elements to tell int64 or bool from
        } else {
            boolean summarize = a.length() > THRESHOLD;
            double[] vals = sample(a, summarize);
            Element fmt = new Element(vals, dtype);
            body = tensorStr(a, fmt, PREFIX.length(), summarize);
        }
        if (!impliedDtype) suffix.append(", dtype=").append(dtype);
        if (t.gradFn() != null) suffix.append(", grad_fn=<").append(t.gradFn()).append(">");
        else if (t.requiresGrad()) suffix.append(", requires_grad=True");
        return PREFIX + body + suffix + ")";
    }

    private static String join(long[] s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length; i++) b.append(i == 0 ? "" : ", ").append(s[i]);
        if (s.length == 1) b.append(",");
        return b.toString();
    }

    /** The values that will be shown (the edges only, when summarizing), for choosing the number format. */
    private static double[] sample(INDArray a, boolean summarize) {
        INDArray d = a.dataType() == DataType.DOUBLE ? a : a.castTo(DataType.DOUBLE);
        if (!summarize || a.rank() == 0) return d.dup('c').reshape(d.length()).toDoubleVector();
        java.util.List<Double> out = new java.util.ArrayList<>();
        collect(d, summarize, out);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void collect(INDArray a, boolean summarize, java.util.List<Double> out) {
        if (a.rank() == 0) { out.add(a.getDouble(0)); return; }
        long n = a.size(0);
        for (long i = 0; i < n; i++) {
            if (summarize && n > 2 * EDGE && i == EDGE) i = n - EDGE;
            if (a.rank() == 1) out.add(a.getDouble(i)); else collect(ViewOps.row(a, i), summarize, out);
        }
    }

    private static String tensorStr(INDArray a, Fmt fmt, int indent, boolean summarize) {
        int dim = a.rank();
        if (dim == 0) return fmt.format(a.getDouble(0));
        if (dim == 1) return vectorStr(a, fmt, indent, summarize);
        long n = a.size(0);
        java.util.List<String> slices = new java.util.ArrayList<>();
        for (long i = 0; i < n; i++) {
            if (summarize && n > 2 * EDGE && i == EDGE) {
                slices.add("...");
                i = n - EDGE;
            }
            slices.add(tensorStr(ViewOps.row(a, i), fmt, indent + 1, summarize));
        }
        String sep = "," + "\n".repeat(dim - 1) + " ".repeat(indent + 1);
        return "[" + String.join(sep, slices) + "]";
    }

    private static String vectorStr(INDArray a, Fmt fmt, int indent, boolean summarize) {
        int elementLength = fmt.width() + 2;
        int perLine = Math.max(1, (int) Math.floor((LINE_WIDTH - indent) / (double) elementLength));
        long n = a.size(0);
        java.util.List<String> data = new java.util.ArrayList<>();
        for (long i = 0; i < n; i++) {
            if (summarize && n > 2 * EDGE && i == EDGE) {
                data.add(" ...");
                i = n - EDGE;
            }
            data.add(fmt.format(a.getDouble(i)));
        }
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < data.size(); i += perLine) {
            if (i > 0) b.append(",\n").append(" ".repeat(indent + 1));
            b.append(String.join(", ", data.subList(i, Math.min(data.size(), i + perLine))));
        }
        return b.append("]").toString();
    }

    interface Fmt {
        int width();
        String format(double v);
    }

    /** One number format for all elements, chosen as PyTorch's _Formatter. */
    static final class Element implements Fmt {
        private final DType dtype;
        private boolean intMode = true, sciMode;
        private int width = 1;

        Element(double[] vals, DType dtype) {
            this.dtype = dtype;
            if (!dtype.isFloatingPoint()) {
                for (double v : vals) width = Math.max(width, raw(v).length());
                return;
            }
            double max = 0, min = Double.POSITIVE_INFINITY;
            boolean any = false;
            for (double v : vals) {
                if (Double.isFinite(v) && v != 0) {
                    any = true;
                    double x = Math.abs(v);
                    max = Math.max(max, x);
                    min = Math.min(min, x);
                    if (v != Math.ceil(v)) intMode = false;
                }
            }
            if (!any) return; // only zeros, nan and inf: no padding, as PyTorch
            if (intMode) {
                if (max / min > 1000 || max > 1e8) sciMode = true;
            } else if (max / min > 1000 || max > 1e8 || min < 1e-4) {
                sciMode = true;
            }
            // as PyTorch, only the nonzero finite values set the width: nan, inf and 0 do not
            for (double v : vals) if (Double.isFinite(v) && v != 0) width = Math.max(width, raw(v).length());
        }

        private String raw(double v) {
            if (dtype == DType.BOOL) return v != 0 ? "True" : "False";
            if (!dtype.isFloatingPoint()) return Long.toString((long) v);
            if (Double.isNaN(v)) return "nan";
            if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
            if (sciMode) return scientific(v);
            if (intMode) return fixed(v, 0) + ".";
            return fixed(v, PRECISION);
        }

        /** Python's "{:.Nf}": round half to even on the exact binary value, sign kept for −0. */
        static String fixed(double v, int digits) {
            String s = new BigDecimal(v).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
            return (v < 0 || (v == 0 && 1 / v < 0)) && !s.startsWith("-") ? "-" + s : s;
        }

        /** Python's "{:.4e}". */
        static String scientific(double v) {
            if (v == 0) return (1 / v < 0 ? "-" : "") + "0." + "0".repeat(PRECISION) + "e+00";
            BigDecimal bd = new BigDecimal(v).round(new MathContext(PRECISION + 1, RoundingMode.HALF_EVEN));
            int exp = bd.precision() - bd.scale() - 1;
            String mantissa = bd.movePointLeft(exp).setScale(PRECISION, RoundingMode.HALF_EVEN).toPlainString();
            return mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }

        @Override public int width() { return width; }

        @Override public String format(double v) {
            String s = raw(v);
            return " ".repeat(Math.max(0, width - s.length())) + s;
        }
    }
}
