package dev.skiff.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.gpu.TestServer;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.testing.TestFunction;
import dev.skiff.runtime.testing.vectors.LambdaEvents;
import dev.skiff.runtime.testing.vectors.ProtocolVector;
import dev.skiff.runtime.testing.vectors.ProtocolVectorSource;
import dev.skiff.runtime.testing.vectors.ProtocolVectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The protocol vectors both targets serve, sent to each: the Lambda function through real API
 * Gateway events, the GPU pool's server over HTTP. Same status (the vector's), same body bytes,
 * same headers, except what the vector says may differ by target (x-skiff-target, and server
 * metadata's extensions, which name the provider).
 */
class LambdaPoolParityTest {
    /** The headers a client reads; each equal on both targets unless a vector says it differs. */
    static final List<String> HEADERS =
            List.of("content-type", "x-skiff-model", "x-skiff-model-version", "allow", "x-skiff-target");

    @TempDir
    static Path temp;

    static TestServer pool;
    static TestFunction lambda;

    @BeforeAll
    static void start() throws Exception {
        // both targets are reached through the set's alias: the function's qualifier, the pool's alias document
        String alias = ProtocolVectors.builtIn().throughAlias();
        assertEquals("live", alias, "TestFunction.ARN invokes through live");
        Path aliases = Files.writeString(
                temp.resolve("aliases.json"),
                "{\"fraud\": {\"live\": {\"version\": \"1\"}}, \"minilm\": {\"live\": {\"version\": 1}}}");
        pool = TestServer.start(TestFunction.examples(), "--aliases", aliases.toString());
        lambda = new TestFunction(TestFunction.examples(), "fraud", "minilm");
    }

    @AfterAll
    static void stop() {
        if (pool != null) pool.close();
        if (lambda != null) lambda.close();
    }

    @ParameterizedTest(name = "{0}")
    @ProtocolVectorSource(targets = {Target.LAMBDA, Target.GPU_POOL})
    void bothTargetsAnswerAlike(ProtocolVector vector) throws IOException {
        byte[] lambdaAnswer = lambda.function.handle(LambdaEvents.event(vector), "req-1", TestFunction.ARN);
        LambdaEvents.assertAnswers(vector, lambdaAnswer);
        JsonNode answer = TestFunction.JSON.readTree(lambdaAnswer);
        byte[] lambdaBody = answer.get("body").asText().getBytes(StandardCharsets.UTF_8);
        JsonNode lambdaHeaders = answer.get("headers");

        byte[] body = vector.body() == null ? null : vector.bodyBytes();
        TestServer.Reply reply = pool.send(vector.method(), vector.path(), body);

        assertEquals(vector.status(), reply.status(), () -> "status; pool said " + reply.text());
        for (String header : HEADERS) {
            if (vector.differsByTarget().headers().contains(header)) continue;
            assertEquals(text(lambdaHeaders.get(header)), reply.header(header), header);
        }
        assertEquals(
                Target.LAMBDA.wireName(), lambdaHeaders.get("x-skiff-target").asText());
        assertEquals(Target.GPU_POOL.wireName(), reply.header("x-skiff-target"));
        if (vector.differsByTarget().bodyFields().isEmpty()) {
            assertArrayEquals(
                    lambdaBody,
                    reply.body(),
                    () -> "body\n lambda: " + new String(lambdaBody, StandardCharsets.UTF_8) + "\n pool:   "
                            + reply.text());
        } else {
            ObjectNode lambdaJson = (ObjectNode) TestFunction.JSON.readTree(lambdaBody);
            ObjectNode poolJson = (ObjectNode) reply.json();
            lambdaJson.remove(vector.differsByTarget().bodyFields());
            poolJson.remove(vector.differsByTarget().bodyFields());
            assertEquals(
                    lambdaJson,
                    poolJson,
                    "the body, but for " + vector.differsByTarget().bodyFields());
        }
    }

    @Test
    void serverMetadataExtensionsNameThePoolsProvider() {
        ProtocolVector metadata = ProtocolVectors.builtIn().named("server metadata");
        TestServer.Reply reply = pool.send(metadata.method(), metadata.path(), null);
        assertTrue(reply.json().get("extensions").toString().contains("skiff_execution_provider_cpu"), reply::text);
    }

    private static String text(JsonNode node) {
        return node == null ? null : node.asText();
    }
}
