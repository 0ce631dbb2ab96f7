package dev.skiff.runtime.model;

/** A model or model version that cannot be loaded, with what is wrong and where. */
public final class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
