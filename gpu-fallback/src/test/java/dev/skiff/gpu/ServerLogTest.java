package dev.skiff.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The server's own log: one JSON object a line, key/value pairs as typed fields; a bad model is logged, not fatal. */
class ServerLogTest {
    @TempDir
    Path repository;

    @Test
    void everyLineIsAJsonObjectWithTypedFields() throws Exception {
        Repositories.model(repository, "good", 1, OnnxModelBuilder.identity(OnnxModelBuilder.FLOAT, "n", 2), null);
        List<JsonNode> lines;
        int port;
        try (TestServer pool = TestServer.start(repository)) {
            port = pool.server.port();
            assertEquals(200, pool.post("/v2/models/good/infer", DrainTest.BODY).status());
            lines = lines(pool);
        }
        JsonNode listening = line(lines, "listening");
        assertEquals("INFO", listening.get("level").asText());
        assertEquals(
                Target.GPU_POOL.wireName(), listening.get("Target").asText(), "logback.xml's Target is the contract's");
        assertTrue(listening.get("port").isInt(), "the local emulator reads the port as a number: " + listening);
        assertEquals(port, listening.get("port").asInt());
        assertTrue(listening.get("batching").isBoolean(), listening::toString);
        assertEquals("GpuServer", listening.get("logger").asText());
        Instant.parse(listening.get("time").asText());

        JsonNode loaded = line(lines, "version loaded");
        assertEquals("good", loaded.get("model").asText());
        assertEquals("1", loaded.get("version").asText());
        assertTrue(
                loaded.get("loadMs").isIntegralNumber()
                        && loaded.get("instances").isInt(),
                loaded::toString);
        assertTrue(line(lines, "ready").get("models").asText().contains("good"));

        assertTrue(
                lines.stream().anyMatch(l -> "good".equals(l.path("Model").asText())), "the request line is there too");
    }

    @Test
    void aModelThatCannotLoadIsLoggedAndTheOthersServe() throws Exception {
        Repositories.model(repository, "good", 1, OnnxModelBuilder.identity(OnnxModelBuilder.FLOAT, "n", 2), null);
        Files.createDirectories(repository.resolve("broken/1"));
        Files.writeString(repository.resolve("broken/1/model.onnx"), "not a model");
        Files.createDirectories(repository.resolve("empty"));
        try (TestServer pool = TestServer.start(repository)) {
            assertEquals(200, pool.post("/v2/models/good/infer", DrainTest.BODY).status());
            assertEquals(200, pool.get("/v2/health/ready").status(), "no alias routes to the failed models");
            List<JsonNode> lines = lines(pool);

            JsonNode failed = line(lines, "version failed to load");
            assertEquals("ERROR", failed.get("level").asText());
            assertEquals("broken", failed.get("model").asText());
            assertTrue(failed.get("reason").asText().startsWith("ONNX Runtime cannot load"), failed::toString);
            JsonNode empty = line(lines, "model has no versions");
            assertTrue(
                    empty.get("reason").asText().startsWith("model 'empty' has no version directories"),
                    empty::toString);
            JsonNode ready = line(lines, "ready");
            assertTrue(ready.get("models").asText().contains("good"), ready::toString);
            assertEquals("[broken, empty]", ready.get("failed").asText(), ready::toString);

            String index = pool.manage("POST", "/v2/repository/index", null).text();
            assertTrue(index.contains("{\"name\":\"broken\",\"version\":\"1\",\"state\":\"UNAVAILABLE\""), index);
            assertTrue(index.contains("{\"name\":\"good\",\"version\":\"1\",\"state\":\"READY\"}"), index);
        }
    }

    /** Every line of the captured log, each of which must be one JSON object. */
    private static List<JsonNode> lines(TestServer pool) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : pool.log().split("\n")) {
            try {
                JsonNode node = TestServer.JSON.readTree(line);
                assertTrue(node.isObject(), line);
                lines.add(node);
            } catch (IOException e) {
                throw new UncheckedIOException("not one JSON object: " + line, e);
            }
        }
        assertFalse(lines.isEmpty());
        return lines;
    }

    private static JsonNode line(List<JsonNode> lines, String message) {
        return lines.stream()
                .filter(l -> message.equals(l.path("message").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no \"" + message + "\" line in " + lines));
    }
}
