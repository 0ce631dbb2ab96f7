package dev.skiff.runtime.testing.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.runtime.protocol.BinaryData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * Protocol vectors as the events a Lambda function receives, and the check of its answers: the
 * JSON of both, so that tests of any handler (plain, Quarkus, Micronaut, packaged) share them.
 */
public final class LambdaEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LambdaEvents() {}

    /** The event for a vector: an API Gateway HTTP API event, or a direct invocation's payload. */
    public static byte[] event(ProtocolVector vector) {
        String event = vector.isDirect()
                ? directInvocation(vector.model(), vector.body())
                : httpApiEvent(vector.method(), vector.path(), vector.body());
        return event.getBytes(StandardCharsets.UTF_8);
    }

    /** An API Gateway HTTP API (payload 2.0) event, as the service sends it; body null for none. */
    public static String httpApiEvent(String method, String path, String body) {
        ObjectNode e = httpApiEnvelope(method, path, "application/json");
        if (body != null) e.put("body", body);
        e.put("isBase64Encoded", false);
        return e.toString();
    }

    /**
     * An HTTP API event whose body is in the binary data extension's form: API Gateway hands a body
     * with a binary content type to Lambda base64-encoded.
     */
    public static String httpApiBinaryEvent(String method, String path, BinaryData.Body body) {
        ObjectNode e = httpApiEnvelope(method, path, BinaryData.CONTENT_TYPE);
        ((ObjectNode) e.get("headers"))
                .put(BinaryData.HEADER.toLowerCase(Locale.ROOT), Integer.toString(body.headerLength()));
        e.put("body", Base64.getEncoder().encodeToString(body.bytes()));
        e.put("isBase64Encoded", true);
        return e.toString();
    }

    private static ObjectNode httpApiEnvelope(String method, String path, String contentType) {
        String domain = "abc123.execute-api.us-east-1.amazonaws.com";
        ObjectNode e = JSON.createObjectNode();
        e.put("version", "2.0");
        e.put("routeKey", method + " " + path);
        e.put("rawPath", path);
        e.put("rawQueryString", "");
        e.putObject("headers").put("content-type", contentType).put("host", domain);
        ObjectNode ctx = e.putObject("requestContext");
        ctx.put("accountId", "123456789012")
                .put("apiId", "abc123")
                .put("domainName", domain)
                .put("requestId", "rid")
                .put("routeKey", method + " " + path)
                .put("stage", "$default")
                .put("time", "21/Nov/2026:22:00:00 +0000")
                .put("timeEpoch", 1795298400000L);
        ctx.putObject("http")
                .put("method", method)
                .put("path", path)
                .put("protocol", "HTTP/1.1")
                .put("sourceIp", "192.0.2.1")
                .put("userAgent", "curl/8");
        return e;
    }

    /**
     * A direct invocation: the protocol's request with {@code model_name} first. Put in as text, so
     * that a malformed body stays malformed: the function must answer it with an error body.
     */
    public static String directInvocation(String model, String body) {
        String modelName = "\"model_name\":" + quoted(model);
        String request = body == null ? "" : body.strip();
        if (request.isEmpty()) return "{" + modelName + "}";
        if (!request.startsWith("{")) {
            throw new IllegalArgumentException("a direct invocation's body is a JSON object, not " + request);
        }
        String rest = request.substring(1).strip();
        return "{" + modelName + (rest.startsWith("}") ? "" : ",") + rest;
    }

    /**
     * Checks a function's answer to a vector: an API event's answer carries the vector's status; a
     * direct invocation's carries none, so an error status means it is the protocol's error body.
     * Either way an error is {@code {"error": "..."}}.
     */
    public static void assertAnswers(ProtocolVector vector, byte[] answer) {
        String text = new String(answer, StandardCharsets.UTF_8);
        JsonNode json = json(answer, vector);
        boolean errorExpected = vector.status() >= 400;
        if (vector.isDirect()) {
            assertEquals(
                    errorExpected,
                    json.has("error"),
                    () -> "\"" + vector.name() + "\": expected "
                            + (errorExpected ? "the protocol's error body" : "an answer") + ", got " + text);
            if (errorExpected) assertErrorBody(vector, json);
            return;
        }
        assertTrue(json.has("statusCode"), () -> "\"" + vector.name() + "\": not an API Gateway answer: " + text);
        assertEquals(
                vector.status(), json.get("statusCode").asInt(), () -> "\"" + vector.name() + "\": status of " + text);
        if (errorExpected) {
            JsonNode body = json(json.path("body").asText().getBytes(StandardCharsets.UTF_8), vector);
            assertErrorBody(vector, body);
        }
    }

    private static void assertErrorBody(ProtocolVector vector, JsonNode body) {
        if (!body.path("error").isTextual()
                || body.size() != 1
                || body.get("error").asText().isBlank()) {
            fail("\"" + vector.name() + "\": the protocol's error body is {\"error\": \"...\"}, not " + body);
        }
    }

    private static JsonNode json(byte[] bytes, ProtocolVector vector) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            return fail("\"" + vector.name() + "\": not JSON: " + new String(bytes, StandardCharsets.UTF_8), e);
        }
    }

    private static String quoted(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a String always serializes
        }
    }
}
