package dev.skiff.emulator.lambda;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The code of a function's $LATEST: the template's CodeUri (a directory in Lambda's layout, classes
 * at the root, {@code lib/*.jar}, or a {@code bootstrap}; or a .zip of one, extracted as Lambda
 * extracts it to {@code /var/task}), until UpdateFunctionCode replaces it with an uploaded .zip.
 * Its fingerprint (paths, sizes, modification times) tells cheaply when the code changed; its
 * CodeSha256 and CodeSize are computed from the content only then.
 */
public final class CodePackage implements AutoCloseable {

    private final List<Path> extractions = new ArrayList<>();
    private Path source;
    private Path directory;
    private String fingerprint;
    private String sha256 = "";
    private long size;

    public CodePackage(Path source) {
        this.source = source;
    }

    public synchronized Path source() {
        return source;
    }

    /** UpdateFunctionCode: $LATEST runs this .zip from now on (the caller recycles its environments). */
    public synchronized void replace(Path zip) {
        source = zip;
        fingerprint = null;
        refresh();
    }

    /** The directory environments run in. */
    public synchronized Path directory() throws IOException {
        if (directory == null) {
            refresh();
        }
        if (directory == null) {
            throw new IOException("CodeUri " + source + " does not exist; build the function first"
                    + " (bin/jdk ./mvnw -q -DskipTests package)");
        }
        return directory;
    }

    /**
     * Lambda's CodeSha256: the base64 SHA-256 of the .zip; for a directory, of its files' relative
     * paths and contents in path order (the .zip a build would make of it has another hash).
     */
    public synchronized String sha256() {
        if (fingerprint == null) {
            refresh();
        }
        return sha256;
    }

    /** Lambda's CodeSize: the .zip's bytes; for a directory, its files' bytes together. */
    public synchronized long size() {
        if (fingerprint == null) {
            refresh();
        }
        return size;
    }

    /**
     * Looks at the code again.
     *
     * @return true when it changed since the last look
     */
    public synchronized boolean refresh() {
        String now = computeFingerprint();
        if (now == null || now.equals(fingerprint)) {
            return false;
        }
        boolean changed = fingerprint != null;
        try {
            directory = Files.isDirectory(source) ? source : extract();
            measureContent();
            fingerprint = now;
        } catch (IOException e) {
            System.err.println("cannot extract " + source + ": " + e.getMessage());
            return false;
        }
        return changed;
    }

    private String computeFingerprint() {
        if (!Files.exists(source)) {
            return null;
        }
        try (Stream<Path> files = Files.isDirectory(source) ? Files.walk(source) : Stream.of(source)) {
            MessageDigest digest = sha256Digest();
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String entry = source.relativize(file) + "|" + Files.size(file) + "|"
                        + Files.getLastModifiedTime(file).toMillis() + "\n";
                digest.update(entry.getBytes(StandardCharsets.UTF_8));
            }
            return Base64.getEncoder().encodeToString(digest.digest());
        } catch (IOException e) {
            return null; // changing while being read: look again next time
        }
    }

    private void measureContent() throws IOException {
        MessageDigest digest = sha256Digest();
        long bytes = 0;
        if (Files.isDirectory(source)) {
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    digest.update(source.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
                    digest.update((byte) 0);
                    bytes += digestFile(file, digest);
                }
            }
        } else {
            bytes = digestFile(source, digest);
        }
        sha256 = Base64.getEncoder().encodeToString(digest.digest());
        size = bytes;
    }

    private static long digestFile(Path file, MessageDigest digest) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            for (int read; (read = in.read(buffer)) > 0; total += read) {
                digest.update(buffer, 0, read);
            }
            return total;
        }
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path extract() throws IOException {
        Path target = Files.createTempDirectory("skiff-code-");
        extractions.add(target);
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(source))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("zip entry " + entry.getName() + " points outside the package");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    copy(zip, out);
                }
            }
        }
        Path bootstrap = target.resolve("bootstrap");
        if (Files.exists(bootstrap)) {
            bootstrap.toFile().setExecutable(true); // zip tools often drop the mode bits
        }
        return target;
    }

    /** A directory as a .zip, its files in path order (for a download of code that was never a .zip). */
    public static byte[] zip(Path directory) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes);
                Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(
                        new ZipEntry(directory.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, zip);
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static void copy(InputStream in, Path out) throws IOException {
        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public synchronized void close() {
        for (Path extraction : extractions) {
            try (Stream<Path> files = Files.walk(extraction)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // temporary files only
            }
        }
    }
}
