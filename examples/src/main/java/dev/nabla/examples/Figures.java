package dev.nabla.examples;

import dev.nabla.api.AtomicFile;
import dev.nabla.api.DType;
import dev.nabla.api.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * What the course examples share: their options ({@code --out DIR} and a few numbers), the output folder
 * ({@code out/<example>/} by default), and line / scatter charts saved as PNG.
 *
 * <pre>{@code
 * Figures.Args a = Figures.args("lstsq", args);
 * XYChart c = Figures.chart("Blood pressure", "age", "pressure");
 * Figures.points(c, "people", age, pressure);
 * Figures.save(c, a.out().resolve("lstsq.png"));
 * }</pre>
 */
final class Figures {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Figures() {}

    /** The options of one example: {@code --out DIR} and {@code --name value} pairs, each read at most once. */
    static final class Args {
        private final String example;
        private final Map<String, String> values = new HashMap<>();

        private Args(String example, String[] args) {
            this.example = example;
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException(example + ": expected options as '--name value' pairs, got '" + args[i] + "'");
                }
                values.put(args[i], args[++i]);
            }
        }

        /** The output folder (created): {@code --out DIR}, by default {@code out/<example>}. */
        Path out() {
            Path dir = Path.of(values.getOrDefault("--out", "out/" + example));
            try {
                return Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(example + ": cannot create the output folder " + dir, e);
            }
        }

        int integer(String name, int fallback) { return values.containsKey(name) ? Integer.parseInt(values.get(name)) : fallback; }

        String text(String name, String fallback) { return values.getOrDefault(name, fallback); }

        double real(String name, double fallback) { return values.containsKey(name) ? Double.parseDouble(values.get(name)) : fallback; }

        /** Fails on options that none of the given names (and --out) match. */
        Args only(String... names) {
            for (String k : values.keySet()) {
                if (!k.equals("--out") && !Arrays.asList(names).contains(k)) {
                    throw new IllegalArgumentException(example + ": unknown option '" + k + "'; expected --out DIR"
                            + (names.length == 0 ? "" : " or " + String.join(", ", names)));
                }
            }
            return this;
        }
    }

    static Args args(String example, String[] args) { return new Args(example, args); }

    /** An empty 800×600 chart. */
    static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(800).height(600).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        c.getStyler().setXAxisDecimalPattern("#0.##");
        return c;
    }

    /** Adds a line without markers. */
    static XYSeries line(XYChart c, String name, double[] x, double[] y) {
        XYSeries s = c.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        return s;
    }

    /** Adds a scatter of points. */
    static XYSeries points(XYChart c, String name, double[] x, double[] y) {
        XYSeries s = c.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        return s;
    }

    /** Writes the chart as a PNG through a temporary file, then moves it into place. */
    static void save(XYChart c, Path png) {
        try {
            AtomicFile.write(png, tmp -> {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    BitmapEncoder.saveBitmap(c, out, BitmapEncoder.BitmapFormat.PNG);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
        System.out.println("wrote " + png);
    }

    /** The columns of a whitespace-separated table bundled beside the examples ('#' starts a comment), as float64 tensors. */
    static Tensor[] columns(String resource) {
        List<double[]> rows = new ArrayList<>();
        var in = Figures.class.getResourceAsStream(resource);
        if (in == null) throw new IllegalStateException("the examples' resource " + resource + " is missing from the classpath");
        try (var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                line = line.replaceAll("#.*", "").strip();
                if (!line.isEmpty()) rows.add(Arrays.stream(line.split("\\s+")).mapToDouble(Double::parseDouble).toArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Tensor[] cols = new Tensor[rows.get(0).length];
        for (int j = 0; j < cols.length; j++) {
            int c = j;
            cols[j] = Tensor.of(DType.FLOAT64, rows.stream().mapToDouble(v -> v[c]).toArray());
        }
        return cols;
    }

    /** The values from {@code start} to {@code end} in {@code n} even steps. */
    static double[] grid(double start, double end, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = start + (end - start) * i / (n - 1);
        return v;
    }
}
