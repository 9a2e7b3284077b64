package dev.nabla.api;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that nothing half-written is ever left at its name: the content goes to a
 * temporary file in the same folder, which is then moved into place (atomically where the file
 * system can); on any failure the temporary file is deleted and the old file, if any, is untouched.
 *
 * <pre>{@code
 * AtomicFile.write(Path.of("model.safetensors"), tmp -> Files.write(tmp, bytes));
 * }</pre>
 */
public final class AtomicFile {
    /** Writes the whole content to the temporary file it is given. */
    @FunctionalInterface
    public interface Writer {
        void write(Path tmp) throws IOException;
    }

    private AtomicFile() {}

    public static void write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            writer.write(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
