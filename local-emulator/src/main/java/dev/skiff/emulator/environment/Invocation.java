package dev.skiff.emulator.environment;

import dev.skiff.emulator.lambda.FunctionVersion;

import java.util.concurrent.CompletableFuture;

/**
 * One request to a function version, from the Invoke API or an HTTP API route, and the future
 * its result completes.
 *
 * @param invokedFunctionArn the ARN the caller used, with its qualifier if it gave one
 * @param clientContext the decoded client context JSON, or null
 */
public record Invocation(
        String requestId,
        byte[] payload,
        FunctionVersion version,
        String invokedFunctionArn,
        String traceId,
        String clientContext,
        CompletableFuture<InvocationResult> result) {

    public Invocation(
            String requestId,
            byte[] payload,
            FunctionVersion version,
            String invokedFunctionArn,
            String traceId,
            String clientContext) {
        this(requestId, payload, version, invokedFunctionArn, traceId, clientContext, new CompletableFuture<>());
    }
}
