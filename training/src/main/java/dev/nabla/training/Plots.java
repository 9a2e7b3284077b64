package dev.nabla.training;

import dev.nabla.api.AtomicFile;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line charts as PNG with XChart, headless; files written atomically. */
final class Plots {
    private Plots() {}

    static {
        // no display needed: charts are drawn into images (a GUI application that set the property keeps its value)
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** Side-by-side panels, each titled by its key, with one line per named series over {@code x}. */
    static void panels(Path png, String xLabel, double[] x, Map<String, Map<String, double[]>> panels) throws IOException {
        List<BufferedImage> images = new ArrayList<>();
        for (Map.Entry<String, Map<String, double[]>> p : panels.entrySet()) {
            images.add(BitmapEncoder.getBufferedImage(chart(p.getKey(), xLabel, p.getKey(), x, p.getValue(), false)));
        }
        BufferedImage all = new BufferedImage(images.get(0).getWidth() * images.size(), images.get(0).getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, all.getWidth(), all.getHeight());
        for (int i = 0; i < images.size(); i++) g.drawImage(images.get(i), i * images.get(0).getWidth(), 0, null);
        g.dispose();
        write(png, all);
    }

    /** One chart with several lines over {@code x}. */
    static void lines(Path png, String title, String xLabel, String yLabel, double[] x, Map<String, double[]> series, boolean logX)
            throws IOException {
        write(png, BitmapEncoder.getBufferedImage(chart(title, xLabel, yLabel, x, series, logX)));
    }

    private static XYChart chart(String title, String xLabel, String yLabel, double[] x, Map<String, double[]> series, boolean logX) {
        XYChart chart = new XYChartBuilder().width(560).height(400).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setXAxisLogarithmic(logX);
        for (Map.Entry<String, double[]> s : series.entrySet()) {
            List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                if (Double.isFinite(s.getValue()[i])) {
                    xs.add(x[i]);
                    ys.add(s.getValue()[i]);
                }
            }
            if (xs.isEmpty()) continue;
            XYSeries line = chart.addSeries(s.getKey(), xs, ys);
            line.setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    private static void write(Path png, BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", bytes)) throw new IOException("Plots: no PNG writer in this JVM");
        writeAtomically(png, bytes.toByteArray());
    }

    /** Writes to a temporary file beside {@code file}, then moves it into place. */
    static void writeAtomically(Path file, byte[] content) throws IOException {
        AtomicFile.write(file, tmp -> Files.write(tmp, content));
    }
}
