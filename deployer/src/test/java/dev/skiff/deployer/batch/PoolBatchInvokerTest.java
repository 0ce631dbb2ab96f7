package dev.skiff.deployer.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** What the invoker sends to a pool, and what it does with a 503, a 4xx and a 500 (a JDK HttpServer as the pool). */
class PoolBatchInvokerTest {
    record Seen(String method, String path, String contentType, String body) {}

    final List<Seen> seen = new ArrayList<>();
    final Deque<Integer> statuses = new ArrayDeque<>();
    HttpServer server;
    final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    PoolBatchInvoker pool(String model, String version) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (seen) {
                seen.add(new Seen(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath(),
                        exchange.getRequestHeaders().getFirst("content-type"),
                        body));
            }
            int status = statuses.isEmpty() ? 200 : statuses.poll();
            byte[] answer = (status == 200 ? "[{\"id\": 1}]" : "{\"error\": \"status " + status + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        return new PoolBatchInvoker(http, uri, model, version, Duration.ofMillis(1));
    }

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
        http.close();
    }

    @Test
    void postsTheEventToTheModelVersionsBatchRoute() throws Exception {
        PoolBatchInvoker invoker = pool("fraud", "live");
        byte[] event = "{\"Items\": [{\"id\": 1}], \"BatchInput\": {\"model_name\": \"fraud\"}}"
                .getBytes(StandardCharsets.UTF_8);
        assertArrayEquals("[{\"id\": 1}]".getBytes(StandardCharsets.UTF_8), invoker.invoke(event));
        assertEquals(
                List.of(new Seen(
                        "POST",
                        "/v2/models/fraud/versions/live/batch",
                        "application/json",
                        new String(event, StandardCharsets.UTF_8))),
                seen);
    }

    @Test
    void namesAreOnePathSegmentEach() throws Exception {
        PoolBatchInvoker invoker = pool("a b/c", "2");
        invoker.invoke("{}".getBytes(StandardCharsets.UTF_8));
        assertEquals("/v2/models/a%20b%2Fc/versions/2/batch", seen.get(0).path());
    }

    @Test
    void a503IsRetriedAndA4xxGoesBackAsTheAnswer() throws Exception {
        PoolBatchInvoker invoker = pool("fraud", "1");
        statuses.addAll(List.of(503, 503));
        assertEquals("[{\"id\": 1}]", new String(invoker.invoke(new byte[] {'{', '}'}), StandardCharsets.UTF_8));
        assertEquals(3, seen.size(), "two 503s, then the answer");

        statuses.add(404);
        assertEquals(
                "{\"error\": \"status 404\"}",
                new String(invoker.invoke(new byte[] {'{', '}'}), StandardCharsets.UTF_8));
    }

    @Test
    void aPoolThatStaysUnavailableOrFailsIsAnError() throws Exception {
        PoolBatchInvoker invoker = pool("fraud", "1");
        for (int i = 0; i < PoolBatchInvoker.ATTEMPTS; i++) statuses.add(503);
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> invoker.invoke(new byte[] {'{', '}'}));
        assertTrue(e.getMessage().contains("answered 503"), e.getMessage());
        assertEquals(PoolBatchInvoker.ATTEMPTS, seen.size());

        statuses.add(500);
        e = assertThrows(IllegalStateException.class, () -> invoker.invoke(new byte[] {'{', '}'}));
        assertTrue(e.getMessage().contains("answered 500: {\"error\": \"status 500\"}"), e.getMessage());
    }
}
