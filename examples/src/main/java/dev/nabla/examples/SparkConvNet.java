package dev.nabla.examples;

import dev.nabla.api.Module;
import dev.nabla.datasets.FashionMnist;
import dev.nabla.datasets.ImageDataset;
import dev.nabla.layers.F;
import dev.nabla.spark.RowConverter;
import dev.nabla.spark.SparkTrainer;
import dev.nabla.training.EpochStats;
import dev.nabla.training.SGD;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The course convnet on Fashion-MNIST, trained data-parallel on Spark ({@link SparkTrainer}): the images go into a
 * DataFrame of {@code label, p0 … p783}, two ranks train on its two partitions with the gradients averaged every
 * step, and the test set's loss and accuracy are summed over the ranks after each epoch.
 *
 * <pre>
 * MAVEN_OPTS="--add-opens=java.base/sun.nio.ch=ALL-UNNAMED" mvn -q compile exec:java -Dexec.classpathScope=compile \
 *     -Dexec.args="spark --data ../shared/data --epochs 3"
 * </pre>
 * Options: --data DIR (with DIR/fashion-mnist/*.gz; default ../shared/data), --master M (default local[2]), --ranks N
 * (default 2), --epochs N (3), --batch B per rank (50), --lr X (0.1), --seed S (0), --subset N (the first N train and
 * N/6 test images). The last line is machine-readable: {@code RESULT dataset=fashion-mnist ranks=… epochs=… test_accuracy=… seconds=…}.
 */
public final class SparkConvNet {
    private SparkConvNet() {}

    /** What a run is asked to do. */
    record Options(Path data, String master, int ranks, int epochs, int batch, double lr, long seed, int subset) {
        static Options parse(String[] args) {
            Path data = Path.of("..", "shared", "data");
            String master = "local[2]";
            int ranks = 2, epochs = 3, batch = 50, subset = 0;
            double lr = 0.1;
            long seed = 0;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--data" -> data = Path.of(value(args, ++i, a));
                    case "--master" -> master = value(args, ++i, a);
                    case "--ranks" -> ranks = Integer.parseInt(value(args, ++i, a));
                    case "--epochs" -> epochs = Integer.parseInt(value(args, ++i, a));
                    case "--batch" -> batch = Integer.parseInt(value(args, ++i, a));
                    case "--lr" -> lr = Double.parseDouble(value(args, ++i, a));
                    case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
                    case "--subset" -> subset = Integer.parseInt(value(args, ++i, a));
                    default -> throw new IllegalArgumentException("spark: unknown option '" + a
                            + "'; expected --data DIR, --master M, --ranks N, --epochs N, --batch B, --lr X, --seed S, --subset N");
                }
            }
            if (subset < 0 || (subset > 0 && subset < 6 * ranks)) {
                throw new IllegalArgumentException("spark: --subset must be 0 (all) or at least 6 images per rank, got " + subset);
            }
            return new Options(data, master, ranks, epochs, batch, lr, seed, subset);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) throw new IllegalArgumentException("spark: " + option + " needs a value");
            return args[i];
        }
    }

    public static void main(String[] args) {
        Options o = Options.parse(args);
        long start = System.nanoTime();
        // Spark's INFO lines (a hundred at start-up) stay off the terminal with the slf4j-simple binding of the examples;
        // a property per logger prefix, read when each logger is made, so before Spark starts
        for (String prefix : List.of("org.apache.spark", "org.apache.hadoop", "org.sparkproject")) {
            if (System.getProperty("org.slf4j.simpleLogger.log." + prefix) == null) System.setProperty("org.slf4j.simpleLogger.log." + prefix, "warn");
        }
        SparkSession spark = SparkSession.builder().master(o.master()).appName("nabla-spark-convnet")
                .config("spark.ui.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        try {
            ImageDataset trainImages = images(o, true), testImages = images(o, false);
            int nTrain = o.subset() > 0 ? Math.min(o.subset(), trainImages.size()) : trainImages.size();
            int nTest = o.subset() > 0 ? Math.min(o.subset() / 6, testImages.size()) : testImages.size();
            byte[] trainPixels = pixels(trainImages, nTrain);
            double mean = 0, sq = 0;
            for (byte b : trainPixels) {
                double v = (b & 0xff) / 255.0;
                mean += v;
                sq += v * v;
            }
            mean /= trainPixels.length;
            double std = Math.sqrt(sq / trainPixels.length - mean * mean);
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            Dataset<Row> train = frame(spark, sc, trainPixels, labels(trainImages, nTrain), o.ranks());
            Dataset<Row> test = frame(spark, sc, pixels(testImages, nTest), labels(testImages, nTest), o.ranks());
            System.out.printf(Locale.ROOT, "fashion-mnist: %d train, %d test images as DataFrames of %d columns in %d partitions; normalised by mean %.4f, std %.4f%n",
                    nTrain, nTest, train.columns().length, o.ranks(), mean, std);

            double lr = o.lr();
            SparkTrainer<Row> trainer = new SparkTrainer<>(ConvNet::network, F::crossEntropy, p -> new SGD(p, lr),
                    new RowConverter("label", new long[] {1, 28, 28}, 1 / 255.0, mean, std),
                    SparkTrainer.Options.DEFAULT.withRanks(o.ranks()).withEpochs(o.epochs()).withBatchSize(o.batch()).withSeed(o.seed()));
            SparkTrainer.Result r = trainer.fit(train, test);
            for (EpochStats e : r.history().epochs()) {
                System.out.printf(Locale.ROOT, "epoch %2d  loss %.4f  test loss %.4f  test accuracy %5.2f%%  %.1f s%n", e.epoch() + 1, e.get("train_loss"),
                        e.get("val_loss"), 100 * e.get("val_accuracy"), e.seconds());
            }
            Module model = r.loadInto(ConvNet.network());
            System.out.printf(Locale.ROOT, "the driver's model: %d parameters, loaded from rank 0's state dict%n", model.parameterCount());
            System.out.printf(Locale.ROOT, "RESULT dataset=fashion-mnist ranks=%d epochs=%d test_accuracy=%.4f seconds=%.1f%n", o.ranks(), o.epochs(),
                    r.history().last().get("val_accuracy"), (System.nanoTime() - start) / 1e9);
        } finally {
            spark.stop();
        }
        // Spark 3.5.9's local mode leaves a non-daemon "Barrier task timer" thread behind, which would keep the JVM alive
        System.out.flush();
        System.exit(0);
    }

    private static ImageDataset images(Options o, boolean train) {
        try {
            return new FashionMnist(o.data(), train);
        } catch (IOException e) {
            throw new UncheckedIOException("spark: cannot read Fashion-MNIST under " + o.data().toAbsolutePath() + "/fashion-mnist", e);
        }
    }

    private static byte[] pixels(ImageDataset ds, int n) {
        byte[] all = ds.data().nd().data().asBytes();
        byte[] out = new byte[n * 784];
        System.arraycopy(all, 0, out, 0, out.length);
        return out;
    }

    private static int[] labels(ImageDataset ds, int n) {
        return IntStream.range(0, n).map(ds::label).toArray();
    }

    /** A DataFrame {@code label, p0 … p783} in {@code partitions} contiguous slices, its rows made on the executors. */
    private static Dataset<Row> frame(SparkSession spark, JavaSparkContext sc, byte[] pixels, int[] labels, int partitions) {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField("label", DataTypes.IntegerType, false));
        for (int i = 0; i < 784; i++) fields.add(DataTypes.createStructField("p" + i, DataTypes.IntegerType, false));
        Broadcast<byte[]> px = sc.broadcast(pixels);
        Broadcast<int[]> lb = sc.broadcast(labels);
        int n = labels.length;
        JavaRDD<Row> rows = sc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions).flatMap(part -> {
            int from = (int) ((long) n * part / partitions), to = (int) ((long) n * (part + 1) / partitions);
            List<Row> out = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                Object[] v = new Object[785];
                v[0] = lb.value()[i];
                for (int j = 0; j < 784; j++) v[j + 1] = px.value()[i * 784 + j] & 0xff;
                out.add(RowFactory.create(v));
            }
            return out.iterator();
        });
        return spark.createDataFrame(rows, new StructType(fields.toArray(new StructField[0])));
    }
}
