package dev.skiff.emulator.runtimeapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.emulator.environment.EnvironmentHost;
import dev.skiff.emulator.environment.ExecutionEnvironment;
import dev.skiff.emulator.environment.Invocation;
import dev.skiff.emulator.environment.LambdaErrorDocument;
import dev.skiff.emulator.environment.RuntimeApiException;
import dev.skiff.emulator.server.HttpCall;
import dev.skiff.emulator.server.HttpEndpoint;
import dev.skiff.emulator.server.HttpReply;
import dev.skiff.runtime.contract.Limits;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Lambda Runtime API (2018-06-01) that each environment's runtime polls: next invocation,
 * response, invocation error and init error, with every header the official clients read.
 * Paths carry the environment id as a prefix: {@code /{environment}/2018-06-01/runtime/...}.
 */
public final class RuntimeApiEndpoint implements HttpEndpoint {

    /** Lambda's limit on a synchronous response. */
    static final int MAX_RESPONSE_BYTES = Limits.LAMBDA_SYNC_PAYLOAD_BYTES + 100;

    private static final Pattern PATH = Pattern.compile(
            "/([0-9a-f]+)/2018-06-01/runtime/(invocation/next|invocation/([^/]+)/(response|error)|init/error)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EnvironmentHost host;

    public RuntimeApiEndpoint(EnvironmentHost host) {
        this.host = host;
    }

    @Override
    public CompletableFuture<HttpReply> handle(HttpCall call) {
        Matcher matcher = PATH.matcher(call.path());
        if (!matcher.matches()) {
            return done(error(404, "NotFound", "no Runtime API resource at " + call.method() + " " + call.path()));
        }
        ExecutionEnvironment environment = host.environment(matcher.group(1));
        if (environment == null) {
            return done(
                    error(403, "Runtime.Stopped", "execution environment " + matcher.group(1) + " no longer exists"));
        }
        String resource = matcher.group(2);
        try {
            if (resource.equals("invocation/next")) {
                return expect(call, "GET") ? next(environment) : done(methodNotAllowed(call));
            }
            if (!expect(call, "POST")) {
                return done(methodNotAllowed(call));
            }
            if (resource.equals("init/error")) {
                environment.initError(call.header("Lambda-Runtime-Function-Error-Type"), errorDocument(call));
                return done(accepted());
            }
            String requestId = matcher.group(3);
            if (matcher.group(4).equals("response")) {
                if (call.body().length > MAX_RESPONSE_BYTES) {
                    environment.error(
                            requestId,
                            LambdaErrorDocument.of(
                                    "Function.ResponseSizeTooLarge",
                                    "Response payload size exceeded maximum allowed payload size (" + MAX_RESPONSE_BYTES
                                            + " bytes)."));
                    return done(error(
                            413,
                            "RequestEntityTooLarge",
                            "Exceeded maximum allowed payload size (" + MAX_RESPONSE_BYTES + " bytes)."));
                }
                environment.respond(requestId, call.body());
            } else {
                environment.error(requestId, errorDocument(call));
            }
            return done(accepted());
        } catch (RuntimeApiException e) {
            return done(error(e.status(), e.errorType(), e.getMessage()));
        }
    }

    private CompletableFuture<HttpReply> next(ExecutionEnvironment environment) {
        return environment
                .nextInvocation()
                .thenApply(invocation -> nextReply(environment, invocation))
                .exceptionally(failure -> {
                    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                    return cause instanceof RuntimeApiException e
                            ? error(e.status(), e.errorType(), e.getMessage())
                            : error(500, "Runtime.Unknown", String.valueOf(cause.getMessage()));
                });
    }

    private static HttpReply nextReply(ExecutionEnvironment environment, Invocation invocation) {
        HttpReply reply = HttpReply.json(200, invocation.payload())
                .with("Lambda-Runtime-Aws-Request-Id", invocation.requestId())
                .with("Lambda-Runtime-Deadline-Ms", String.valueOf(environment.deadlineEpochMillis()))
                .with("Lambda-Runtime-Invoked-Function-Arn", invocation.invokedFunctionArn())
                // always present: the official Java client crashes in native code without it
                .with("Lambda-Runtime-Trace-Id", invocation.traceId());
        if (invocation.clientContext() != null) {
            reply.with("Lambda-Runtime-Client-Context", invocation.clientContext());
        }
        return reply;
    }

    /** The runtime's error body if it is JSON; otherwise Lambda's shape around what it sent. */
    private static byte[] errorDocument(HttpCall call) {
        try {
            if (JSON.readTree(call.body()) instanceof ObjectNode) {
                return call.body();
            }
        } catch (Exception e) {
            // not JSON: wrapped below
        }
        String type = call.header("Lambda-Runtime-Function-Error-Type");
        return LambdaErrorDocument.of(type == null ? "Runtime.Unknown" : type, call.bodyText());
    }

    private static boolean expect(HttpCall call, String method) {
        return call.method().equals(method);
    }

    private static HttpReply methodNotAllowed(HttpCall call) {
        return error(405, "MethodNotAllowed", call.method() + " is not allowed on " + call.path());
    }

    private static HttpReply accepted() {
        return HttpReply.json(202, "{\"status\":\"OK\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static HttpReply error(int status, String errorType, String message) {
        return HttpReply.json(status, LambdaErrorDocument.of(errorType, message));
    }

    private static CompletableFuture<HttpReply> done(HttpReply reply) {
        return CompletableFuture.completedFuture(reply);
    }

    @Override
    public HttpReply internalError(Throwable error) {
        return error(500, "Runtime.Unknown", "the emulator failed: " + error);
    }
}
