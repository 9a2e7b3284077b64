package dev.nabla.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data-parallel trainer in real Spark stages, each scenario of {@link SparkScenarios} in a JVM of its own (Spark
 * 3.5.9's local mode leaves a non-daemon thread behind): two ranks equal one process at twice the batch, parameter
 * averaging every step equals gradient averaging, a task killed mid-epoch resumes from the checkpoint to the same
 * parameters, a stalled peer fails the stage within the timeout naming its rank, unequal partitions do not deadlock.
 */
class SparkTrainerTest {
    @TempDir Path dir;

    @Test void localModeTwoRanksMatchOneProcessAndSurviveFailures() throws Exception {
        ForkedSpark.Run run = ForkedSpark.run(SparkScenarios.class, dir, false, 600, "local[2]", dir.toString(),
                "sync", "average", "resume", "stall", "unequal");
        assertThat(run.exitCode()).as("exit code; stdout:\n%s\nstderr (end):\n%s", run.stdout(), ForkedSpark.tail(run.stderr())).isZero();

        Map<String, String> sync = run.scenario("sync");
        // float32: the mean of two half-batch means vs one mean over the batch, over 18 steps
        assertThat(Double.parseDouble(sync.get("maxDiff"))).as("2 ranks at batch 4 vs 1 process at batch 8").isLessThan(1e-5);
        assertThat(Double.parseDouble(sync.get("moved"))).as("the parameters moved from their initial values").isGreaterThan(0.05);
        String[] hashes = sync.get("hashes").split(",");
        assertThat(hashes[1]).as("rank 1's parameters are rank 0's, bit for bit").isEqualTo(hashes[0]);
        assertThat(sync.get("resultHash")).as("the state dict returned is the ranks'").isEqualTo(hashes[0]);
        assertThat(sync.get("epochs")).isEqualTo("3");
        assertThat(sync.get("history")).contains("train_loss=", "val_loss=", "val_accuracy=", "train_samples=48.000000", "train_dropped=0.000000");

        Map<String, String> avg = run.scenario("average");
        assertThat(Double.parseDouble(avg.get("maxDiff"))).as("parameter averaging every step vs gradient averaging").isLessThan(1e-5);
        assertThat(avg.get("hashes").split(",")[1]).isEqualTo(avg.get("hashes").split(",")[0]);

        Map<String, String> resume = run.scenario("resume");
        assertThat(resume.get("retries")).as("the barrier stage was retried once").isEqualTo("1");
        assertThat(Double.parseDouble(resume.get("maxDiff"))).as("resumed from the checkpoint vs uninterrupted").isZero();
        assertThat(resume.get("sameHistory")).isEqualTo("true");

        Map<String, String> stall = run.scenario("stall");
        assertThat(stall.get("error")).contains("CollectiveException", "rank_1");
        // two attempts (spark.stage.maxConsecutiveAttempts=2), each failing 3 s after the peer stopped, plus Spark's own rendezvous
        assertThat(Double.parseDouble(stall.get("seconds"))).as("failed within the timeouts").isLessThan(30);

        Map<String, String> unequal = run.scenario("unequal");
        // 24 and 14 samples at batch 4: 4 steps each (rank 1: 4 + 4 + 4 + 2), 30 samples trained per epoch, 8 left out (and said so);
        // the model has a BatchNorm1d, whose running statistics differ by rank until the epoch end averages them: equal hashes
        assertThat(unequal.get("samples")).isEqualTo("30");
        assertThat(unequal.get("dropped")).isEqualTo("8");
        assertThat(unequal.get("hashes").split(",")[1]).isEqualTo(unequal.get("hashes").split(",")[0]);
    }

    /**
     * Two executors in JVMs of their own ({@code local-cluster}: a master and two workers in the test's JVM, executors
     * launched from a SPARK_HOME whose jars are the class path's): the ring goes over loopback TCP between processes,
     * the checkpoint through the file system.
     */
    @Test void localClusterTwoExecutorJvmsMatchOneProcessAndResume() throws Exception {
        ForkedSpark.Run run = ForkedSpark.run(SparkScenarios.class, dir, true, 600, "local-cluster[2,1,1024]", dir.toString(), "sync", "resume");
        assertThat(run.exitCode()).as("exit code; stdout:\n%s\nstderr (end):\n%s", run.stdout(), ForkedSpark.tail(run.stderr())).isZero();
        Map<String, String> sync = run.scenario("sync");
        assertThat(Double.parseDouble(sync.get("maxDiff"))).as("2 executors at batch 4 vs 1 process at batch 8").isLessThan(1e-5);
        String[] hashes = sync.get("hashes").split(",");
        assertThat(hashes[1]).isEqualTo(hashes[0]);
        assertThat(sync.get("resultHash")).isEqualTo(hashes[0]);
        Map<String, String> resume = run.scenario("resume");
        assertThat(resume.get("retries")).isEqualTo("1");
        assertThat(Double.parseDouble(resume.get("maxDiff"))).isZero();
    }
}
