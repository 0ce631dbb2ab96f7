package dev.skiff.runtime.lambda;

/**
 * An invocation as the protocol sees it, whatever event brought it.
 *
 * @param multiValueHeaders whether the event used multi-value headers (ALB), so the answer must too
 * @param inferenceHeader the request's Inference-Header-Content-Length (binary data follows the JSON), or null
 */
public record HttpEvent(
        EventKind kind, String method, String path, byte[] body, boolean multiValueHeaders, String inferenceHeader) {

    public HttpEvent(EventKind kind, String method, String path, byte[] body, boolean multiValueHeaders) {
        this(kind, method, path, body, multiValueHeaders, null);
    }
}
