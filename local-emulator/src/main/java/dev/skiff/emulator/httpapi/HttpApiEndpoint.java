package dev.skiff.emulator.httpapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.emulator.auth.AuthMode;
import dev.skiff.emulator.auth.AuthOutcome;
import dev.skiff.emulator.auth.LocalIssuer;
import dev.skiff.emulator.auth.RouteAuthorizer;
import dev.skiff.emulator.environment.InvocationResult;
import dev.skiff.emulator.environment.LogSink;
import dev.skiff.emulator.gpupool.LocalGpuPool;
import dev.skiff.emulator.lambda.Invoker;
import dev.skiff.emulator.lambda.LambdaServiceException;
import dev.skiff.emulator.server.HttpCall;
import dev.skiff.emulator.server.HttpEndpoint;
import dev.skiff.emulator.server.HttpReply;
import dev.skiff.emulator.template.CorsRules;
import dev.skiff.emulator.template.HttpApiSettings;
import dev.skiff.emulator.template.HttpRoute;
import dev.skiff.emulator.template.RouteTarget;
import dev.skiff.runtime.contract.Limits;

import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * API Gateway HTTP API: matches the route, invokes its function (following the route's alias)
 * with a payload 2.0 event, or passes an HTTP_PROXY route's request to the locally run GPU pool,
 * and answers with the response or API Gateway's own errors ({@code {"message": "..."}}). Why a
 * request failed is written to the log, as API Gateway's access log would tell it. Each route is
 * authorized first (IAM, JWT, as its template says) in the mode the emulator runs, after the API's
 * CORS preflight answer and the route's throttling; the local token issuer's discovery document and
 * key set are answered on this port too.
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
    private final RouteAuthorizer authorizer;
    private final LocalIssuer issuer;
    private final Function<String, HttpApiSettings> apiSettings;
    private final RouteThrottling throttling;
    private final HttpProxyForwarder forwarder = new HttpProxyForwarder();
    private volatile int localPort;
    private volatile String issuerUrl;

    /** An HTTP API that checks no authorization. */
    public HttpApiEndpoint(RouteTable routes, Invoker invoker, LogSink log) {
        this(routes, invoker, log, null, null, null, HttpApiSettings::none);
    }

    /**
     * @param gpuPool where HTTP_PROXY routes go, or null when the template has none
     * @param authorizer how routes are authorized, or null to check nothing
     * @param issuer the local token issuer whose documents this port serves, or null for none
     * @param apiSettings each API's CORS and throttling, by the API id of its routes
     */
    public HttpApiEndpoint(
            RouteTable routes,
            Invoker invoker,
            LogSink log,
            LocalGpuPool gpuPool,
            RouteAuthorizer authorizer,
            LocalIssuer issuer,
            Function<String, HttpApiSettings> apiSettings) {
        this.routes = routes;
        this.invoker = invoker;
        this.log = log;
        this.gpuPool = gpuPool;
        this.authorizer = authorizer;
        this.issuer = issuer;
        this.apiSettings = apiSettings;
        this.throttling = new RouteThrottling(apiSettings, System::nanoTime);
    }

    /** Where clients reach this API: for the x-forwarded-port header and the local issuer's URL. */
    public void listening(String host, int port) {
        this.localPort = port;
        this.issuerUrl = LocalIssuer.url(host, port);
    }

    /** The local issuer's URL (what a JWT authorizer's issuer names to trust its tokens), once listening. */
    public String issuerUrl() {
        return issuerUrl;
    }

    @Override
    public CompletableFuture<HttpReply> handle(HttpCall call) {
        String requestId = apiRequestId();
        return answer(call, requestId).thenApply(reply -> reply.with("apigw-requestid", requestId));
    }

    private CompletableFuture<HttpReply> answer(HttpCall call, String requestId) {
        RouteTable.Match match = routes.match(call.method(), call.path());
        CorsRules cors = settingsFor(call, match).cors();
        if (cors == null) {
            return routed(call, match, requestId);
        }
        if (CorsResponder.isPreflight(call)) {
            return done(CorsResponder.preflight(call, cors));
        }
        return routed(call, match, requestId).thenApply(reply -> CorsResponder.actual(call, cors, reply));
    }

    /**
     * The API a request belongs to: its route's, the route a preflight asks about, or else the one
     * API of the template (all APIs share this port locally).
     */
    private HttpApiSettings settingsFor(HttpCall call, RouteTable.Match match) {
        RouteTable.Match owner = match;
        if (CorsResponder.isPreflight(call)) {
            owner = routes.match(
                    call.header("Access-Control-Request-Method").toUpperCase(java.util.Locale.ROOT), call.path());
        }
        if (owner != null) {
            return apiSettings.apply(owner.route().apiId());
        }
        var apiIds = routes.routes().stream().map(HttpRoute::apiId).collect(Collectors.toSet());
        return apiIds.size() == 1 ? apiSettings.apply(apiIds.iterator().next()) : HttpApiSettings.none("");
    }

    private CompletableFuture<HttpReply> routed(HttpCall call, RouteTable.Match match, String requestId) {
        if (issuer != null
                && call.method().equals("GET")
                && (call.path().equals(LocalIssuer.DISCOVERY_PATH)
                        || call.path().equals(LocalIssuer.JWKS_PATH))) {
            return done(issuerDocument(call.path()));
        }
        if (match == null) {
            return done(HttpReply.message(404, "Not Found"));
        }
        if (!throttling.admit(match.route())) {
            log.line(LOG_NAME, match.route().routeKey() + ": throttled by the route's rate and burst limits");
            return done(HttpReply.message(429, "Too Many Requests"));
        }
        if (call.body().length > MAX_REQUEST_BYTES) {
            return done(HttpReply.message(413, "Request Entity Too Large"));
        }
        if (authorizer == null) {
            return serve(call, match, requestId, null);
        }
        String routeKey = match.route().routeKey();
        return authorizer.authorize(call, match.route().auth()).thenCompose(outcome -> {
            if (outcome instanceof AuthOutcome.Refused refused) {
                String answer = refused.reply().status() + " " + refused.reply().bodyText();
                if (authorizer.mode() == AuthMode.ENFORCE) {
                    log.line(LOG_NAME, routeKey + ": refused with " + answer + ": " + refused.reason());
                    return done(refused.reply());
                }
                log.line(
                        LOG_NAME,
                        routeKey + ": API Gateway would answer " + answer + ": " + refused.reason()
                                + " (let through without an identity: --auth warn)");
                return serve(call, match, requestId, null);
            }
            return serve(call, match, requestId, ((AuthOutcome.Allowed) outcome).authorizer());
        });
    }

    /** The local issuer's discovery document or key set, for JWT authorizers that trust it. */
    private HttpReply issuerDocument(String path) {
        try {
            return path.equals(LocalIssuer.DISCOVERY_PATH)
                    ? HttpReply.json(200, LocalIssuer.discovery(issuerUrl))
                    : HttpReply.json(200, issuer.publicKeys().toString().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            log.line(LOG_NAME, "the local token issuer cannot serve " + path + ": " + e.getMessage());
            return HttpReply.message(500, "Internal Server Error");
        }
    }

    /** The authorized request, to its integration. */
    private CompletableFuture<HttpReply> serve(
            HttpCall call, RouteTable.Match match, String requestId, ObjectNode identity) {
        if (match.route().target() instanceof RouteTarget.HttpProxy proxy) {
            return toGpuPool(call, match, proxy);
        }
        RouteTarget.Lambda target = (RouteTarget.Lambda) match.route().target();
        if (!match.route().payloadFormatVersion().equals("2.0")) {
            log.line(
                    LOG_NAME,
                    match.route().routeKey() + ": payload format "
                            + match.route().payloadFormatVersion() + " is not emulated (only 2.0)");
            return done(HttpReply.message(500, "Internal Server Error"));
        }
        String traceId = "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-"
                + java.util.HexFormat.of()
                        .toHexDigits(ThreadLocalRandom.current().nextLong()) + "00000000;Sampled=0";
        byte[] event = HttpApiEvent.build(call, match, match.route().apiId(), requestId, traceId, localPort, identity);
        if (event.length > LAMBDA_MAX_EVENT_BYTES) {
            return done(HttpReply.message(413, "Request Entity Too Large"));
        }
        CompletableFuture<InvocationResult> result;
        try {
            result = invoker.invoke(target.functionName(), target.qualifier(), event, null);
        } catch (LambdaServiceException e) {
            log.line(
                    LOG_NAME,
                    match.route().routeKey() + " -> " + target.functionName() + ": " + e.type()
                            + (e.reason() == null ? "" : " (" + e.reason() + ")") + ": " + e.getMessage());
            return done(HttpReply.message(500, "Internal Server Error"));
        }
        return result.orTimeout(match.route().timeoutMillis(), TimeUnit.MILLISECONDS)
                .thenApply(r -> reply(match, target, r))
                .exceptionally(error -> {
                    Throwable cause = error.getCause() == null ? error : error.getCause();
                    if (cause instanceof TimeoutException) {
                        log.line(
                                LOG_NAME,
                                match.route().routeKey() + ": no response from " + target.functionName()
                                        + " within the integration timeout of "
                                        + match.route().timeoutMillis() + " ms");
                        return HttpReply.message(503, "Service Unavailable");
                    }
                    log.line(LOG_NAME, match.route().routeKey() + ": " + cause);
                    return HttpReply.message(500, "Internal Server Error");
                });
    }

    private HttpReply reply(RouteTable.Match match, RouteTarget.Lambda target, InvocationResult result) {
        if (result.failed()) {
            log.line(
                    LOG_NAME,
                    match.route().routeKey() + " -> " + target.functionName() + ": function error: "
                            + result.payloadText());
            return HttpReply.message(500, "Internal Server Error");
        }
        HttpReply reply = HttpApiResponse.from(result.payload());
        if (reply == null) {
            log.line(
                    LOG_NAME,
                    match.route().routeKey() + " -> " + target.functionName()
                            + ": the response is not valid for payload format 2.0: "
                            + abbreviate(result.payloadText()));
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
                        log.line(
                                LOG_NAME,
                                routeKey + ": no response from the GPU pool within the integration timeout of "
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
