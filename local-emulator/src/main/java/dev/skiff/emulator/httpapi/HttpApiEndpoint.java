package dev.skiff.emulator.httpapi;

import dev.skiff.runtime.contract.Limits;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.emulator.environment.InvocationResult;
import dev.skiff.emulator.environment.LogSink;
import dev.skiff.emulator.gpupool.LocalGpuPool;
import dev.skiff.emulator.lambda.Invoker;
import dev.skiff.emulator.lambda.LambdaServiceException;
import dev.skiff.emulator.server.HttpCall;
import dev.skiff.emulator.server.HttpEndpoint;
import dev.skiff.emulator.server.HttpReply;
import dev.skiff.emulator.template.RouteTarget;
import java.net.http.HttpTimeoutException;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * API Gateway HTTP API: matches the route, invokes its function (following the route's alias)
 * with a payload 2.0 event, or passes an HTTP_PROXY route's request to the locally run GPU pool,
 * and answers with the response or API Gateway's own errors ({@code {"message": "..."}}). Why a
 * request failed is written to the log, as API Gateway's access log would tell it. Authorization
 * is not checked: every route answers without credentials.
 */
public final class HttpApiEndpoint implements HttpEndpoint {

    /** API Gateway's limit on a request to an HTTP API; the Lambda limit applies after it. */
    private static final int MAX_REQUEST_BYTES = 10 * 1024 * 1024;
    private static final int LAMBDA_MAX_EVENT_BYTES = Limits.LAMBDA_SYNC_PAYLOAD_BYTES;
    private static final String LOG_NAME = "HttpApi";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RouteTable routes;
    private final Invoker invoker;
    private final LogSink log;
    private final LocalGpuPool gpuPool;
    private final HttpProxyForwarder forwarder = new HttpProxyForwarder();
    private volatile int localPort;

    public HttpApiEndpoint(RouteTable routes, Invoker invoker, LogSink log) {
        this(routes, invoker, log, null);
    }

    /** @param gpuPool where HTTP_PROXY routes go, or null when the template has none */
    public HttpApiEndpoint(RouteTable routes, Invoker invoker, LogSink log, LocalGpuPool gpuPool) {
        this.routes = routes;
        this.invoker = invoker;
        this.log = log;
        this.gpuPool = gpuPool;
    }

    /** The port clients reach, for the x-forwarded-port header. */
    public void localPort(int port) {
        this.localPort = port;
    }

    @Override
    public CompletableFuture<HttpReply> handle(HttpCall call) {
        String requestId = apiRequestId();
        return answer(call, requestId).thenApply(reply -> reply.with("apigw-requestid", requestId));
    }

    private CompletableFuture<HttpReply> answer(HttpCall call, String requestId) {
        RouteTable.Match match = routes.match(call.method(), call.path());
        if (match == null) {
            return done(HttpReply.message(404, "Not Found"));
        }
        if (call.body().length > MAX_REQUEST_BYTES) {
            return done(HttpReply.message(413, "Request Entity Too Large"));
        }
        if (match.route().target() instanceof RouteTarget.HttpProxy proxy) {
            return toGpuPool(call, match, proxy);
        }
        RouteTarget.Lambda target = (RouteTarget.Lambda) match.route().target();
        if (!match.route().payloadFormatVersion().equals("2.0")) {
            log.line(LOG_NAME, match.route().routeKey() + ": payload format " + match.route().payloadFormatVersion()
                    + " is not emulated (only 2.0)");
            return done(HttpReply.message(500, "Internal Server Error"));
        }
        String traceId = "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-"
                + java.util.HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + "00000000;Sampled=0";
        byte[] event = HttpApiEvent.build(call, match, match.route().apiId(), requestId, traceId, localPort);
        if (event.length > LAMBDA_MAX_EVENT_BYTES) {
            return done(HttpReply.message(413, "Request Entity Too Large"));
        }
        CompletableFuture<InvocationResult> result;
        try {
            result = invoker.invoke(target.functionName(), target.qualifier(), event, null);
        } catch (LambdaServiceException e) {
            log.line(LOG_NAME, match.route().routeKey() + " -> " + target.functionName() + ": " + e.type()
                    + (e.reason() == null ? "" : " (" + e.reason() + ")") + ": " + e.getMessage());
            return done(HttpReply.message(500, "Internal Server Error"));
        }
        return result.orTimeout(match.route().timeoutMillis(), TimeUnit.MILLISECONDS)
                .thenApply(r -> reply(match, target, r))
                .exceptionally(error -> {
                    Throwable cause = error.getCause() == null ? error : error.getCause();
                    if (cause instanceof TimeoutException) {
                        log.line(LOG_NAME, match.route().routeKey() + ": no response from " + target.functionName()
                                + " within the integration timeout of " + match.route().timeoutMillis() + " ms");
                        return HttpReply.message(503, "Service Unavailable");
                    }
                    log.line(LOG_NAME, match.route().routeKey() + ": " + cause);
                    return HttpReply.message(500, "Internal Server Error");
                });
    }

    private HttpReply reply(RouteTable.Match match, RouteTarget.Lambda target, InvocationResult result) {
        if (result.failed()) {
            log.line(LOG_NAME, match.route().routeKey() + " -> " + target.functionName() + ": function error: "
                    + result.payloadText());
            return HttpReply.message(500, "Internal Server Error");
        }
        HttpReply reply = HttpApiResponse.from(result.payload());
        if (reply == null) {
            log.line(LOG_NAME, match.route().routeKey() + " -> " + target.functionName()
                    + ": the response is not valid for payload format 2.0: " + abbreviate(result.payloadText()));
            return HttpReply.message(500, "Internal Server Error");
        }
        return reply;
    }

    /** The GPU pool's route: to the local gpu-fallback server, once it listens. */
    private CompletableFuture<HttpReply> toGpuPool(HttpCall call, RouteTable.Match match, RouteTarget.HttpProxy proxy) {
        String routeKey = match.route().routeKey();
        if (gpuPool == null) {
            return done(gpuPoolUnavailable(routeKey, proxy, "the emulator runs no GPU pool for this template"));
        }
        int timeout = match.route().timeoutMillis();
        return gpuPool.address()
                .thenCompose(base -> forwarder.forward(base, call, timeout, localPort))
                .exceptionally(error -> {
                    Throwable cause = error.getCause() == null ? error : error.getCause();
                    if (cause instanceof HttpTimeoutException) {
                        log.line(LOG_NAME, routeKey + ": no response from the GPU pool within the integration timeout of "
                                + timeout + " ms");
                        return HttpReply.message(503, "Service Unavailable");
                    }
                    return gpuPoolUnavailable(routeKey, proxy, cause.getMessage());
                });
    }

    /** The pool is not running here: API Gateway's 502, with the reason, since this is a laptop and not a client. */
    private HttpReply gpuPoolUnavailable(String routeKey, RouteTarget.HttpProxy proxy, String reason) {
        String message = "route " + routeKey + " goes to the GPU pool (HTTP_PROXY integration " + proxy.integrationId()
                + "), which is not available locally: " + reason;
        log.line(LOG_NAME, message);
        ObjectNode body = JSON.createObjectNode();
        body.put("message", "Bad Gateway");
        body.put("error", message);
        return HttpReply.json(502, body);
    }

    private static String apiRequestId() {
        byte[] bytes = new byte[10];
        ThreadLocalRandom.current().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes).replace('+', 'A').replace('/', 'B');
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    private static CompletableFuture<HttpReply> done(HttpReply reply) {
        return CompletableFuture.completedFuture(reply);
    }

    @Override
    public HttpReply bodyTooLarge(long limit) {
        return HttpReply.message(413, "Request Entity Too Large");
    }
}
