package dev.nabla.datasets;

import dev.nabla.api.AtomicFile;
import dev.nabla.datasets.Download.Resource;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The binary CIFAR format: records of label byte(s) then 3,072 pixel bytes (1,024 red, green, blue), in
 * files under {@code root/<folder>/}, extracted from the publisher's {@code .tar.gz} when missing.
 */
final class CifarFiles {
    private CifarFiles() {}

    static final int PIXELS = 3 * 32 * 32;

    record Spec(String name, String folder, Resource archive, List<String> trainFiles, List<String> testFiles,
                int labelBytes, int labelOffset, List<String> classes) {}

    static ImageDataset.Raw load(Spec s, Path root, boolean train, boolean download, List<URI> mirrors) throws IOException {
        if (root == null) throw new IllegalArgumentException(s.name() + ": root must not be null");
        Path dir = root.resolve(s.folder());
        List<String> names = train ? s.trainFiles() : s.testFiles();
        String missing = null;
        for (String n : names) {
            Path f = dir.resolve(n);
            if (Files.isDirectory(f)) {
                throw new IOException(s.name() + ": " + f + " is a directory where the file " + n + " is expected; remove it"
                        + " (or move the file out of it) and put the file itself into " + dir);
            }
            if (missing == null && !Files.isRegularFile(f)) missing = n;
        }
        if (missing != null) {
            Path archive = root.resolve(s.archive().file());
            if (!Files.isRegularFile(archive)) {
                if (!download) {
                    throw new FileNotFoundException(s.name() + ": " + dir.resolve(missing) + " not found. Put the files of the"
                            + " binary version into " + dir + " (" + s.archive().file() + " extracted in " + root
                            + "), or pass download = true to fetch it from " + Download.url(mirrors.get(0), s.archive().file()));
                }
                Download.fetch(s.name(), root, s.archive(), mirrors);
            } else {
                String mismatch = Download.verify(archive, s.archive());
                if (mismatch != null) throw new IOException(s.name() + ": " + archive + ": " + mismatch);
            }
            extract(s, archive, root);
        }
        return read(s, dir, names);
    }

    static ImageDataset.Raw read(Spec s, Path dir, List<String> names) throws IOException {
        int record = s.labelBytes() + PIXELS;
        List<byte[]> parts = new ArrayList<>();
        long total = 0;
        for (String n : names) {
            Path p = dir.resolve(n);
            byte[] b = Files.readAllBytes(p);
            if (b.length == 0 || b.length % record != 0) {
                throw new IOException(p + ": truncated or not a " + s.name() + " binary file: " + b.length
                        + " bytes is not a whole number of " + record + "-byte records (" + s.labelBytes()
                        + " label byte" + (s.labelBytes() == 1 ? "" : "s") + " + " + PIXELS + " pixels)");
            }
            ImageDataset.checkLabels(b, s.labelOffset(), record, b.length / record, s.classes().size(), p.toString());
            parts.add(b);
            total += b.length / record;
        }
        int n = (int) total;
        byte[] images = new byte[n * PIXELS];
        byte[] labels = new byte[n];
        int k = 0;
        for (byte[] b : parts) {
            for (int off = 0; off < b.length; off += record, k++) {
                labels[k] = b[off + s.labelOffset()];
                System.arraycopy(b, off + s.labelBytes(), images, k * PIXELS, PIXELS);
            }
        }
        return new ImageDataset.Raw(images, n, 3, 32, 32, labels, s.classes());
    }

    /** Extracts the archive's files under {@code folder/} into {@code root}, each through a temporary file. */
    static void extract(Spec s, Path archive, Path root) throws IOException {
        Path base = root.toAbsolutePath().normalize();
        Files.createDirectories(base.resolve(s.folder()));
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive), 1 << 16)) {
            Tar.read(in, archive.toString(), name -> name.startsWith(s.folder() + "/"), (name, content, size) -> {
                Path target = base.resolve(name).normalize();
                if (!target.startsWith(base)) throw new IOException(archive + ": entry " + name + " points outside " + root);
                AtomicFile.write(target, tmp -> {
                    long copied = Files.copy(content, tmp, StandardCopyOption.REPLACE_EXISTING);
                    if (copied != size) throw new IOException(archive + ": truncated entry " + name + " (" + copied + " of " + size + " bytes)");
                });
            });
        }
    }
}
