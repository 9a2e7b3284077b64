package dev.nabla.api;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that Nabla cannot read because its content is malformed (a safetensors file, a checkpoint): the message
 * names the reader, the file, the field (when one is at fault) and what was expected against what came.
 *
 * <pre>{@code
 * try { Checkpoint.load(file); }
 * catch (FileFormatException e) { log.error("{} is damaged at {}", e.file(), e.field()); }
 * }</pre>
 */
public class FileFormatException extends IOException {
    private final Path file;
    private final String field;

    /** {@code field} is {@code null} when the problem is the file as a whole (its length, its header). */
    public FileFormatException(String component, Path file, String field, String problem) {
        this(component, file, field, problem, null);
    }

    public FileFormatException(String component, Path file, String field, String problem, Throwable cause) {
        super(component + ": " + file + (field == null ? "" : ", field '" + field + "'") + ": " + problem, cause);
        this.file = file;
        this.field = field;
    }

    /** The file at fault. */
    public Path file() { return file; }

    /** The field at fault (a dotted path such as {@code rng.nd4jRootState} or a tensor's name), or {@code null}. */
    public String field() { return field; }
}
