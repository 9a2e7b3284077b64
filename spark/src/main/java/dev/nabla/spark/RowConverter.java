package dev.nabla.spark;

import dev.nabla.api.Tensor;
import dev.nabla.datasets.TensorDataset;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link TensorConverter} for the rows of a Spark {@code DataFrame} that hold a class label and numeric features:
 * the label column becomes an int64 target, every other column (in the schema's order) a float32 feature, shaped
 * {@code [n, sampleShape…]} and mapped as {@code (v · scale − mean) / std}.
 *
 * <pre>{@code
 * // label, p0 … p783: Fashion-MNIST as 1×28×28 images in [0, 1], normalised
 * var c = new RowConverter("label", new long[] {1, 28, 28}, 1 / 255.0, 0.2860, 0.3530);
 * }</pre>
 */
public record RowConverter(String labelColumn, long[] sampleShape, double scale, double mean, double std) implements TensorConverter<Row> {
    private static final long serialVersionUID = 1L;

    public RowConverter {
        if (labelColumn == null || labelColumn.isEmpty()) throw new IllegalArgumentException("RowConverter: the label column must be named");
        if (sampleShape == null || sampleShape.length == 0 || Arrays.stream(sampleShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("RowConverter: expected a sample shape of positive sizes, e.g. {1, 28, 28}, got "
                    + Arrays.toString(sampleShape));
        }
        if (!(std > 0) || !Double.isFinite(scale) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("RowConverter: expected a finite scale and mean and std > 0, got scale " + scale + ", mean "
                    + mean + ", std " + std);
        }
        sampleShape = sampleShape.clone();
    }

    /** Features as they are ({@code scale} 1, {@code mean} 0, {@code std} 1). */
    public RowConverter(String labelColumn, long... sampleShape) { this(labelColumn, sampleShape, 1, 0, 1); }

    @Override public long[] sampleShape() { return sampleShape.clone(); }

    @Override
    public TensorDataset convert(List<Row> rows) {
        int features = Math.toIntExact(Arrays.stream(sampleShape).reduce(1, (a, b) -> a * b));
        float[] x = new float[Math.multiplyExact(rows.size(), features)];
        long[] y = new long[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            int label = r.fieldIndex(labelColumn);
            if (r.length() != features + 1) {
                throw new IllegalArgumentException("RowConverter: expected rows of '" + labelColumn + "' and " + features + " features (sample shape "
                        + Arrays.toString(sampleShape) + "), got a row of " + r.length() + " columns: " + r.schema().simpleString());
            }
            if (r.isNullAt(label)) throw new IllegalArgumentException("RowConverter: row " + i + " of the partition has a null '" + labelColumn + "'");
            y[i] = ((Number) r.get(label)).longValue();
            for (int c = 0, f = 0; c < r.length(); c++) {
                if (c == label) continue;
                Object v = r.get(c);
                if (!(v instanceof Number n)) {
                    throw new IllegalArgumentException("RowConverter: column '" + r.schema().fields()[c].name() + "' of row " + i
                            + " must be numeric, got " + (v == null ? "null" : v.getClass().getSimpleName()));
                }
                x[i * features + f++] = (float) ((n.doubleValue() * scale - mean) / std);
            }
        }
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = rows.size();
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        Tensor xs = Tensor.from(Nd4j.create(x, shape, 'c'));
        return new TensorDataset(xs, Tensor.from(Nd4j.createFromArray(y)));
    }
}
