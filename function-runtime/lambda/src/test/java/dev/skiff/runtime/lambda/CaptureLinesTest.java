package dev.skiff.runtime.lambda;

import static dev.skiff.runtime.testing.OnnxModelBuilder.FLOAT;
import static dev.skiff.runtime.testing.vectors.LambdaEvents.httpApiEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.runtime.capture.CaptureRecord;
import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;
import dev.skiff.runtime.testing.TestFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** The function writes one capture line per sampled request to its stdout, none when capture is off or on errors. */
class CaptureLinesTest {
    static final String REQUEST = "{\"id\":\"r1\",\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP32\","
            + "\"data\":[1,2,3,4]}]}";

    static List<String> captureLines(TestFunction fn) {
        return fn.log().lines().filter(CaptureRecord::isCaptureLine).toList();
    }

    @Test
    void aCapturedModelWritesOneRecordPerRequestAndAnErrorWritesNone(@TempDir Path repo) throws Exception {
        Repositories.model(
                repo,
                "m",
                1,
                OnnxModelBuilder.identity(FLOAT, "batch", 4),
                "{\"capture\": {\"samplingPercent\": 100, \"data\": \"both\"}}");
        try (TestFunction fn = new TestFunction(repo)) {
            fn.invoke(httpApiEvent("POST", "/v2/models/m/infer", REQUEST));
            fn.invoke(httpApiEvent("POST", "/v2/models/m/infer", "{\"inputs\": ["));
            List<String> lines = captureLines(fn);
            assertEquals(1, lines.size(), fn.log());
            JsonNode record = TestFunction.JSON.readTree(lines.get(0));
            assertEquals("m", record.get("model").asText());
            assertEquals("1", record.get("modelVersion").asText());
            assertEquals("lambda", record.get("target").asText());
            assertEquals(
                    "[1.0,2.0,3.0,4.0]",
                    record.at("/captureData/endpointInput/data/inputs/0/data").toString());
            assertTrue(
                    record.at("/captureData/endpointOutput/data/outputs/0/data").isArray());
            assertEquals("r1", record.at("/eventMetadata/inferenceId").asText());
        }
    }

    @Test
    void captureIsOffByDefault(@TempDir Path repo) throws Exception {
        Repositories.model(repo, "m", 1, OnnxModelBuilder.identity(FLOAT, "batch", 4), "{}");
        try (TestFunction fn = new TestFunction(repo)) {
            fn.invoke(httpApiEvent("POST", "/v2/models/m/infer", REQUEST));
            assertEquals(List.of(), captureLines(fn));
        }
    }
}
