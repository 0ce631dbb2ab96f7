package dev.skiff.runtime.lambda;

/**
 * An invocation as the protocol sees it, whatever event brought it.
 *
 * @param multiValueHeaders whether the event used multi-value headers (ALB), so the answer must too
 */
public record HttpEvent(EventKind kind, String method, String path, byte[] body, boolean multiValueHeaders) {}
