package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exactly one ND4J native build is on the classpath, and it is the one that loads. */
class NativeBuildTest {
    @Test void theChosenNativeBuildIsTheOnlyOneAndItLoads() {
        String wanted = System.getProperty("nd4j.native.classifier", "linux-x86_64-onednn-avx2");
        List<String> natives = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> new File(p).getName())
                .filter(n -> n.matches("nd4j-native-[^-]+-[^-]+-linux-.*\\.jar"))
                .toList();
        assertThat(natives).containsExactly("nd4j-native-1.0.0-M2.1-" + wanted + ".jar");
        assertThat(Nabla.nativeBuild()).isEqualTo(wanted);
    }

    /** MKL loads only when its redistributable is on the class path (the `mkl` profile); otherwise OpenBLAS. */
    @Test void theBlasIsMklExactlyWhenItsRedistributableIsThere() {
        boolean mkl = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .anyMatch(p -> new File(p).getName().startsWith("mkl-") && p.endsWith("-redist.jar"));
        assertThat(Nabla.blas()).isEqualTo(mkl ? "mkl_rt" : "openblas");
    }
}
