package dev.skiff.runtime.testing.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import java.nio.charset.StandardCharsets;

/** Vectors as Lambda events, and the check of a function's answers. */
class LambdaEventsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ProtocolVectors VECTORS = ProtocolVectors.builtIn();

    @Test
    void anHttpVectorIsAnApiGatewayEvent() throws Exception {
        ProtocolVector infer = VECTORS.named("infer");
        JsonNode event = JSON.readTree(LambdaEvents.event(infer));
        assertEquals("2.0", event.get("version").asText());
        assertEquals("POST /v2/models/fraud/infer", event.get("routeKey").asText());
        assertEquals("/v2/models/fraud/infer", event.get("rawPath").asText());
        assertEquals("POST", event.at("/requestContext/http/method").asText());
        assertEquals(infer.body(), event.get("body").asText());
        assertFalse(
                JSON.readTree(LambdaEvents.event(VECTORS.named("readiness"))).has("body"));
    }

    @Test
    void aDirectInvocationIsTheRequestWithItsModelName() throws Exception {
        ProtocolVector direct = VECTORS.named("direct invocation");
        JsonNode event = JSON.readTree(LambdaEvents.event(direct));
        JsonNode request = JSON.readTree(direct.body());
        assertEquals("fraud", event.get("model_name").asText());
        assertEquals(request.get("inputs"), event.get("inputs"));
        assertEquals("{\"model_name\":\"m\"}", LambdaEvents.directInvocation("m", null));
        assertEquals("{\"model_name\":\"m\"}", LambdaEvents.directInvocation("m", " { } "));
        assertEquals(
                "{\"model_name\":\"a\\\"b\",\"inputs\": [",
                LambdaEvents.directInvocation("a\"b", "{\"inputs\": ["),
                "a malformed body stays malformed; the name is escaped");
        assertThrows(IllegalArgumentException.class, () -> LambdaEvents.directInvocation("m", "[1]"));
    }

    @Test
    void anAnswerWithTheVectorsStatusPasses() {
        LambdaEvents.assertAnswers(VECTORS.named("infer"), httpAnswer(200, "{\"outputs\": []}"));
        LambdaEvents.assertAnswers(VECTORS.named("wrong method"), httpAnswer(405, "{\"error\": \"use POST\"}"));
        LambdaEvents.assertAnswers(VECTORS.named("direct invocation"), bytes("{\"outputs\": []}"));
        LambdaEvents.assertAnswers(
                VECTORS.named("direct invocation, truncated JSON"), bytes("{\"error\": \"bad JSON\"}"));
    }

    @Test
    void anAnswerThatIsNotTheVectorsFails() {
        assertFails(VECTORS.named("infer"), httpAnswer(400, "{\"error\": \"no\"}"), "status of");
        assertFails(
                VECTORS.named("wrong method"),
                httpAnswer(405, "{\"message\": \"Not Found\"}"),
                "the protocol's error body");
        assertFails(VECTORS.named("wrong method"), httpAnswer(405, "{\"error\": \"\"}"), "the protocol's error body");
        assertFails(VECTORS.named("direct invocation"), bytes("{\"error\": \"no\"}"), "expected an answer");
        assertFails(
                VECTORS.named("direct invocation, truncated JSON"),
                bytes("{\"outputs\": []}"),
                "expected the protocol's error");
        assertFails(VECTORS.named("infer"), bytes("{\"outputs\": []}"), "not an API Gateway answer");
        assertFails(VECTORS.named("infer"), bytes("<html>"), "not JSON");
    }

    private static void assertFails(ProtocolVector vector, byte[] answer, String message) {
        AssertionFailedError e =
                assertThrows(AssertionFailedError.class, () -> LambdaEvents.assertAnswers(vector, answer));
        assertTrue(e.getMessage().contains(message) && e.getMessage().contains(vector.name()), e.getMessage());
    }

    private static byte[] httpAnswer(int status, String body) {
        return bytes(JSON.createObjectNode()
                .put("statusCode", status)
                .put("body", body)
                .toString());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
