package dev.nabla;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.ObjectInputStream;
import org.junit.jupiter.api.Test;

/** Files are data (STYLE.md 14): no class of the library can turn bytes into objects through Java serialisation. */
class NoDeserialisationTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.nabla");

    @Test void noClassOfTheLibraryUsesObjectInputStream() {
        noClasses().should().dependOnClassesThat().areAssignableTo(ObjectInputStream.class)
                .because("a crafted file must never run code or take minutes to load")
                .check(MAIN);
    }
}
