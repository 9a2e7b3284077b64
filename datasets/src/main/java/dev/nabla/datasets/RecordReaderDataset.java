package dev.nabla.datasets;

import dev.nabla.api.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.datavec.api.records.reader.RecordReader;
import org.datavec.api.writable.Writable;

/**
 * The records of any DataVec {@link RecordReader} (CSV, lines, regex, …) as a dataset, with the
 * feature and label columns chosen by index: classification (one label column holding a class index,
 * targets int64 {@code [N]}) or regression (label columns as float32 targets {@code [N, L]}).
 * Features are float32 {@code [N, F]}. Records are read once, when the dataset is made.
 *
 * <p>A record of one text value (as from a {@code LineRecordReader}) is split on whitespace and commas;
 * records whose first value starts with {@code #} are comments and skipped, as are empty ones.
 *
 * <pre>{@code
 * var rr = new CSVRecordReader(0, ' ');
 * rr.initialize(new FileSplit(new File("basketball-heights.dat")));
 * var ds = RecordReaderDataset.classification(rr, 1, 2);   // label: column 1, two classes; feature: column 0
 * }</pre>
 */
public final class RecordReaderDataset implements Dataset<Sample> {
    private final TensorDataset data;
    private final int numClasses;

    /**
     * Classification: the class index in column {@code labelColumn}, in {@code 0 … numClasses - 1};
     * every other column is a feature.
     */
    public static RecordReaderDataset classification(RecordReader reader, int labelColumn, int numClasses) {
        if (numClasses < 1) throw new IllegalArgumentException("RecordReaderDataset: numClasses must be >= 1, got " + numClasses);
        return new RecordReaderDataset(reader, null, new int[] {labelColumn}, numClasses);
    }

    /** Regression: the targets in {@code labelColumns}; every other column is a feature. */
    public static RecordReaderDataset regression(RecordReader reader, int... labelColumns) {
        return new RecordReaderDataset(reader, null, labelColumns, 0);
    }

    /**
     * Features in {@code featureColumns} ({@code null}: every column that is not a label) and labels in
     * {@code labelColumns}; {@code numClasses > 0} for classification (one label column), 0 for regression.
     */
    public RecordReaderDataset(RecordReader reader, int[] featureColumns, int[] labelColumns, int numClasses) {
        if (reader == null) throw new IllegalArgumentException("RecordReaderDataset: reader must not be null");
        if (labelColumns == null || labelColumns.length == 0) {
            throw new IllegalArgumentException("RecordReaderDataset: expected at least one label column");
        }
        if (numClasses > 0 && labelColumns.length != 1) {
            throw new IllegalArgumentException("RecordReaderDataset: classification takes one label column, got "
                    + Arrays.toString(labelColumns));
        }
        this.numClasses = numClasses;
        List<double[]> rows = new ArrayList<>();
        int width = -1;
        for (int r = 0; reader.hasNext(); r++) {
            double[] row = parse(reader.next(), r);
            if (row == null) continue;
            if (width >= 0 && row.length != width) {
                throw new IllegalArgumentException("RecordReaderDataset: record " + r + " has " + row.length
                        + " columns, the records before it " + width);
            }
            width = row.length;
            rows.add(row);
        }
        if (rows.isEmpty()) throw new IllegalArgumentException("RecordReaderDataset: the reader gave no records");
        int[] labels = checkColumns(labelColumns, width, "label");
        int[] features = featureColumns != null ? checkColumns(featureColumns, width, "feature") : complement(labels, width);
        int n = rows.size();
        float[] x = new float[n * features.length];
        for (int i = 0; i < n; i++) for (int j = 0; j < features.length; j++) x[i * features.length + j] = (float) rows.get(i)[features[j]];
        Tensor xs = Collation.floats(x, n, features.length);
        Tensor ys;
        if (numClasses > 0) {
            long[] y = new long[n];
            for (int i = 0; i < n; i++) {
                double v = rows.get(i)[labels[0]];
                if (v != Math.rint(v) || v < 0 || v >= numClasses) {
                    throw new IllegalArgumentException("RecordReaderDataset: record " + i + ", label column " + labels[0]
                            + ": " + v + " is not a class index in 0.." + (numClasses - 1));
                }
                y[i] = (long) v;
            }
            ys = Collation.longs(y, n);
        } else {
            float[] y = new float[n * labels.length];
            for (int i = 0; i < n; i++) for (int j = 0; j < labels.length; j++) y[i * labels.length + j] = (float) rows.get(i)[labels[j]];
            ys = Collation.floats(y, n, labels.length);
        }
        this.data = new TensorDataset(xs, ys);
    }

    private static double[] parse(List<Writable> record, int r) {
        List<String> values = new ArrayList<>();
        if (record.size() == 1) {
            String line = record.get(0).toString().trim();
            if (!line.isEmpty()) values.addAll(Arrays.asList(line.split("[\\s,]+")));
        } else {
            for (Writable w : record) values.add(w.toString().trim());
        }
        if (values.isEmpty() || values.get(0).startsWith("#")) return null;
        double[] row = new double[values.size()];
        for (int c = 0; c < row.length; c++) {
            try {
                row[c] = Double.parseDouble(values.get(c));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("RecordReaderDataset: record " + r + ", column " + c + ": '" + values.get(c)
                        + "' is not a number", e);
            }
        }
        return row;
    }

    private static int[] checkColumns(int[] columns, int width, String what) {
        for (int c : columns) {
            if (c < 0 || c >= width) {
                throw new IllegalArgumentException("RecordReaderDataset: " + what + " column " + c + " is out of range for records of "
                        + width + " columns");
            }
        }
        return columns.clone();
    }

    private static int[] complement(int[] labels, int width) {
        return java.util.stream.IntStream.range(0, width).filter(c -> Arrays.stream(labels).noneMatch(l -> l == c)).toArray();
    }

    /** The features, float32 {@code [N, F]}. */
    public Tensor x() { return data.x(); }

    /** The targets: int64 {@code [N]} (classification) or float32 {@code [N, L]} (regression). */
    public Tensor y() { return data.y(); }

    /** The number of classes, 0 for regression. */
    public int numClasses() { return numClasses; }

    @Override public int size() { return data.size(); }

    @Override public Sample get(int index) { return data.get(index); }

    @Override public Batch batch(int[] indices) { return data.batch(indices); }
}
