package dev.skiff.emulator.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Where published versions keep their code: each file once under {@code objects/<sha-256>}
 * (read-only), and each snapshot a directory tree of hard links to those objects, so a version
 * costs one copy of the files it does not share with another and nothing else. Files are copied
 * into the store, never linked from the function's own directory: an in-place edit of $LATEST
 * must not reach a version.
 */
public final class CodeStore implements AutoCloseable {

    private final Path root;
    private final Path objects;
    private final Path snapshots;
    private final Path packages;
    private final AtomicLong next = new AtomicLong();

    private CodeStore(Path root) throws IOException {
        this.root = root;
        this.objects = Files.createDirectories(root.resolve("objects"));
        this.snapshots = Files.createDirectories(root.resolve("snapshots"));
        this.packages = Files.createDirectories(root.resolve("packages"));
    }

    /** A store in a new temporary directory, removed by {@link #close()}: versions live as long as the emulator. */
    public static CodeStore temporary() throws IOException {
        return new CodeStore(Files.createTempDirectory("skiff-code-store-"));
    }

    public Path root() {
        return root;
    }

    /** Freezes {@code directory}: returns a new directory with the same tree, which nothing changes afterwards. */
    public synchronized Path snapshot(Path directory, String name) throws IOException {
        Path target = snapshots.resolve(name.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + next.incrementAndGet());
        Files.createDirectories(target);
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted().toList()) {
                Path out = target.resolve(directory.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(out);
                } else if (Files.isRegularFile(file)) {
                    Path object = store(file);
                    link(object, out);
                    if (Files.isExecutable(file)) {
                        out.toFile().setExecutable(true); // the object's mode: shared by every link to it
                    }
                }
            }
        }
        return target;
    }

    /** Keeps an uploaded .zip (UpdateFunctionCode) under packages/, by its SHA-256, read-only. */
    public synchronized Path keepPackage(byte[] zip) throws IOException {
        Path file = packages.resolve(HexFormat.of().formatHex(sha256().digest(zip)) + ".zip");
        if (!Files.exists(file)) {
            Path incoming = Files.createTempFile(root, "incoming-", ".zip");
            Files.write(incoming, zip);
            Files.move(incoming, file, StandardCopyOption.ATOMIC_MOVE);
            file.toFile().setWritable(false, false);
        }
        return file;
    }

    /** The .zip UpdateFunctionCode uploaded with this CodeSha256 (base64, as Lambda reports it), if any. */
    public synchronized Optional<Path> keptPackage(String codeSha256) {
        try {
            Path file = packages.resolve(
                    HexFormat.of().formatHex(Base64.getDecoder().decode(codeSha256)) + ".zip");
            return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The file's content under objects/, copied there once. */
    private Path store(Path file) throws IOException {
        Path incoming = Files.createTempFile(root, "incoming-", "");
        String sha256;
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256())) {
            Files.copy(in, incoming, StandardCopyOption.REPLACE_EXISTING);
            sha256 = HexFormat.of()
                    .formatHex(((DigestInputStream) in).getMessageDigest().digest());
        }
        Path object = objects.resolve(sha256);
        if (Files.exists(object)) {
            Files.delete(incoming);
        } else {
            Files.move(incoming, object, StandardCopyOption.ATOMIC_MOVE);
            object.toFile().setWritable(false, false);
        }
        return object;
    }

    private static void link(Path object, Path out) throws IOException {
        try {
            Files.createLink(out, object);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(object, out); // a file system without hard links: a copy, still frozen
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                path.toFile().setWritable(true);
                path.toFile().delete();
            });
        } catch (IOException e) {
            // temporary files only
        }
    }
}
