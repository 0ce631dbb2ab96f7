package dev.skiff.runtime.api;

import dev.skiff.runtime.contract.ErrorCode;
import dev.skiff.runtime.protocol.BinaryData;
import dev.skiff.runtime.protocol.ResponseWriter;

/**
 * What the protocol answers to one request, before a transport (a Lambda event, an HTTP server)
 * wraps it. Made through the factories below, then {@link #withTimings} where a request ran.
 *
 * @param model   the model that was addressed, or null
 * @param version the model version that answered, or null
 * @param allow   for 405: the methods the route takes; else null
 * @param inferenceHeaderLength the JSON part's length when binary data follows it ({@link BinaryData#HEADER}),
 *     else {@link BinaryData#NONE}
 */
public record ApiResponse(
        int status,
        byte[] body,
        String model,
        String version,
        String allow,
        long parseNanos,
        long inferNanos,
        long writeNanos,
        int inferenceHeaderLength) {

    public static final String CONTENT_TYPE = "application/json";

    /** A 200 for {@code model}'s {@code version} (either may be null). */
    public static ApiResponse ok(byte[] body, String model, String version) {
        return of(200, body, model, version);
    }

    /** Any status with a body already written, for no model. */
    public static ApiResponse of(int status, byte[] body) {
        return of(status, body, null, null);
    }

    public static ApiResponse of(int status, byte[] body, String model, String version) {
        return new ApiResponse(status, body, model, version, null, 0, 0, 0, BinaryData.NONE);
    }

    /** A 200 whose body may carry binary data after its JSON. */
    public static ApiResponse ok(BinaryData.Body body, String model, String version) {
        return new ApiResponse(200, body.bytes(), model, version, null, 0, 0, 0, body.headerLength());
    }

    /** The protocol's error body {"error": message}, with the HTTP status of {@code code}. */
    public static ApiResponse error(ErrorCode code, String message, String model, String version) {
        return of(code.httpStatus(), ResponseWriter.error(message), model, version);
    }

    public static ApiResponse error(ErrorCode code, String message) {
        return error(code, message, null, null);
    }

    /** A 405 that names the methods the route takes. */
    public static ApiResponse methodNotAllowed(String message, String model, String allow) {
        return new ApiResponse(
                ErrorCode.METHOD_NOT_ALLOWED.httpStatus(),
                ResponseWriter.error(message),
                model,
                null,
                allow,
                0,
                0,
                0,
                BinaryData.NONE);
    }

    public ApiResponse withTimings(long parseNanos, long inferNanos, long writeNanos) {
        return new ApiResponse(
                status, body, model, version, allow, parseNanos, inferNanos, writeNanos, inferenceHeaderLength);
    }

    /** Whether binary data follows the JSON (the transport sends {@link BinaryData#HEADER}). */
    public boolean hasBinary() {
        return inferenceHeaderLength != BinaryData.NONE;
    }

    /** {@value #CONTENT_TYPE}, or {@value BinaryData#CONTENT_TYPE} when binary data follows the JSON. */
    public String contentType() {
        return hasBinary() ? BinaryData.CONTENT_TYPE : CONTENT_TYPE;
    }

    public boolean isError() {
        return status >= 400;
    }
}
