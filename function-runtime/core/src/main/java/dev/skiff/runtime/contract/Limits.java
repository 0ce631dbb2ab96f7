package dev.skiff.runtime.contract;

/** The service limits every Skiff module enforces or emulates, written once. */
public final class Limits {
    /** Lambda's synchronous invocation payload, request and response (6 MB = 6,291,456 bytes). */
    public static final int LAMBDA_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;

    /** Lambda's asynchronous (Event) invocation payload (1 MB = 1,048,576 bytes). */
    public static final int LAMBDA_EVENT_PAYLOAD_BYTES = 1024 * 1024;

    /**
     * The request body a Skiff endpoint takes: Lambda's synchronous payload, so a request the
     * pool serves is one Lambda could serve too and a model can move between targets.
     */
    public static final int MAX_REQUEST_BODY_BYTES = LAMBDA_SYNC_PAYLOAD_BYTES;

    /**
     * The largest log line that reaches CloudWatch Logs as one event everywhere Skiff writes one:
     * 256 KiB, PutLogEvents' event limit before AWS raised it to 1 MB and still where Lambda's log
     * shipping splits a longer line, less the 26 bytes the awslogs driver (the pool's) reserves per
     * event. A longer capture line would arrive in pieces that no subscription filter matches.
     */
    public static final int LOG_EVENT_BYTES = 256 * 1024 - 26;

    private Limits() {}
}
