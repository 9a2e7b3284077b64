package dev.nabla.api;

import java.util.ArrayList;
import java.util.List;

/** Parses Python slicing ({@code ":, 1:3"}, {@code "-1"}, {@code "::2, ..."}, {@code "None"}) into a view. */
final class Indexing {
    private Indexing() {}

    static Tensor apply(Tensor x, String spec) {
        if (spec == null) throw new IllegalArgumentException("index: spec must not be null");
        String[] items = spec.trim().isEmpty() ? new String[0] : spec.split(",", -1);
        int ellipsis = -1, consumed = 0;
        List<String> parts = new ArrayList<>();
        for (String raw : items) {
            String s = raw.trim();
            if (s.isEmpty()) throw error(spec, "empty entry");
            if (s.equals("...")) {
                if (ellipsis >= 0) throw error(spec, "an index can only have a single ellipsis ('...')");
                ellipsis = parts.size();
            } else if (!s.equals("None")) {
                consumed++;
            }
            parts.add(s);
        }
        int rank = x.dim();
        if (consumed > rank) throw error(spec, "too many indices for tensor of dimension " + rank);
        List<ViewOps.Part> out = new ArrayList<>();
        List<Integer> newAxes = new ArrayList<>();
        int d = 0;
        for (String s : parts) {
            if (s.equals("...")) {
                for (int k = 0; k < rank - consumed; k++, d++) out.add(ViewOps.Part.all(x.nd().size(d)));
            } else if (s.equals("None")) {
                newAxes.add(resultDim(out) + newAxes.size());
            } else {
                out.add(parse(spec, s, x.nd().size(d), d));
                d++;
            }
        }
        for (; d < rank; d++) out.add(ViewOps.Part.all(x.nd().size(d)));
        Tensor r = x.slice(out.toArray(new ViewOps.Part[0]));
        for (int axis : newAxes) r = r.unsqueeze(axis);
        return r;
    }

    /** How many dimensions the parts so far keep (points drop theirs). */
    private static int resultDim(List<ViewOps.Part> parts) {
        int n = 0;
        for (ViewOps.Part p : parts) if (p.kind() == ViewOps.Part.Kind.RANGE) n++;
        return n;
    }

    private static ViewOps.Part parse(String spec, String s, long size, int dim) {
        if (!s.contains(":")) {
            long i = number(spec, s);
            long j = i < 0 ? i + size : i;
            if (j < 0 || j >= size) {
                throw new IndexOutOfBoundsException("index \"" + spec + "\": index " + i + " is out of bounds for dimension "
                        + dim + " with size " + size);
            }
            return ViewOps.Part.point(j);
        }
        String[] f = s.split(":", -1);
        if (f.length > 3) throw error(spec, "a slice has at most two ':' (start:stop:step), got '" + s + "'");
        long step = f.length == 3 && !f[2].isBlank() ? number(spec, f[2]) : 1;
        if (step <= 0) throw error(spec, "step must be greater than zero, got " + step);
        long start = f[0].isBlank() ? 0 : clampIndex(number(spec, f[0]), size);
        long stop = f[1].isBlank() ? size : clampIndex(number(spec, f[1]), size);
        return ViewOps.Part.range(start, Math.max(start, stop), step);
    }

    /** Python's slice bounds: negative counts from the end, then clamped to [0, size]. */
    private static long clampIndex(long i, long size) {
        long j = i < 0 ? i + size : i;
        return Math.max(0, Math.min(size, j));
    }

    private static long number(String spec, String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw error(spec, "expected an integer, got '" + s.trim() + "'");
        }
    }

    private static IllegalArgumentException error(String spec, String what) {
        return new IllegalArgumentException("index \"" + spec + "\": " + what
                + " (entries are i, start:stop:step, ..., or None, separated by commas)");
    }
}
