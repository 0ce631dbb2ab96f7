package dev.skiff.runtime.model;

/** ONNX Runtime failed on a request that passed every check: a 500 with a safe message. */
public final class InferenceFailure extends RuntimeException {
    public InferenceFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
