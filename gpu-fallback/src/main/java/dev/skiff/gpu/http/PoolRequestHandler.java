package dev.skiff.gpu.http;

import dev.skiff.gpu.observability.PoolMetrics;
import dev.skiff.gpu.routing.AliasTable;
import dev.skiff.gpu.routing.PoolBackend;
import dev.skiff.runtime.api.ApiResponse;
import dev.skiff.runtime.api.InferenceApi;
import dev.skiff.runtime.api.Route;
import dev.skiff.runtime.batch.BatchEvent;
import dev.skiff.runtime.batch.BatchJob;
import dev.skiff.runtime.contract.ErrorCode;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.observability.RequestLog;
import dev.skiff.runtime.protocol.BinaryData;
import dev.skiff.runtime.protocol.ProtocolException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Jetty's side of the pool: reads each body without holding a Jetty thread, answers on a virtual
 * thread (which may wait for its batch), adds the x-skiff-* headers, and writes one log line and
 * the metrics per request. Nothing a client sends escapes as anything but a protocol error.
 */
public final class PoolRequestHandler extends Handler.Abstract.NonBlocking {
    public static final Target TARGET = Target.GPU_POOL;
    private static final Logger LOG = LoggerFactory.getLogger(PoolRequestHandler.class);
    /** Seconds a client should wait before retrying a 503 (queue full, loading, draining). */
    static final String RETRY_AFTER_SECONDS = "1";

    private final InferenceApi api; // null on the management listener
    private final PoolBackend backend;
    private final ManagementApi management; // null on the serving listener
    private final PoolMetrics metrics;
    private final RequestLog log;
    private final int maxBodyBytes;
    private final ExecutorService answering;
    private final byte[] serverMetadata;
    private final AtomicInteger inFlight = new AtomicInteger();

    private record Reply(ApiResponse response, String contentType, boolean closeConnection) {}

    private PoolRequestHandler(
            InferenceApi api,
            PoolBackend backend,
            ManagementApi management,
            PoolMetrics metrics,
            RequestLog log,
            int maxBodyBytes,
            ExecutorService answering,
            byte[] serverMetadata) {
        this.api = api;
        this.backend = backend;
        this.management = management;
        this.metrics = metrics;
        this.log = log;
        this.maxBodyBytes = maxBodyBytes;
        this.answering = answering;
        this.serverMetadata = serverMetadata;
    }

    /** The listener the load balancer targets: the protocol's routes and /metrics, never /v2/repository. */
    public static PoolRequestHandler serving(
            InferenceApi api,
            PoolBackend backend,
            PoolMetrics metrics,
            RequestLog log,
            int maxBodyBytes,
            ExecutorService answering,
            byte[] serverMetadata) {
        return new PoolRequestHandler(api, backend, null, metrics, log, maxBodyBytes, answering, serverMetadata);
    }

    /**
     * The management listener, bound apart (loopback by default) so that nothing which reaches the
     * serving port can load, unload or move an alias: /v2/repository only.
     */
    public static PoolRequestHandler management(
            ManagementApi management,
            PoolBackend backend,
            PoolMetrics metrics,
            RequestLog log,
            int maxBodyBytes,
            ExecutorService answering) {
        return new PoolRequestHandler(null, backend, management, metrics, log, maxBodyBytes, answering, null);
    }

    /** Requests read or being answered now; drain waits for none. */
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        inFlight.incrementAndGet();
        String method = request.getMethod();
        String path = request.getHttpURI().getPath(); // as sent, percent-encoding kept, like API Gateway's rawPath
        String requestId = requestId(request);
        String inferenceHeader = request.getHeaders().get(BinaryData.HEADER);
        Callback done = Callback.from(callback, inFlight::decrementAndGet);
        CompletableFuture<Reply> replied = request.getLength() > maxBodyBytes
                ? discardThenTooLarge(request, request.getLength())
                : Content.Source.asByteArrayAsync(request, maxBodyBytes)
                        .handleAsync(
                                (body, failure) -> failure == null
                                        ? CompletableFuture.completedFuture(
                                                answer(method, path, body, inferenceHeader, requestId))
                                        : overLimit(failure)
                                                ? discardThenTooLarge(request, -1)
                                                : CompletableFuture.completedFuture(unreadable(failure)),
                                answering)
                        .thenCompose(reply -> reply);
        replied.thenAccept(reply -> {
                    record(path, requestId, reply, System.nanoTime() - start); // before the client can see the answer
                    send(reply, response, done);
                })
                .exceptionally(failure -> {
                    done.failed(failure);
                    return null;
                });
        return true;
    }

    private Reply answer(String method, String path, byte[] body, String inferenceHeader, String requestId) {
        try {
            if (backend.draining() && !isHealth(path)) {
                return new Reply(
                        ApiResponse.error(
                                ErrorCode.UNAVAILABLE,
                                "this server is shutting down and takes no new "
                                        + "requests; retry, and another instance will answer"),
                        ApiResponse.CONTENT_TYPE,
                        true);
            }
            return management != null ? manage(method, path, body) : serve(method, path, body, inferenceHeader);
        } catch (ProtocolException e) { // a bad Inference-Header-Content-Length
            return json(ApiResponse.error(e.code(), e.getMessage()));
        } catch (RuntimeException | Error e) {
            // a defect, not the client's fault: the trace goes to the log, a safe message to the client
            LOG.atError().setCause(e).addKeyValue("requestId", requestId).log("a request failed inside the server");
            return json(ApiResponse.error(
                    ErrorCode.INTERNAL, "internal error; see the server's log for request " + requestId));
        }
    }

    /** /v2/repository falls through to the protocol's own 404: this listener has no such route. */
    private Reply serve(String method, String path, byte[] body, String inferenceHeader) {
        if (path.equals("/metrics")) {
            if (!method.equals("GET"))
                return json(ApiResponse.methodNotAllowed(method + " is not allowed on /metrics; use GET", null, "GET"));
            return new Reply(ApiResponse.of(200, metrics.scrape()), PoolMetrics.CONTENT_TYPE, false);
        }
        if (method.equals("GET") && isServerMetadata(path)) { // the one answer that differs from Lambda's
            return json(ApiResponse.of(200, serverMetadata));
        }
        Route batch = batchRoute(path);
        if (batch != null) {
            if (!method.equals("POST"))
                return json(ApiResponse.methodNotAllowed(
                        method + " is not allowed on " + path + "; use POST", null, "POST"));
            return json(BatchJob.answer(backend, batchEvent(batch, body)));
        }
        return json(api.handle(method, path, body, BinaryData.headerLength(inferenceHeader)));
    }

    /**
     * {@code /v2/models/{m}[/versions/{v}]/batch}: a Distributed Map batch, answered as the Lambda
     * function answers it. It sits where {@code infer} does, as Triton's extensions ({@code generate}) do.
     */
    static Route batchRoute(String path) {
        if (!path.endsWith(BATCH_SUFFIX)) return null;
        Route route = Route.parse(path.substring(0, path.length() - BATCH_SUFFIX.length()) + "/infer");
        return route != null && route.kind() == Route.Kind.INFER ? route : null;
    }

    private static final String BATCH_SUFFIX = "/batch";

    /** The body's batch, for the path's model (and version, if it names one); a BatchInput that names others is refused. */
    private static BatchEvent batchEvent(Route route, byte[] body) {
        BatchEvent event = BatchEvent.decode(body);
        if (event.model() != null && !event.model().equals(route.model())) {
            throw ProtocolException.badRequest("the batch's BatchInput names model '" + event.model()
                    + "', but the path names '" + route.model() + "'");
        }
        String version = route.version() != null ? route.version() : event.version();
        if (event.version() != null && !event.version().equals(version)) {
            throw ProtocolException.badRequest("the batch's BatchInput names version '" + event.version()
                    + "', but the path names '" + version + "'");
        }
        // "live" is what a state machine's BatchInput names; a pool with no live alias serves its default
        // (the highest version) there, as for a path without a version, which resolves live first
        if (AliasTable.DEFAULT_ALIAS.equals(version)) version = null;
        return new BatchEvent(event.items(), route.model(), version);
    }

    private Reply manage(String method, String path, byte[] body) {
        if (!ManagementApi.handles(path)) {
            return json(ApiResponse.error(
                    ErrorCode.NOT_FOUND,
                    "no route for " + method + " " + path + " on the management listener, which serves "
                            + ManagementApi.PREFIX + "/... only; inference is on the serving port"));
        }
        return json(management.handle(method, path, body));
    }

    private Reply unreadable(Throwable failure) {
        return json(ApiResponse.error(
                ErrorCode.INVALID_ARGUMENT,
                "the request body could not be read: " + cause(failure).getMessage()));
    }

    /** Jetty's "Max size (N) exceeded", from reading a body without a Content-Length past the limit. */
    private static boolean overLimit(Throwable failure) {
        Throwable cause = cause(failure);
        return cause instanceof IllegalStateException
                && cause.getMessage() != null
                && cause.getMessage().startsWith("Max size");
    }

    private static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /**
     * The 413 for a body over the limit, sent once the rest of the body has been read and dropped:
     * a server that answers and closes while the client still sends resets the connection, and the
     * client sees a broken pipe instead of the answer. The connection closes after it.
     *
     * @param declared the body's Content-Length, or -1 when it has none
     */
    private CompletableFuture<Reply> discardThenTooLarge(Request request, long declared) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        String size = declared < 0 ? "the request body is" : "the request body is " + declared + " bytes,";
        Reply tooLarge = new Reply(
                ApiResponse.error(
                        ErrorCode.PAYLOAD_TOO_LARGE,
                        size + " over the limit of " + maxBodyBytes + " bytes; send fewer rows per request"),
                ApiResponse.CONTENT_TYPE,
                true);
        Content.Source.consumeAll(
                request, Callback.from(() -> reply.complete(tooLarge), failure -> reply.complete(tooLarge)));
        return reply;
    }

    private static boolean isServerMetadata(String path) {
        Route route = Route.parse(path);
        return route != null && route.kind() == Route.Kind.SERVER_METADATA;
    }

    private static boolean isHealth(String path) {
        Route route = Route.parse(path);
        return route != null && (route.kind() == Route.Kind.LIVE || route.kind() == Route.Kind.READY);
    }

    /** The protocol's answers: JSON, or JSON and binary data. */
    private static Reply json(ApiResponse response) {
        return new Reply(response, response.contentType(), false);
    }

    private static void send(Reply reply, Response response, Callback done) {
        ApiResponse r = reply.response();
        response.setStatus(r.status());
        var headers = response.getHeaders();
        headers.put("content-type", reply.contentType());
        if (r.model() != null) headers.put("x-skiff-model", r.model());
        if (r.version() != null) headers.put("x-skiff-model-version", r.version());
        headers.put("x-skiff-target", TARGET.wireName());
        if (r.allow() != null) headers.put("allow", r.allow());
        if (r.hasBinary()) headers.put(BinaryData.HEADER, Integer.toString(r.inferenceHeaderLength()));
        if (r.status() == ErrorCode.UNAVAILABLE.httpStatus()) headers.put("retry-after", RETRY_AFTER_SECONDS);
        if (reply.closeConnection()) headers.put("connection", "close");
        headers.put("content-length", Integer.toString(r.body().length));
        response.write(true, ByteBuffer.wrap(r.body()), done);
    }

    private void record(String path, String requestId, Reply reply, long totalNanos) {
        if (path.equals("/metrics")) return; // scrapes are not traffic
        ApiResponse r = reply.response();
        if (api != null) metrics.request(r.model(), r.version(), r.status(), totalNanos); // management is not either
        String error = r.isError() ? truncated(new String(r.body(), StandardCharsets.UTF_8)) : null;
        log.write(new RequestLog.Entry(
                requestId,
                "http",
                r.model(),
                r.version(),
                r.status(),
                false,
                r.parseNanos(),
                r.inferNanos(),
                r.writeNanos(),
                totalNanos,
                error));
    }

    private static String requestId(Request request) {
        String given = request.getHeaders().get("x-request-id");
        if (given == null) given = request.getHeaders().get("x-amzn-trace-id");
        return given != null && given.length() <= 200
                ? given
                : UUID.randomUUID().toString();
    }

    private static String truncated(String text) {
        return text.length() > 500 ? text.substring(0, 500) : text;
    }
}
