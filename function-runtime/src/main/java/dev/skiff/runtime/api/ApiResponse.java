package dev.skiff.runtime.api;

/**
 * What the protocol answers to one request, before a transport (a Lambda event, an HTTP server)
 * wraps it.
 *
 * @param model   the model that was addressed, or null
 * @param version the model version that answered, or null
 * @param allow   for 405: the methods the route takes; else null
 */
public record ApiResponse(int status, byte[] body, String model, String version, String allow,
                          long parseNanos, long inferNanos, long writeNanos) {

    public static final String CONTENT_TYPE = "application/json";

    public boolean isError() {
        return status >= 400;
    }
}
