package dev.skiff.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.runtime.testing.TestFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared vector set (protocol-vectors.json) sent to both targets, the Lambda handler through
 * real API Gateway events and this server over HTTP: same status, same body bytes, same version
 * header; only x-skiff-target differs, and server metadata's extensions, which name the provider.
 */
class ProtocolParityTest {
    @TempDir
    static Path temp;
    static TestServer pool;
    static TestFunction lambda;

    @BeforeAll
    static void start() throws Exception {
        // the unversioned and /versions/live routes go through the live alias, as API Gateway maps them
        Path aliases = Files.writeString(temp.resolve("aliases.json"),
                "{\"fraud\": {\"live\": {\"version\": \"1\"}}, \"minilm\": {\"live\": {\"version\": 1}}}");
        pool = TestServer.start(TestFunction.examples(), "--aliases", aliases.toString());
        lambda = new TestFunction(TestFunction.examples(), "fraud", "minilm");
    }

    @AfterAll
    static void stop() {
        if (pool != null) pool.close();
        if (lambda != null) lambda.close();
    }

    @TestFactory
    List<DynamicTest> bothTargetsAnswerAlike() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode vector : vectors()) {
            String name = vector.get("name").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> compare(vector)));
        }
        return tests;
    }

    private static void compare(JsonNode vector) throws IOException {
        String method = vector.get("method").asText();
        String path = vector.get("path").asText();
        String body = body(vector);

        JsonNode answer = lambda.invoke(TestFunction.httpApiEvent(method, path, body));
        int lambdaStatus = answer.get("statusCode").asInt();
        byte[] lambdaBody = answer.get("body").asText().getBytes(StandardCharsets.UTF_8);
        JsonNode lambdaHeaders = answer.get("headers");

        TestServer.Reply reply = pool.send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8));

        assertEquals(lambdaStatus, reply.status(), () -> "status; pool said " + reply.text());
        assertEquals("gpu-pool", reply.header("x-skiff-target"));
        assertEquals("lambda", lambdaHeaders.get("x-skiff-target").asText());
        assertEquals(text(lambdaHeaders.get("x-skiff-model-version")), reply.header("x-skiff-model-version"));
        assertEquals(text(lambdaHeaders.get("allow")), reply.header("allow"));
        if (path.equals("/v2")) {
            ObjectNode lambdaMetadata = (ObjectNode) TestServer.JSON.readTree(lambdaBody);
            ObjectNode poolMetadata = (ObjectNode) reply.json();
            assertTrue(poolMetadata.get("extensions").toString().contains("skiff_execution_provider_cpu"), poolMetadata::toString);
            lambdaMetadata.remove("extensions");
            poolMetadata.remove("extensions");
            assertEquals(lambdaMetadata, poolMetadata);
        } else {
            assertArrayEquals(lambdaBody, reply.body(), () -> "body\n lambda: " + new String(lambdaBody, StandardCharsets.UTF_8)
                    + "\n pool:   " + reply.text());
        }
    }

    @Test
    void poolLogsOneJsonLinePerRequest() throws IOException {
        pool.get("/v2/models/fraud/ready");
        String last = null;
        for (String line : pool.log().split("\n")) {
            JsonNode json = TestServer.JSON.readTree(line); // every line is JSON
            if (json.path("message").asText().equals("request") && json.path("Model").asText().equals("fraud")) last = line;
        }
        assertTrue(last != null && last.contains("\"Target\":\"gpu-pool\""), "no request line for fraud: " + pool.log());
    }

    private static String text(JsonNode node) {
        return node == null ? null : node.asText();
    }

    private static String body(JsonNode vector) throws IOException {
        if (vector.has("bodyFile")) {
            return Files.readString(TestFunction.examplesRequests().resolve(vector.get("bodyFile").asText()));
        }
        return vector.has("body") ? vector.get("body").asText() : null;
    }

    private static JsonNode vectors() throws IOException {
        try (InputStream in = ProtocolParityTest.class.getResourceAsStream("/protocol-vectors.json")) {
            return TestServer.JSON.readTree(in);
        }
    }
}
