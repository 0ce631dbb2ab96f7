package dev.skiff.runtime.protocol;

import dev.skiff.runtime.contract.ErrorCode;

/**
 * A request that cannot be served: carries why (an {@link ErrorCode}, which each transport maps to
 * its status) and a message a person can act on. It is answered as the protocol's error body
 * {"error": "..."}; no stack trace reaches the client.
 */
public final class ProtocolException extends RuntimeException {
    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message, null, false, false); // no stack trace: these are expected, and frequent under bad traffic
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static ProtocolException badRequest(String message) {
        return new ProtocolException(ErrorCode.INVALID_ARGUMENT, message);
    }

    public static ProtocolException notFound(String message) {
        return new ProtocolException(ErrorCode.NOT_FOUND, message);
    }

    public static ProtocolException tooLarge(String message) {
        return new ProtocolException(ErrorCode.PAYLOAD_TOO_LARGE, message);
    }

    public static ProtocolException unavailable(String message) {
        return new ProtocolException(ErrorCode.UNAVAILABLE, message);
    }
}
