package dev.skiff.deployer.packaging;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a .zip whose bytes depend only on its contents: every entry has the same timestamp, so
 * packaging the same model twice gives the same hash and CloudFormation sees no code change.
 */
final class ZipSink implements PackageSink {
    private static final FileTime FIXED_TIME = FileTime.fromMillis(315_532_800_000L); // 1980-01-01, zip's epoch

    private final ZipOutputStream zip;
    private final Set<String> directories = new HashSet<>();
    private long unzippedBytes;

    ZipSink(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        this.zip = new ZipOutputStream(out);
        zip.setLevel(6);
    }

    @Override
    public void add(String path, InputStream content) throws IOException {
        addDirectories(path);
        ZipEntry entry = new ZipEntry(path);
        entry.setLastModifiedTime(FIXED_TIME);
        zip.putNextEntry(entry);
        unzippedBytes += content.transferTo(zip);
        zip.closeEntry();
    }

    /** Directory entries, as `zip -r` writes them: some tools expect them. */
    private void addDirectories(String path) throws IOException {
        for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
            String directory = path.substring(0, slash + 1);
            if (directories.add(directory)) {
                ZipEntry entry = new ZipEntry(directory);
                entry.setLastModifiedTime(FIXED_TIME);
                zip.putNextEntry(entry);
                zip.closeEntry();
            }
        }
    }

    @Override
    public long unzippedBytes() {
        return unzippedBytes;
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
