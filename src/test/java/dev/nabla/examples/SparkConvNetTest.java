package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nabla.spark.ForkedSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code spark} example for real, in a JVM of its own (it ends with {@code System.exit}, as Spark 3.5.9's local
 * mode leaves a non-daemon thread): 1,200 Fashion-MNIST training images from ../shared/data in a DataFrame, two ranks,
 * two epochs; the test accuracy must be far above chance (0.10) and the loss must fall.
 */
class SparkConvNetTest {
    @TempDir Path dir;

    @Test void trainsTheConvnetOnFashionMnistInLocalTwo() throws Exception {
        ForkedSpark.Run run = ForkedSpark.run(Examples.class, dir, false, 600, "spark", "--data", Path.of("..", "shared", "data").toString(),
                "--subset", "1200", "--epochs", "2");
        String stdout = run.stdout();
        assertThat(run.exitCode()).as("exit code; stdout:\n%s\nstderr (end):\n%s", stdout, ForkedSpark.tail(run.stderr())).isZero();
        assertThat(stdout).contains("fashion-mnist: 1200 train, 200 test images as DataFrames of 785 columns in 2 partitions");
        Matcher epoch = Pattern.compile("epoch +(\\d) +loss ([0-9.]+) +test loss ([0-9.]+) +test accuracy +([0-9.]+)%").matcher(stdout);
        List<Double> losses = new ArrayList<>();
        while (epoch.find()) losses.add(Double.parseDouble(epoch.group(2)));
        assertThat(losses).as("two epochs' train losses").hasSize(2);
        assertThat(losses.get(1)).as("the loss falls").isLessThan(losses.get(0));
        Matcher result = Pattern.compile("RESULT dataset=fashion-mnist ranks=2 epochs=2 test_accuracy=([0-9.]+) seconds=").matcher(stdout);
        assertThat(result.find()).as("the RESULT line in:\n%s", stdout).isTrue();
        assertThat(Double.parseDouble(result.group(1))).as("test accuracy after 24 steps of 2 x 50 images").isGreaterThan(0.3);
    }
}
