package dev.skiff.runtime.protocol;

/**
 * A request that cannot be served: carries the HTTP status and a message a person can act on.
 * It is answered as the protocol's error body {"error": "..."}; no stack trace reaches the client.
 */
public final class ProtocolException extends RuntimeException {
    private final int status;

    public ProtocolException(int status, String message) {
        super(message, null, false, false); // no stack trace: these are expected, and frequent under bad traffic
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ProtocolException badRequest(String message) {
        return new ProtocolException(400, message);
    }

    public static ProtocolException notFound(String message) {
        return new ProtocolException(404, message);
    }
}
