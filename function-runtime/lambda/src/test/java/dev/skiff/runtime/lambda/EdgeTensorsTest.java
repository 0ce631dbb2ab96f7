package dev.skiff.runtime.lambda;

import static dev.skiff.runtime.testing.vectors.LambdaEvents.httpApiEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;
import dev.skiff.runtime.testing.TestFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

/** BF16 in and out, and a request of 0 rows answered as ONNX Runtime answers it: shape [0, ...]. */
class EdgeTensorsTest {
    @TempDir
    static Path repository;

    static TestFunction fn;

    @BeforeAll
    static void load() throws IOException {
        Repositories.model(repository, "bf16", 1, OnnxModelBuilder.identity(OnnxModelBuilder.BFLOAT16, "n", 3), null);
        Repositories.model(repository, "fp32", 1, OnnxModelBuilder.identity(OnnxModelBuilder.FLOAT, "n", 2), null);
        fn = new TestFunction(repository);
    }

    @AfterAll
    static void close() {
        if (fn != null) fn.close();
    }

    @Test
    void bf16GoesInAndComesOut() {
        JsonNode metadata = TestFunction.body(fn.invoke(httpApiEvent("GET", "/v2/models/bf16", null)));
        assertEquals("BF16", metadata.at("/inputs/0/datatype").asText());
        // 1.00390625 is not a bfloat16: it rounds to nearest even, 1.0
        JsonNode answer = infer("bf16", "BF16", "[1,3]", "[1.5,-2.0,1.00390625]");
        assertEquals(200, answer.get("statusCode").asInt(), answer::toString);
        JsonNode output = TestFunction.body(answer).at("/outputs/0");
        assertEquals("BF16", output.get("datatype").asText());
        assertEquals("[1.5,-2.0,1.0]", output.get("data").toString());
    }

    @Test
    void zeroRowsAreAnsweredWithZeroRows() {
        JsonNode answer = infer("fp32", "FP32", "[0,2]", "[]");
        assertEquals(200, answer.get("statusCode").asInt(), answer::toString);
        JsonNode output = TestFunction.body(answer).at("/outputs/0");
        assertEquals("[0,2]", output.get("shape").toString());
        assertEquals("[]", output.get("data").toString());
    }

    private static JsonNode infer(String model, String datatype, String shape, String data) {
        String request = "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"" + datatype + "\",\"shape\":" + shape
                + ",\"data\":" + data + "}]}";
        return fn.invoke(httpApiEvent("POST", "/v2/models/" + model + "/infer", request));
    }
}
