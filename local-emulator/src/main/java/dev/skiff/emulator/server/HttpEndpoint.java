package dev.skiff.emulator.server;

import java.util.concurrent.CompletableFuture;

/** Answers requests, possibly later (a long poll, an invocation in progress). */
public interface HttpEndpoint {

    CompletableFuture<HttpReply> handle(HttpCall call);

    /** The most the server reads of one request body for this endpoint. */
    default int maxBodyBytes() {
        return LoopbackHttpServer.MAX_BODY_BYTES;
    }

    /** The reply when handling failed unexpectedly; the message is logged, never sent as a stack trace. */
    default HttpReply internalError(Throwable error) {
        return HttpReply.message(500, "Internal Server Error");
    }

    /** The reply when the body exceeds what the server reads. */
    default HttpReply bodyTooLarge(long limit) {
        return HttpReply.message(413, "Request Entity Too Large: the body exceeds " + limit + " bytes");
    }
}
