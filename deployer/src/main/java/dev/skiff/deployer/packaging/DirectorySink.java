package dev.skiff.deployer.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a package's files into a directory: the build context of a container image. */
final class DirectorySink implements PackageSink {
    private final Path root;
    private long unzippedBytes;

    DirectorySink(Path root) throws IOException {
        this.root = Files.createDirectories(root);
    }

    @Override
    public void add(String path, InputStream content) throws IOException {
        Path target = root.resolve(path).normalize();
        if (!target.startsWith(root)) throw new IOException(path + " points outside " + root);
        Files.createDirectories(target.getParent());
        unzippedBytes += Files.copy(content, target, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public long unzippedBytes() {
        return unzippedBytes;
    }

    @Override
    public void close() {}
}
