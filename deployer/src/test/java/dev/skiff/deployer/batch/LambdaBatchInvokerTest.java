package dev.skiff.deployer.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/** The Lambda Invoke call of skiff batch --local against a recorded local API: the request, retries and errors. */
class LambdaBatchInvokerTest {
    private HttpServer server;
    private final Queue<Reply> replies = new ArrayDeque<>();
    private final List<String> requests = new ArrayList<>();
    private final List<byte[]> bodies = new ArrayList<>();

    record Reply(int status, String header, String value, String body) {}

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private synchronized void answer(HttpExchange exchange) throws IOException {
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                + exchange.getRequestHeaders().getFirst("Content-Type"));
        bodies.add(exchange.getRequestBody().readAllBytes());
        Reply reply = replies.isEmpty() ? new Reply(200, null, null, "[]") : replies.poll();
        if (reply.header() != null) exchange.getResponseHeaders().add(reply.header(), reply.value());
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(reply.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private LambdaBatchInvoker invoker() {
        URI lambda = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        return new LambdaBatchInvoker(lambda, "FraudFunction", "live", Duration.ofMillis(1), Duration.ofMillis(2));
    }

    @Test
    void postsTheEventToInvokeAndReturnsTheFunctionsAnswer() throws Exception {
        replies.add(new Reply(200, "X-Amz-Executed-Version", "3", "[{\"label\":\"legit\"}]"));
        byte[] event = "{\"Items\":[{\"x\":\"1\"}],\"BatchInput\":{\"model_name\":\"fraud\"}}".getBytes();
        LambdaBatchInvoker invoker = invoker();
        assertEquals("[{\"label\":\"legit\"}]", new String(invoker.invoke(event), StandardCharsets.UTF_8));
        assertEquals("[]", new String(invoker.invoke(event), StandardCharsets.UTF_8), "the kept connection again");
        assertEquals(
                "POST /2015-03-31/functions/FraudFunction/invocations?Qualifier=live application/json",
                requests.get(0));
        assertArrayEquals(event, bodies.get(0));
        assertEquals(2, requests.size());
    }

    @Test
    void aThrottledOrFailedCallIsRetriedAsTheSdkRetriesIt() throws Exception {
        replies.add(new Reply(
                429,
                "x-amzn-ErrorType",
                "TooManyRequestsException",
                "{\"Type\":\"User\",\"message\":\"Rate Exceeded.\"}"));
        replies.add(new Reply(502, null, null, "bad gateway"));
        replies.add(new Reply(200, null, null, "[1]"));
        assertEquals("[1]", new String(invoker().invoke("{}".getBytes()), StandardCharsets.UTF_8));
        assertEquals(3, requests.size());
    }

    @Test
    void aCallThatKeepsFailingFailsAfterFourAttempts() {
        for (int i = 0; i < 5; i++)
            replies.add(new Reply(
                    429,
                    "x-amzn-ErrorType",
                    "TooManyRequestsException",
                    "{\"Type\":\"User\",\"message\":\"Rate Exceeded.\"}"));
        IllegalStateException error =
                assertThrows(IllegalStateException.class, () -> invoker().invoke("{}".getBytes()));
        assertEquals("Lambda Invoke answered 429 TooManyRequestsException: Rate Exceeded.", error.getMessage());
        assertEquals(LambdaBatchInvoker.ATTEMPTS, requests.size());
    }

    @Test
    void anErrorAnswerFailsAtOnceWithLambdasMessage() {
        replies.add(
                new Reply(
                        404,
                        "x-amzn-ErrorType",
                        "ResourceNotFoundException",
                        "{\"Type\":\"User\",\"Message\":\"Function not found: arn:aws:lambda:us-east-1:000000000000:function:FraudFunction:live\"}"));
        IllegalStateException error =
                assertThrows(IllegalStateException.class, () -> invoker().invoke("{}".getBytes()));
        assertEquals(
                "Lambda Invoke answered 404 ResourceNotFoundException: Function not found: "
                        + "arn:aws:lambda:us-east-1:000000000000:function:FraudFunction:live",
                error.getMessage());
        assertEquals(1, requests.size());
    }

    @Test
    void aFunctionErrorFailsTheBatchWithItsPayload() {
        replies.add(new Reply(
                200, "X-Amz-Function-Error", "Unhandled", "{\"errorMessage\":\"boom\",\"errorType\":\"Runtime\"}"));
        IllegalStateException error =
                assertThrows(IllegalStateException.class, () -> invoker().invoke("{}".getBytes()));
        assertEquals(
                "FraudFunction:live failed (Unhandled): {\"errorMessage\":\"boom\",\"errorType\":\"Runtime\"}",
                error.getMessage());
        assertEquals(1, requests.size());
    }

    @Test
    void anUnreachableApiFailsAfterItsRetriesWithTheReason() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        LambdaBatchInvoker invoker = new LambdaBatchInvoker(
                URI.create("http://127.0.0.1:" + closedPort),
                "FraudFunction",
                "live",
                Duration.ofMillis(1),
                Duration.ofMillis(2));
        IOException error = assertThrows(IOException.class, () -> invoker.invoke("{}".getBytes()));
        assertTrue(error.getMessage().startsWith("Invoke http://127.0.0.1:"), error.getMessage());
        assertTrue(error.getMessage().contains("/2015-03-31/functions/FraudFunction/invocations"), error.getMessage());
    }
}
