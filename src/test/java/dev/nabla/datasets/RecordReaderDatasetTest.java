package dev.nabla.datasets;

import dev.nabla.api.Shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nabla.api.DType;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.datavec.api.records.reader.RecordReader;
import org.datavec.api.records.reader.impl.csv.CSVRecordReader;
import org.datavec.api.records.reader.impl.LineRecordReader;
import org.datavec.api.split.FileSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordReaderDatasetTest {
    @TempDir Path tmp;

    private static RecordReader csv(Path file, char delimiter) throws Exception {
        RecordReader rr = new CSVRecordReader(0, delimiter);
        rr.initialize(new FileSplit(file.toFile()));
        return rr;
    }

    private static RecordReader lines(Path file) throws Exception {
        RecordReader rr = new LineRecordReader();
        rr.initialize(new FileSplit(file.toFile()));
        return rr;
    }

    @Test void basketballHeightsAsClassificationThroughCsv() throws Exception {
        var ds = RecordReaderDataset.classification(csv(TestData.file("course/basketball-heights.dat"), ' '), 1, 2);
        assertThat(ds.size()).isEqualTo(24);
        assertThat(ds.x().shape()).isEqualTo(Shape.of(24, 1));
        assertThat(ds.y().dtype()).isEqualTo(DType.INT64);
        assertThat(ds.y().sum().item()).isEqualTo(12.0);
        assertThat(ds.get(0).x().item()).isEqualTo(190.0);
        assertThat(ds.get(0).y().item()).isEqualTo(0.0);
        Batch b = new DataLoader<>(ds, 24).iterator().next();
        assertThat(b.x().shape()).isEqualTo(Shape.of(24, 1));
    }

    @Test void bloodPressureAsRegressionThroughLines() throws Exception {
        var ds = RecordReaderDataset.regression(lines(TestData.file("course/systolic-blood-pressure-vs-age.dat")), 1);
        assertThat(ds.size()).isEqualTo(15);
        assertThat(ds.numClasses()).isZero();
        assertThat(ds.x().shape()).isEqualTo(Shape.of(15, 1));
        assertThat(ds.y().shape()).isEqualTo(Shape.of(15, 1));
        assertThat(ds.get(0).x().item()).isEqualTo(39.0);
        assertThat(ds.get(0).y().item()).isEqualTo(144.0);
        assertThat(ds.get(14).x().item()).isEqualTo(42.0);
        // the same file through a CSV reader with a space delimiter
        var same = RecordReaderDataset.regression(csv(TestData.file("course/systolic-blood-pressure-vs-age.dat"), ' '), 1);
        assertThat(same.y().toFloatArray()).containsExactly(ds.y().toFloatArray());
    }

    @Test void columnsChosenByIndex() throws Exception {
        Path f = Files.writeString(tmp.resolve("t.csv"), "1,2,3,4\n5,6,7,8\n");
        var ds = new RecordReaderDataset(csv(f, ','), new int[] {2, 0}, new int[] {3, 1}, 0);
        assertThat(ds.x().toFloatArray()).containsExactly(3, 1, 7, 5);
        assertThat(ds.y().toFloatArray()).containsExactly(4, 2, 8, 6);
    }

    @Test void badRecords() throws Exception {
        Path f = Files.writeString(tmp.resolve("bad.csv"), "1,2\n3,x\n");
        assertThatThrownBy(() -> RecordReaderDataset.regression(csv(f, ','), 1))
                .hasMessageContaining("record 1, column 1: 'x' is not a number");
        Path g = Files.writeString(tmp.resolve("labels.csv"), "1,0\n3,2.5\n");
        assertThatThrownBy(() -> RecordReaderDataset.classification(csv(g, ','), 1, 3))
                .hasMessageContaining("record 1, label column 1: 2.5 is not a class index in 0..2");
        assertThatThrownBy(() -> RecordReaderDataset.regression(csv(g, ','), 2))
                .hasMessageContaining("label column 2 is out of range for records of 2 columns");
        File empty = Files.writeString(tmp.resolve("empty.csv"), "").toFile();
        assertThatThrownBy(() -> RecordReaderDataset.regression(csv(empty.toPath(), ','), 0)).hasMessageContaining("no records");
    }
}
