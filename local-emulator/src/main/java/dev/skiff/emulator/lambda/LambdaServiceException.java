package dev.skiff.emulator.lambda;

/**
 * An error the Lambda API answers with: HTTP status, the error type that the AWS SDK maps to its
 * exception class ({@code x-amzn-ErrorType}), and the message.
 */
public class LambdaServiceException extends RuntimeException {
    private final int status;
    private final String type;
    private final String reason;

    public LambdaServiceException(int status, String type, String message) {
        this(status, type, message, null);
    }

    public LambdaServiceException(int status, String type, String message, String reason) {
        super(message);
        this.status = status;
        this.type = type;
        this.reason = reason;
    }

    public static LambdaServiceException notFound(String message) {
        return new LambdaServiceException(404, "ResourceNotFoundException", message);
    }

    public static LambdaServiceException invalidParameter(String message) {
        return new LambdaServiceException(400, "InvalidParameterValueException", message);
    }

    public static LambdaServiceException conflict(String message) {
        return new LambdaServiceException(409, "ResourceConflictException", message);
    }

    public static LambdaServiceException throttled(String reason) {
        return new LambdaServiceException(429, "TooManyRequestsException", "Rate Exceeded.", reason);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    /** Lambda's {@code Reason} field (throttling), or null. */
    public String reason() {
        return reason;
    }
}
