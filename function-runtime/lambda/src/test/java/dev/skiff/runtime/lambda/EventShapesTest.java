package dev.skiff.runtime.lambda;

import static dev.skiff.runtime.testing.OnnxModelBuilder.FLOAT;
import static dev.skiff.runtime.testing.TestFunction.body;
import static dev.skiff.runtime.testing.vectors.LambdaEvents.httpApiEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;
import dev.skiff.runtime.testing.TestFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/** One handler, every event shape Lambda delivers, each answered in its own shape. */
class EventShapesTest {
    static final String REQUEST =
            "{\"id\":\"e\",\"inputs\":[{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1.5,2.5]}]}";
    static final String EXPECTED =
            "{\"model_name\":\"m\",\"model_version\":\"1\",\"id\":\"e\",\"outputs\":[{\"name\":\"y\","
                    + "\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[1.5,2.5]}]}";

    @TempDir
    static Path repo;

    static TestFunction fn;

    @BeforeAll
    static void models() throws Exception {
        Repositories.model(repo, "m", 1, OnnxModelBuilder.identity(FLOAT, "batch", 2), null);
        fn = new TestFunction(repo);
    }

    @AfterAll
    static void close() {
        fn.close();
    }

    static String quoted(String s) {
        return TestFunction.JSON.getNodeFactory().textNode(s).toString();
    }

    @Test
    void httpApiV2() {
        JsonNode answer = fn.invoke(httpApiEvent("POST", "/v2/models/m/infer", REQUEST));
        assertEquals(200, answer.get("statusCode").asInt());
        assertEquals(EXPECTED, answer.get("body").asText());
        assertFalse(answer.get("isBase64Encoded").asBoolean());
        JsonNode headers = answer.get("headers");
        assertEquals("application/json", headers.get("content-type").asText());
        assertEquals("m", headers.get("x-skiff-model").asText());
        assertEquals("1", headers.get("x-skiff-model-version").asText());
        assertEquals("lambda", headers.get("x-skiff-target").asText());
        assertTrue(headers.has("x-skiff-cold-start"));
    }

    @Test
    void httpApiV2Base64BodyAndNamedStage() {
        String event = "{\"version\":\"2.0\",\"rawPath\":\"/prod/v2/models/m/infer\",\"requestContext\":{\"http\":"
                + "{\"method\":\"POST\"},\"stage\":\"prod\"},\"isBase64Encoded\":true,\"body\":\""
                + Base64.getEncoder().encodeToString(REQUEST.getBytes(StandardCharsets.UTF_8)) + "\"}";
        assertEquals(EXPECTED, fn.invoke(event).get("body").asText());
    }

    @Test
    void restApiV1() {
        String event =
                "{\"resource\":\"/v2/models/{model}/infer\",\"path\":\"/v2/models/m/infer\",\"httpMethod\":\"POST\","
                        + "\"headers\":{\"Content-Type\":\"application/json\"},\"multiValueHeaders\":{\"Content-Type\":[\"application/json\"]},"
                        + "\"queryStringParameters\":null,\"pathParameters\":{\"model\":\"m\"},\"stageVariables\":null,"
                        + "\"requestContext\":{\"resourcePath\":\"/v2/models/{model}/infer\",\"httpMethod\":\"POST\",\"stage\":\"prod\","
                        + "\"identity\":{\"sourceIp\":\"192.0.2.1\"}},\"body\":" + quoted(REQUEST)
                        + ",\"isBase64Encoded\":false}";
        JsonNode answer = fn.invoke(event);
        assertEquals(200, answer.get("statusCode").asInt());
        assertEquals(EXPECTED, answer.get("body").asText());
        assertNull(answer.get("statusDescription"), "REST API answers carry no statusDescription");
    }

    @Test
    void albSingleValueHeaders() {
        String event =
                "{\"requestContext\":{\"elb\":{\"targetGroupArn\":\"arn:aws:elasticloadbalancing:us-east-1:123456789012:"
                        + "targetgroup/skiff/abc\"}},\"httpMethod\":\"POST\",\"path\":\"/v2/models/m/infer\",\"queryStringParameters\":{},"
                        + "\"headers\":{\"content-type\":\"application/json\"},\"body\":" + quoted(REQUEST)
                        + ",\"isBase64Encoded\":false}";
        JsonNode answer = fn.invoke(event);
        assertEquals(200, answer.get("statusCode").asInt());
        assertEquals("200 OK", answer.get("statusDescription").asText());
        assertEquals(
                "application/json", answer.get("headers").get("content-type").asText());
        assertEquals(EXPECTED, answer.get("body").asText());
    }

    @Test
    void albMultiValueHeadersAnsweredInKind() {
        String event = "{\"requestContext\":{\"elb\":{\"targetGroupArn\":\"arn\"}},\"httpMethod\":\"GET\","
                + "\"path\":\"/v2/models/nope\",\"multiValueQueryStringParameters\":{},\"multiValueHeaders\":{\"accept\":[\"*/*\"]},"
                + "\"body\":\"\",\"isBase64Encoded\":false}";
        JsonNode answer = fn.invoke(event);
        assertEquals(404, answer.get("statusCode").asInt());
        assertEquals("404 Not Found", answer.get("statusDescription").asText());
        assertEquals(
                "[\"application/json\"]",
                answer.get("multiValueHeaders").get("content-type").toString());
        assertNull(answer.get("headers"));
    }

    @Test
    void directInvocationWithBareRequest() {
        assertEquals(EXPECTED, fn.invoke(REQUEST).toString());
    }

    @Test
    void directInvocationNamingModelAndVersion() {
        String request = REQUEST.replace("{\"id\"", "{\"model_name\":\"m\",\"model_version\":\"1\",\"id\"");
        assertEquals(EXPECTED, fn.invoke(request).toString());
    }

    @Test
    void aliasOfTheInvocationResolvesToThePackagedVersion() {
        // TestFunction invokes through ...:function:skiff-test:live
        JsonNode answer = fn.invoke(httpApiEvent("POST", "/v2/models/m/versions/live/infer", REQUEST));
        assertEquals(200, answer.get("statusCode").asInt());
        assertEquals("1", answer.get("headers").get("x-skiff-model-version").asText());
    }

    @Test
    void healthAndMetadataRoutes() {
        assertEquals(
                "{\"live\":true}",
                fn.invoke(httpApiEvent("GET", "/v2/health/live", null))
                        .get("body")
                        .asText());
        assertEquals(
                "{\"ready\":true}",
                fn.invoke(httpApiEvent("GET", "/v2/health/ready", null))
                        .get("body")
                        .asText());
        assertEquals(
                "{\"name\":\"m\",\"ready\":true}",
                fn.invoke(httpApiEvent("GET", "/v2/models/m/ready", null))
                        .get("body")
                        .asText());
        assertEquals(
                "{\"name\":\"m\",\"versions\":[\"1\"],\"platform\":\"onnxruntime_onnx\",\"inputs\":[{\"name\":\"x\","
                        + "\"datatype\":\"FP32\",\"shape\":[-1,2]}],\"outputs\":[{\"name\":\"y\",\"datatype\":\"FP32\",\"shape\":[-1,2]}]}",
                fn.invoke(httpApiEvent("GET", "/v2/models/m", null)).get("body").asText());
        assertEquals(
                "{\"name\":\"m\",\"ready\":true}",
                fn.invoke(httpApiEvent("GET", "/v2/models/m/versions/1/ready", null))
                        .get("body")
                        .asText());
        JsonNode server = body(fn.invoke(httpApiEvent("GET", "/v2", null)));
        assertEquals("skiff", server.get("name").asText());
    }

    @Test
    void logLineIsEmbeddedMetricFormat() throws Exception {
        fn.invoke(httpApiEvent("POST", "/v2/models/m/infer", REQUEST));
        String[] lines = fn.log().split("\n");
        JsonNode line = TestFunction.JSON.readTree(lines[lines.length - 1]);
        assertEquals("Skiff", line.at("/_aws/CloudWatchMetrics/0/Namespace").asText());
        assertEquals("m", line.get("Model").asText());
        assertEquals("1", line.get("Version").asText());
        assertEquals("req-1", line.get("requestId").asText());
        assertEquals(200, line.get("status").asInt());
        assertEquals("apigw-http-v2", line.get("event").asText());
        for (String field : new String[] {"parseMs", "inferenceMs", "writeMs", "Latency", "Errors", "ColdStart"}) {
            assertTrue(line.has(field), field);
        }
    }
}
