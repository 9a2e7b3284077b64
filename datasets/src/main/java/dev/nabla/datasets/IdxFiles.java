package dev.nabla.datasets;

import dev.nabla.datasets.Download.Resource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Where an IDX dataset (MNIST and its look-alikes) keeps its four files, and how they are loaded: in
 * {@code root/<folder>/}, or in {@code root} itself when it is the dataset's folder.
 */
final class IdxFiles {
    private IdxFiles() {}

    record Spec(String name, String folder, List<URI> mirrors, Resource trainImages, Resource trainLabels,
                Resource testImages, Resource testLabels, List<String> classes) {}

    static ImageDataset.Raw load(Spec s, Path root, boolean train, boolean download, List<URI> mirrors) throws IOException {
        if (root == null) throw new IllegalArgumentException(s.name() + ": root must not be null");
        Resource imageFile = train ? s.trainImages() : s.testImages(), labelFile = train ? s.trainLabels() : s.testLabels();
        Path dir = Download.folder(root, s.folder(), List.of(imageFile.file(), labelFile.file()));
        Path images = Download.locate(s.name(), dir, imageFile, download, mirrors);
        Path labels = Download.locate(s.name(), dir, labelFile, download, mirrors);
        return ImageDataset.fromIdx(Idx.read(images, 3), images.toString(), Idx.read(labels, 1), labels.toString(), s.classes());
    }
}
