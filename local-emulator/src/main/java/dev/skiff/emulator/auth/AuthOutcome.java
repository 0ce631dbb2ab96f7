package dev.skiff.emulator.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.emulator.server.HttpReply;

/** What authorizing one request gave: the caller's identity for the event, or API Gateway's refusal. */
public sealed interface AuthOutcome {

    /** @param authorizer the event's {@code requestContext.authorizer} ({@code jwt} or {@code iam}), or null */
    record Allowed(ObjectNode authorizer) implements AuthOutcome {}

    /**
     * @param reply what API Gateway answers
     * @param reason why, in words for the log (API Gateway writes it to its access log as the authorizer error)
     */
    record Refused(HttpReply reply, String reason) implements AuthOutcome {}

    Allowed ANONYMOUS = new Allowed(null);
}
