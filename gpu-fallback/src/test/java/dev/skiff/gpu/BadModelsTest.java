package dev.skiff.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A repository with a model that cannot load, one whose inputs cannot be zeros (its placeholder
 * warm-up fails), one warmed with a configured request and one whose configured request fails:
 * the pool is ready, the others serve, and each bad one's 404 says why in one line.
 */
class BadModelsTest {
    @TempDir
    static Path repository;

    static TestServer pool;

    @BeforeAll
    static void start() throws Exception {
        Repositories.model(repository, "good", 1, OnnxModelBuilder.identity(OnnxModelBuilder.FLOAT, "n", 2), null);
        Files.createDirectories(repository.resolve("broken/1"));
        Files.writeString(repository.resolve("broken/1/model.onnx"), "not a model");
        Repositories.model(repository, "ranged", 1, OnnxModelBuilder.range(), null);
        Repositories.model(
                repository,
                "warmed",
                1,
                OnnxModelBuilder.range(),
                "{\"warmup\": " + OnnxModelBuilder.RANGE_0_TO_3 + "}");
        Repositories.model(repository, "misconfigured", 1, OnnxModelBuilder.range(), "{\"warmup\": \"warmup.json\"}");
        Files.writeString(
                repository.resolve("misconfigured/1/warmup.json"),
                OnnxModelBuilder.RANGE_0_TO_3.replace("[1]}]", "[0]}]"));
        pool = TestServer.start(repository, "--max-body-bytes", "1024");
    }

    @AfterAll
    static void stop() {
        if (pool != null) pool.close();
    }

    @Test
    void theServerIsReadyAndTheOthersServe() {
        assertEquals(200, pool.get("/v2/health/ready").status(), "no alias routes to a failed model");
        assertEquals(200, pool.post("/v2/models/good/infer", DrainTest.BODY).status());
        for (String model : List.of("ranged", "warmed")) {
            TestServer.Reply reply = pool.post("/v2/models/" + model + "/infer", OnnxModelBuilder.RANGE_0_TO_3);
            assertEquals(200, reply.status(), reply::text);
            assertEquals("[0,1,2]", reply.json().at("/outputs/0/data").toString());
            assertEquals(200, pool.get("/v2/models/" + model + "/ready").status());
        }
    }

    @Test
    void aFailedPlaceholderWarmUpIsLoggedWithItsReason() {
        String log = pool.log();
        assertTrue(
                log.contains("model 'ranged' version 1 failed its placeholder warm-up request and serves anyway"), log);
        assertFalse(log.contains("model 'warmed' version 1 failed"), "the configured request ran instead");
    }

    @Test
    void eachBadModelsAnswerSaysWhyInOneLine() {
        String broken = notFound("/v2/models/broken/infer", DrainTest.BODY);
        assertTrue(broken.startsWith("model 'broken' is not served: it failed to load: ONNX Runtime cannot load"));
        String misconfigured = notFound("/v2/models/misconfigured/infer", OnnxModelBuilder.RANGE_0_TO_3);
        assertTrue(
                misconfigured.startsWith("model 'misconfigured' is not served: it failed to load: model "
                        + "'misconfigured' version 1 failed its warm-up request (the warm-up file warmup.json)"),
                misconfigured);
        for (String route : List.of("/v2/models/broken", "/v2/models/broken/ready")) {
            TestServer.Reply reply = pool.get(route);
            assertEquals(404, reply.status());
            assertTrue(reply.json().get("error").asText().contains("failed to load"), reply::text);
        }
        String unknown = notFound("/v2/models/nope/infer", DrainTest.BODY);
        assertEquals("model 'nope' is not served here; models: [good, ranged, warmed]", unknown);
    }

    @Test
    void zeroRowsAreAnsweredWithZeroRows() {
        TestServer.Reply reply =
                pool.post("/v2/models/good/infer", BatchingTest.request(null, "x", "FP32", new long[] {0, 2}, "[]"));
        assertEquals(200, reply.status(), reply::text);
        assertEquals("[0,2]", reply.json().at("/outputs/0/shape").toString());
    }

    @Test
    void theIndexListsFailedModelsWithTheirLoadError() {
        JsonNode index = pool.manage("POST", "/v2/repository/index", null).json();
        JsonNode broken = null;
        for (JsonNode entry : index) if (entry.get("name").asText().equals("broken")) broken = entry;
        assertTrue(broken != null, index::toString);
        assertEquals("UNAVAILABLE", broken.get("state").asText());
        assertTrue(broken.get("reason").asText().startsWith("ONNX Runtime cannot load"), broken::toString);
    }

    @Test
    void strictReadinessWantsEveryModel() throws Exception {
        try (TestServer strict = TestServer.start(repository, "--strict-readiness", "on")) {
            assertEquals(503, strict.get("/v2/health/ready").status());
            assertEquals(
                    200, strict.post("/v2/models/good/infer", DrainTest.BODY).status());
        }
    }

    @Test
    void aBodyOverTheLimitIsReadAndAnswered413() throws Exception {
        byte[] large = ("{\"inputs\":[" + " ".repeat(4096) + "]}").getBytes();
        TestServer.Reply sized = pool.send("POST", "/v2/models/good/infer", large);
        assertEquals(413, sized.status());
        assertEquals(
                "the request body is " + large.length + " bytes, over the limit of 1024 bytes; send fewer rows per "
                        + "request",
                sized.json().get("error").asText());
        assertEquals("close", sized.header("connection"));

        // no Content-Length: the limit is found while reading
        HttpRequest chunked = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + pool.server.port() + "/v2/models/good/infer"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(large)))
                .build();
        try (HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> reply = http.send(chunked, HttpResponse.BodyHandlers.ofString());
            assertEquals(413, reply.statusCode(), reply::body);
            assertTrue(reply.body().contains("over the limit of 1024 bytes"), reply::body);
        }
    }

    private static String notFound(String path, String body) {
        TestServer.Reply reply = pool.post(path, body);
        assertEquals(404, reply.status(), reply::text);
        String message = reply.json().get("error").asText();
        assertFalse(message.contains("\n"), message);
        assertTrue(message.length() < 500, message);
        return message;
    }
}
