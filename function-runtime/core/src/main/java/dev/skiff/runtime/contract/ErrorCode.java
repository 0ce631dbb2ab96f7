package dev.skiff.runtime.contract;

/**
 * Why a request was not served, independent of transport; each transport maps a code to its own
 * status at its edge (HTTP through {@link #httpStatus()}), as Triton maps its Status codes.
 */
public enum ErrorCode {
    /** The request is malformed or does not fit the model. */
    INVALID_ARGUMENT(400),
    /** The caller is not authenticated. */
    UNAUTHENTICATED(401),
    /** The caller is authenticated but may not do this. */
    PERMISSION_DENIED(403),
    /** No such route, model, version or alias. */
    NOT_FOUND(404),
    /** The route exists but not for this method. */
    METHOD_NOT_ALLOWED(405),
    /** A concurrent writer changed what this request meant to change. */
    CONFLICT(409),
    /** The body is over the limit. */
    PAYLOAD_TOO_LARGE(413),
    /** Too many requests: a queue or a rate limit is full. */
    RESOURCE_EXHAUSTED(429),
    /** Serving failed on a request that passed every check. */
    INTERNAL(500),
    /** Not ready, or shutting down. */
    UNAVAILABLE(503);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
