package dev.skiff.store;

/**
 * A conditional write lost: the object changed (or appeared) since the writer read it. Nothing was
 * written; the writer reads again and decides, so no update is ever lost silently.
 */
public final class StoreConflictException extends RuntimeException {
    public StoreConflictException(String message) {
        super(message);
    }
}
