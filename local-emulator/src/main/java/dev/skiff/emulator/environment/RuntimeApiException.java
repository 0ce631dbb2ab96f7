package dev.skiff.emulator.environment;

/** A Runtime API call the environment's state does not allow, answered with Lambda's status and error type. */
public class RuntimeApiException extends RuntimeException {
    private final int status;
    private final String errorType;

    public RuntimeApiException(int status, String errorType, String message) {
        super(message);
        this.status = status;
        this.errorType = errorType;
    }

    public int status() {
        return status;
    }

    public String errorType() {
        return errorType;
    }
}
