package dev.skiff.runtime.lambda;

import static dev.skiff.runtime.testing.OnnxModelBuilder.FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.runtime.protocol.BinaryData;
import dev.skiff.runtime.protocol.ResponseWriter;
import dev.skiff.runtime.protocol.Tensor;
import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;
import dev.skiff.runtime.testing.TestFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/** Triton's binary data extension through API Gateway: base64 bodies in, base64 bodies out. */
class BinaryDataEventsTest {
    private static final Tensor X = Tensor.ofFloats("x", new long[] {1, 2}, new float[] {1.5f, 2.5f});

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

    @Test
    void httpApiBinaryRequestGetsABase64BinaryAnswer() {
        BinaryData.Body request = ResponseWriter.binaryInferRequest("b", List.of(X), true);
        String event = "{\"version\":\"2.0\",\"rawPath\":\"/v2/models/m/infer\",\"headers\":{\"content-type\":"
                + "\"application/octet-stream\",\"inference-header-content-length\":\"" + request.headerLength()
                + "\"},\"requestContext\":{\"http\":{\"method\":\"POST\"}},\"isBase64Encoded\":true,\"body\":\""
                + Base64.getEncoder().encodeToString(request.bytes()) + "\"}";

        JsonNode answer = fn.invoke(event);

        assertEquals(200, answer.get("statusCode").asInt(), answer::toString);
        assertTrue(answer.get("isBase64Encoded").asBoolean());
        JsonNode headers = answer.get("headers");
        assertEquals("application/octet-stream", headers.get("content-type").asText());
        byte[] body = Base64.getDecoder().decode(answer.get("body").asText());
        int headerLength = headers.get("inference-header-content-length").asInt();
        assertEquals(
                "{\"model_name\":\"m\",\"model_version\":\"1\",\"id\":\"b\",\"outputs\":[{\"name\":\"y\",\"datatype\":"
                        + "\"FP32\",\"shape\":[1,2],\"parameters\":{\"binary_data_size\":8}}]}",
                new String(body, 0, headerLength, StandardCharsets.UTF_8));
        byte[] expected = ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(1.5f)
                .putFloat(2.5f)
                .array();
        assertArrayEquals(expected, Arrays.copyOfRange(body, headerLength, body.length));
    }

    @Test
    void restApiBinaryInputsWithAJsonAnswer() {
        BinaryData.Body request = ResponseWriter.binaryInferRequest("b", List.of(X), false);
        String event = "{\"resource\":\"/{proxy+}\",\"path\":\"/v2/models/m/infer\",\"httpMethod\":\"POST\","
                + "\"multiValueHeaders\":{\"Inference-Header-Content-Length\":[\"" + request.headerLength() + "\"]},"
                + "\"requestContext\":{\"stage\":\"prod\"},\"isBase64Encoded\":true,\"body\":\""
                + Base64.getEncoder().encodeToString(request.bytes()) + "\"}";

        JsonNode answer = fn.invoke(event);

        assertEquals(200, answer.get("statusCode").asInt(), answer::toString);
        assertFalse(answer.get("isBase64Encoded").asBoolean());
        assertEquals(
                "{\"model_name\":\"m\",\"model_version\":\"1\",\"id\":\"b\",\"outputs\":[{\"name\":\"y\",\"datatype\":"
                        + "\"FP32\",\"shape\":[1,2],\"data\":[1.5,2.5]}]}",
                answer.get("body").asText());
        assertEquals(
                "application/json",
                answer.get("multiValueHeaders").get("content-type").get(0).asText());
    }

    @Test
    void aBadHeaderIsA400NamingIt() {
        String event = "{\"version\":\"2.0\",\"rawPath\":\"/v2/models/m/infer\",\"headers\":"
                + "{\"inference-header-content-length\":\"lots\"},\"requestContext\":{\"http\":{\"method\":\"POST\"}},"
                + "\"isBase64Encoded\":false,\"body\":\"{}\"}";

        JsonNode answer = fn.invoke(event);

        assertEquals(400, answer.get("statusCode").asInt());
        assertTrue(
                answer.get("body").asText().contains("Inference-Header-Content-Length is \\\"lots\\\""),
                answer::toString);
    }
}
