package dev.nabla.layers;

import dev.nabla.layers.samediff.SameDiffGraph;
import dev.nabla.layers.samediff.SameDiffExport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The ND4J 1.0.0-M2.1 SameDiff defects the bridge works around: each test shows the defect on a raw
 * graph and the bridge's graph doing the same thing right. If one of the "defect" assertions starts
 * failing after an ND4J upgrade, the defect is fixed and its workaround in SameDiffExport can go.
 */
class SameDiffDefectsTest {
    /** Whether the loaded native build is one of the onednn builds (the default, {@code linux-x86_64-onednn-avx2}). */
    static boolean onednn() { return Nabla.nativeBuild().contains("onednn"); }

    static Map<String, INDArray> ph(String k, INDArray v) { return Map.of(k, v); }

    @Test void conv2dBackwardRejectsOiyxWeights_theBridgePermutesToYxio() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 2, 6, 6);
        SDVariable w = sd.var("w", Nd4j.rand(DataType.FLOAT, 3, 2, 3, 3));
        SDVariable y = sd.cnn.conv2d(x, w, Conv2DConfig.builder().kH(3).kW(3).weightsFormat(WeightsFormat.OIYX).build());
        sd.mean(sd.math.square(y)).markAsLoss();
        INDArray in = Nd4j.rand(DataType.FLOAT, 2, 2, 6, 6);
        assertThat(sd.output(ph("x", in), y.name()).get(y.name()).shape()).containsExactly(2, 3, 4, 4);   // the forward is fine
        assertThatThrownBy(() -> sd.calculateGradients(ph("x", in), "w")).hasMessageContaining("conv2d_bp");
        // the bridge: SameDiffExportTest's Conv2d cases compare these gradients with the tape
    }

    @Test void onednnRefusesDilatedConvolutions_theBridgeDilatesTheKernel() {
        if (onednn()) {   // the defect: only the onednn builds refuse them; the bridge below is checked on every build
            SameDiff sd = SameDiff.create();
            SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 2, 7, 7);
            SDVariable w = sd.var("w", Nd4j.rand(DataType.FLOAT, 3, 3, 2, 3));
            SDVariable y = sd.cnn.conv2d(x, w, Conv2DConfig.builder().kH(3).kW(3).dH(2).dW(2).build());
            assertThatThrownBy(() -> sd.output(ph("x", Nd4j.rand(DataType.FLOAT, 1, 2, 7, 7)), y.name()))
                    .hasMessageContaining("dilated convolution");
        }
        Nabla.manualSeed(1);
        Module m = new Sequential(new Conv2d(2, 3, 3, Conv2d.Options.DEFAULT.withDilation(2)));
        Tensor in = Tensor.randn(2, 2, 7, 7);
        assertThat(SameDiffExport.trace(m, -1, 2, 7, 7).output(in.nd()).equalsWithEps(m.forward(in).nd(), 1e-5)).isTrue();
    }

    @Test void onednnDilatedMaxPoolingIsWrong_theBridgeTakesTheMaximumOfStridedSlices() {
        Nabla.manualSeed(2);
        Tensor in = Tensor.randn(2, 2, 6, 6);
        Tensor expected = new MaxPool2d(2, 1, 0, 2, false).forward(in);
        if (onednn()) {   // the defect, seen on the onednn builds; the bridge below is checked on every build
            SameDiff sd = SameDiff.create();
            SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 2, 6, 6);
            SDVariable y = sd.cnn.maxPooling2d(x, Pooling2DConfig.builder().kH(2).kW(2).sH(1).sW(1).dH(2).dW(2).isNHWC(false).build());
            INDArray raw = sd.output(ph("x", in.nd()), y.name()).get(y.name());
            assertThat(raw.equalsWithEps(expected.nd(), 1e-4)).isFalse();
        }
        Module m = new Sequential(new MaxPool2d(2, 1, 0, 2, false));
        assertThat(SameDiffExport.trace(m, -1, 2, 6, 6).output(in.nd()).equalsWithEps(expected.nd(), 1e-6)).isTrue();
    }

    @Test void reductionOverABatchOfOneCrashesInBaseReduceOp_theBridgeReducesADoubledCopy() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 3);
        SDVariable w = sd.var("w", Nd4j.rand(DataType.FLOAT, 3, 3));
        SDVariable loss = sd.sum(sd.mean(x.mmul(w), 0));
        loss.markAsLoss();
        assertThat(sd.calculateGradients(ph("x", Nd4j.rand(DataType.FLOAT, 2, 3)), "w").get("w")).isNotNull();
        assertThatThrownBy(() -> sd.calculateGradients(ph("x", Nd4j.rand(DataType.FLOAT, 1, 3)), "w"))
                .isInstanceOf(NullPointerException.class).hasStackTraceContaining("BaseReduceOp");
        // the bridge: SameDiffExportTest.gradientsAtBatchSizeOne (BatchNorm without running statistics reduces over the batch)
    }

    @Test void gatherBackwardDropsRepeatedIndices_theBridgeUsesOneHotRows() {
        SameDiff sd = SameDiff.create();
        SDVariable idx = sd.placeHolder("i", DataType.INT64, -1);
        SDVariable w = sd.var("w", Nd4j.rand(DataType.DOUBLE, 4, 2));
        sd.sum(sd.gather(w, idx, 0)).markAsLoss();
        INDArray g = sd.calculateGradients(ph("i", Nd4j.createFromArray(1L, 1L, 1L)), "w").get("w");
        assertThat(g.getDouble(1, 0)).isNotEqualTo(3.0);   // three lookups of row 1: its gradient should be 3

        Embedding e = new Embedding(4, 2);
        SameDiffGraph graph = SameDiffExport.trace(new Sequential(e), -1);
        graph.sameDiff().sum(graph.outputVariable()).markAsLoss();
        INDArray bridged = graph.sameDiff().calculateGradients(ph(graph.input(), Nd4j.createFromArray(1L, 1L, 1L)), "0.weight").get("0.weight");
        assertThat(bridged.getDouble(1, 0)).isEqualTo(3.0);
        assertThat(bridged.getDouble(0, 0)).isEqualTo(0.0);
    }

    @Test void logSoftmaxWithADimensionDoesNotSurviveTheGraphCopy_theBridgePermutesToTheLastDimension() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 3, 4);
        SDVariable w = sd.var("w", Nd4j.rand(DataType.FLOAT, 4));
        sd.sum(sd.math.square(sd.nn.logSoftmax(x.mul(w), 1))).markAsLoss();
        assertThatThrownBy(() -> sd.calculateGradients(ph("x", Nd4j.rand(DataType.FLOAT, 2, 3, 4)), "w"))
                .hasMessageContaining("LogSoftMax");
        // the bridge: SameDiffExportTest's "LogSoftmax on [N, 3, 6]" gradients; dim 1 here goes through permutes
        Module m = new Sequential(new Linear(4, 4), new LogSoftmax(1));
        SameDiffGraph g = SameDiffExport.trace(m, -1, 3, 4);
        g.sameDiff().sum(g.outputVariable()).markAsLoss();
        assertThat(g.sameDiff().calculateGradients(ph(g.input(), Nd4j.rand(DataType.FLOAT, 2, 3, 4)), "0.weight")).containsKey("0.weight");
    }

    @Test void linearAndReluLayerFailAtBatchOne_theBridgeUsesMmulPlusAdd() {
        for (int kind = 0; kind < 2; kind++) {
            SameDiff sd = SameDiff.create();
            SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 4);
            SDVariable w = sd.var("w", Nd4j.rand(DataType.FLOAT, 4, 3));
            SDVariable b = sd.var("b", Nd4j.rand(DataType.FLOAT, 3));
            SDVariable y = kind == 0 ? sd.nn.linear(x, w, b) : sd.nn.reluLayer(x, w, b);
            sd.mean(sd.math.square(y)).markAsLoss();
            assertThat(sd.calculateGradients(ph("x", Nd4j.rand(DataType.FLOAT, 3, 4)), "w", "b")).containsKeys("w", "b");
            assertThatThrownBy(() -> sd.calculateGradients(ph("x", Nd4j.rand(DataType.FLOAT, 1, 4)), "w", "b")).isInstanceOf(RuntimeException.class);
        }
        // the bridge: SameDiffExportTest.gradientsAtBatchSizeOne ("Linear") and fitTrainsTheTracedGraph (batch 1)
    }
}
