package dev.nabla.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * Train and test error as a function of a capacity parameter (k of k-NN, polynomial degree, hidden units):
 * the course's under- / over-fitting picture, as a table and a PNG plot.
 *
 * <pre>{@code
 * CapacitySweep s = CapacitySweep.run("hidden units", new double[] {2, 8, 32, 128},
 *         h -> { Module m = mlp((int) h); train(m); return new CapacitySweep.Errors(error(m, train), error(m, test)); });
 * System.out.println(s.table());
 * s.plot(Path.of("capacity.png"));
 * }</pre>
 */
public final class CapacitySweep {
    /** The train and test error of one model. */
    public record Errors(double train, double test) {}

    /** The errors at one value of the capacity parameter. */
    public record Point(double capacity, double trainError, double testError) {}

    private final String parameter;
    private final List<Point> points;

    private CapacitySweep(String parameter, List<Point> points) {
        this.parameter = parameter;
        this.points = List.copyOf(points);
    }

    /** Runs {@code experiment} at each value, in order. */
    public static CapacitySweep run(String parameter, double[] values, DoubleFunction<Errors> experiment) {
        if (values.length == 0) throw new IllegalArgumentException("CapacitySweep: no values of " + parameter);
        List<Point> points = new ArrayList<>();
        for (double v : values) {
            Errors e = experiment.apply(v);
            points.add(new Point(v, e.train(), e.test()));
        }
        return new CapacitySweep(parameter, points);
    }

    public String parameter() { return parameter; }

    public List<Point> points() { return points; }

    /** The point with the lowest test error (the first of equals). */
    public Point bestByTestError() {
        Point best = points.get(0);
        for (Point p : points) if (p.testError() < best.testError()) best = p;
        return best;
    }

    /** One row per value: the parameter, the train error and the test error. */
    public String table() {
        int w = Math.max(parameter.length(), 8);
        StringBuilder b = new StringBuilder(String.format("%" + w + "s  %11s  %10s%n", parameter, "train error", "test error"));
        for (Point p : points) {
            String c = p.capacity() == Math.rint(p.capacity()) ? String.valueOf((long) p.capacity()) : String.valueOf(p.capacity());
            b.append(String.format("%" + w + "s  %11.4f  %10.4f%n", c, p.trainError(), p.testError()));
        }
        return b.toString();
    }

    /** Plots train and test error against the parameter (a logarithmic axis when {@code logX}). */
    public void plot(Path png, boolean logX) throws IOException {
        double[] x = new double[points.size()], train = new double[x.length], test = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = points.get(i).capacity();
            train[i] = points.get(i).trainError();
            test[i] = points.get(i).testError();
        }
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("train error", train);
        series.put("test error", test);
        Plots.lines(png, "error against " + parameter, parameter, "error", x, series, logX);
    }

    /** Plots on a linear axis. */
    public void plot(Path png) throws IOException { plot(png, false); }

    @Override public String toString() { return table(); }
}
