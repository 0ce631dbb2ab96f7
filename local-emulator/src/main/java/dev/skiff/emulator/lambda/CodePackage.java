package dev.skiff.emulator.lambda;

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

/**
 * A function's CodeUri: a directory in Lambda's layout (classes at the root, {@code lib/*.jar},
 * or a {@code bootstrap}), or a .zip of one, extracted as Lambda extracts it to {@code /var/task}.
 * Its fingerprint (paths, sizes, modification times) tells when the code changed.
 */
public final class CodePackage implements AutoCloseable {

    private final Path source;
    private final List<Path> extractions = new ArrayList<>();
    private Path directory;
    private String fingerprint;

    public CodePackage(Path source) {
        this.source = source;
    }

    public Path source() {
        return source;
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

    /** Base64 SHA-256 of the fingerprint, standing in for Lambda's CodeSha256 of the zip. */
    public synchronized String sha256() {
        if (fingerprint == null) {
            refresh();
        }
        return fingerprint == null ? "" : fingerprint;
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
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String entry = source.relativize(file) + "|" + Files.size(file) + "|"
                        + Files.getLastModifiedTime(file).toMillis() + "\n";
                digest.update(entry.getBytes(StandardCharsets.UTF_8));
            }
            return Base64.getEncoder().encodeToString(digest.digest());
        } catch (IOException e) {
            return null; // changing while being read: look again next time
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
