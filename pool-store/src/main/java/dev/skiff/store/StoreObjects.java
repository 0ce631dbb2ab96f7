package dev.skiff.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The few object operations the model store needs, on S3 or on a directory. Keys are relative to
 * the store's root, '/'-separated. A tag is the object's ETag (S3) or content digest (directory):
 * it changes whenever the object does, and a conditional put compares it.
 */
interface StoreObjects extends AutoCloseable {
    /** An object's bytes and the tag they were read at. */
    record Tagged(byte[] body, String tag) {}

    Optional<Tagged> get(String key);

    /**
     * Writes {@code body} only if the object's tag is still {@code expectedTag}, or, with
     * {@code expectedTag} null, only if it does not exist yet.
     *
     * @return the new tag
     * @throws StoreConflictException when the condition does not hold; nothing was written
     */
    String putIf(String key, byte[] body, String expectedTag);

    void put(String key, byte[] body);

    void putFile(String key, Path file);

    /** Copies the object to {@code file}. */
    void getFile(String key, Path file);

    /** Every key under {@code prefix} (which ends with '/' or is empty). */
    List<String> list(String prefix);

    void delete(String key);

    /** s3://bucket/prefix or the directory, for messages. */
    String describe();

    @Override
    void close();
}
