package dev.skiff.emulator.lambda;

import dev.skiff.emulator.environment.Invocation;
import dev.skiff.emulator.environment.InvocationResult;
import dev.skiff.emulator.environment.LambdaErrorDocument;

import java.io.IOException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/** Runs one invocation of a function reference: resolves the version (alias weights), then dispatches it. */
public final class Invoker {

    private final FunctionRegistry registry;

    public Invoker(FunctionRegistry registry) {
        this.registry = registry;
    }

    public FunctionRegistry registry() {
        return registry;
    }

    /**
     * @param qualifier the Qualifier parameter, or null; it must agree with one in the reference
     * @param clientContext the client context JSON, or null
     * @throws LambdaServiceException not found, invalid qualifier, or throttled
     */
    public CompletableFuture<InvocationResult> invoke(
            String functionReference, String qualifier, byte[] payload, String clientContext) {
        FunctionRegistry.Reference reference = registry.find(functionReference);
        String effective = qualifier;
        if (reference.qualifier() != null) {
            if (qualifier != null && !qualifier.equals(reference.qualifier())) {
                throw LambdaServiceException.invalidParameter(
                        "The derived qualifier from the function name does not match the specified qualifier.");
            }
            effective = reference.qualifier();
        }
        LambdaFunction function = reference.function();
        FunctionVersion version = function.resolve(effective);
        String requestId = UUID.randomUUID().toString();
        String invokedArn = function.arn() + (effective == null ? "" : ":" + effective);
        Invocation invocation = new Invocation(requestId, payload, version, invokedArn, traceId(), clientContext);
        try {
            function.code().directory(); // fails clearly when the code was never built
        } catch (IOException e) {
            return CompletableFuture.completedFuture(new InvocationResult(
                    LambdaErrorDocument.of("Runtime.InvalidEntrypoint", e.getMessage()),
                    "Unhandled",
                    version.version(),
                    ""));
        }
        function.pool().dispatch(invocation);
        return invocation.result();
    }

    /** An X-Ray trace header, always sent: the official Java runtime crashes without one. */
    static String traceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        HexFormat hex = HexFormat.of();
        return "Root=1-" + hex.toHexDigits((int) (System.currentTimeMillis() / 1000)) + "-"
                + hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextInt()) + ";Parent="
                + hex.toHexDigits(random.nextLong()) + ";Sampled=0";
    }
}
