package dev.skiff.bench.coldstart;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal Lambda Runtime API (2018-06-01) for one cold start: the first
 * {@code GET /runtime/invocation/next} gets the event, with the headers the runtime interface client
 * reads (request id, deadline, invoked ARN and the X-Ray trace id, without which its native client
 * crashes); the response is timed when its body has arrived; the next poll is held open, as Lambda
 * holds it between invocations, and marks the function idle.
 */
final class RuntimeApiServer implements AutoCloseable {
    static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:skiff-bench:live";
    private static final String PREFIX = "/2018-06-01/runtime/";

    private final HttpServer server;
    private final ExecutorService executor;
    private final byte[] event;
    private final String requestId;
    private final AtomicInteger polls = new AtomicInteger();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    volatile long firstPollNanos;
    volatile long responseNanos;
    volatile long idleNanos;
    volatile byte[] response;
    volatile String error;

    RuntimeApiServer(byte[] event, String requestId) throws IOException {
        this.event = event;
        this.requestId = requestId;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "runtime-api");
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(executor);
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    /** host:port, for AWS_LAMBDA_RUNTIME_API. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Waits until the function has answered and polled again (or failed); false on timeout. */
    boolean awaitFinished(long timeoutMillis) throws InterruptedException {
        return finished.await(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
        String method = exchange.getRequestMethod();
        try (exchange) {
            if (method.equals("GET") && path.equals("invocation/next")) {
                if (polls.incrementAndGet() == 1) {
                    firstPollNanos = System.nanoTime();
                    var headers = exchange.getResponseHeaders();
                    headers.set("Content-Type", "application/json");
                    headers.set("Lambda-Runtime-Aws-Request-Id", requestId);
                    headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 900_000));
                    headers.set("Lambda-Runtime-Invoked-Function-Arn", FUNCTION_ARN);
                    headers.set(
                            "Lambda-Runtime-Trace-Id",
                            "Root=1-6740b7a0-5e0f2a1b3c4d5e6f70819203;Parent=53995c3f42cd8ad8;Sampled=0");
                    exchange.sendResponseHeaders(200, event.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(event);
                    }
                } else {
                    idleNanos = System.nanoTime();
                    finished.countDown();
                    release.await(); // held open until the process is gone
                }
            } else if (method.equals("POST") && path.equals("invocation/" + requestId + "/response")) {
                byte[] body = readAll(exchange.getRequestBody());
                responseNanos = System.nanoTime();
                response = body;
                accepted(exchange);
            } else if (method.equals("POST") && (path.endsWith("/error"))) {
                error = path + ": " + new String(readAll(exchange.getRequestBody()), StandardCharsets.UTF_8);
                accepted(exchange);
                finished.countDown();
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static void accepted(HttpExchange exchange) throws IOException {
        byte[] ok = "{\"status\":\"OK\"}".getBytes(StandardCharsets.US_ASCII);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(202, ok.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(ok);
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
