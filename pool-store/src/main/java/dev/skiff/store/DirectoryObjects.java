package dev.skiff.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The store as a directory (a shared volume, or a local one in development). Writes go to a
 * temporary file and are moved into place, so a reader never sees half an object; a conditional
 * put holds a lock file across processes (and a lock across threads, which file locks do not
 * separate) while it compares the object's digest.
 */
final class DirectoryObjects implements StoreObjects {
    private static final String LOCK_FILE = ".skiff-store.lock";
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();

    private final Path root;

    DirectoryObjects(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the model store " + this.root, e);
        }
    }

    @Override
    public Optional<Tagged> get(String key) {
        try {
            byte[] body = Files.readAllBytes(path(key));
            return Optional.of(new Tagged(body, Checksums.sha256(body)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path(key), e);
        }
    }

    @Override
    public String putIf(String key, byte[] body, String expectedTag) {
        IN_PROCESS.lock();
        try (FileChannel lockFile =
                        FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = lockFile.lock()) {
            String current = get(key).map(Tagged::tag).orElse(null);
            if (expectedTag == null ? current != null : !expectedTag.equals(current)) {
                throw new StoreConflictException(conflict(key, expectedTag, current));
            }
            put(key, body);
            return Checksums.sha256(body);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + root.resolve(LOCK_FILE), e);
        } finally {
            IN_PROCESS.unlock();
        }
    }

    static String conflict(String key, String expectedTag, String current) {
        if (expectedTag == null) return key + " was created by another writer after it was read as absent";
        if (current == null) return key + " was deleted by another writer after it was read";
        return key + " was changed by another writer after it was read";
    }

    @Override
    public void put(String key, byte[] body) {
        Path target = path(key);
        try {
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), ".put-", ".tmp");
            Files.write(temp, body);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    @Override
    public void putFile(String key, Path file) {
        Path target = path(key);
        try {
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), ".put-", ".tmp");
            Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    @Override
    public void getFile(String key, Path file) {
        try {
            Files.copy(path(key), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path(key), e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        Path dir = prefix.isEmpty() ? root : path(prefix);
        if (!Files.isDirectory(dir)) return List.of();
        List<String> keys = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith("."))
                    .forEach(f -> keys.add(root.relativize(f).toString().replace('\\', '/')));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(path(key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path(key), e);
        }
    }

    @Override
    public String describe() {
        return root.toString();
    }

    @Override
    public void close() {}

    private Path path(String key) {
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root)) throw new IllegalArgumentException("'" + key + "' is outside the store " + root);
        return path;
    }
}
