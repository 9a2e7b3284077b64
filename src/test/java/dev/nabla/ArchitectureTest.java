package dev.nabla;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Holds the dependency direction of DESIGN.md: api ← layers ← training; datasets → api; examples → all; inside layers,
 * modules and F → kernels, and the SameDiff bridge → modules.
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.nabla");

    @Test void apiDependsOnNoOtherPart() {
        noClasses().that().resideInAPackage("dev.nabla.api..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.nabla.layers..", "dev.nabla.training..",
                        "dev.nabla.datasets..", "dev.nabla.examples..")
                .allowEmptyShould(true)
                .check(MAIN);
    }

    @Test void layersDependOnlyOnApi() {
        noClasses().that().resideInAPackage("dev.nabla.layers..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.nabla.training..", "dev.nabla.datasets..",
                        "dev.nabla.examples..")
                .allowEmptyShould(true)
                .check(MAIN);
    }

    /** The kernels package knows no module, no F and no SameDiff bridge: a module hands its op plain values (STYLE.md rule 15). */
    @Test void kernelsDependOnNoModule() {
        noClasses().that().resideInAPackage("dev.nabla.layers.kernels..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.nabla.layers", "dev.nabla.layers.samediff..")
                .check(MAIN);
    }

    /** The modules and F reach the SameDiff bridge never: it traces them, not the other way round. */
    @Test void modulesDoNotDependOnTheSameDiffBridge() {
        noClasses().that().resideInAnyPackage("dev.nabla.layers", "dev.nabla.layers.kernels..")
                .should().dependOnClassesThat().resideInAPackage("dev.nabla.layers.samediff..")
                .check(MAIN);
    }

    @Test void datasetsDependOnlyOnApi() {
        noClasses().that().resideInAPackage("dev.nabla.datasets..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.nabla.layers..", "dev.nabla.training..",
                        "dev.nabla.examples..")
                .allowEmptyShould(true)
                .check(MAIN);
    }

    /** Spark is a provided dependency: only dev.nabla.spark (and the examples) may touch it, so a user without Spark never needs it. */
    @Test void onlyTheSparkPackageDependsOnSpark() {
        noClasses().that().resideOutsideOfPackages("dev.nabla.spark..", "dev.nabla.examples..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..")
                .check(MAIN);
    }

    @Test void nothingDependsOnExamples() {
        noClasses().that().resideOutsideOfPackage("dev.nabla.examples..")
                .should().dependOnClassesThat().resideInAPackage("dev.nabla.examples..")
                .allowEmptyShould(true)
                .check(MAIN);
    }
}
