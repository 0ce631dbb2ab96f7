package dev.skiff.runtime.lambda;

import static dev.skiff.runtime.testing.OnnxModelBuilder.FLOAT;
import static dev.skiff.runtime.testing.vectors.LambdaEvents.httpApiEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.runtime.capture.CaptureRecord;
import dev.skiff.runtime.model.ModelRepository;
import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;
import dev.skiff.runtime.testing.TestFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
                    "[1,2,3,4]",
                    record.at("/captureData/endpointInput/data/inputs/0/data").toString(),
                    "the body's inputs as the client sent them");
            assertTrue(
                    record.at("/captureData/endpointOutput/data/outputs/0/data").isArray());
            assertEquals("r1", record.at("/eventMetadata/inferenceId").asText());
        }
    }

    @Test
    void theCaptureLineAndTheRequestLogLineTakeOneWrite(@TempDir Path repo) throws Exception {
        Repositories.model(
                repo,
                "m",
                1,
                OnnxModelBuilder.identity(FLOAT, "batch", 4),
                "{\"capture\": {\"samplingPercent\": 100, \"data\": \"both\"}}");
        List<String> writes = new ArrayList<>();
        PrintStream stdout = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8) {
            @Override
            public void write(byte[] bytes, int offset, int length) {
                writes.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
            }
        };
        LambdaFunction function = new LambdaFunction(ModelRepository.load(repo, Set.of()), stdout);
        try {
            for (String body : List.of(REQUEST, "{\"inputs\": [", REQUEST)) {
                function.handle(
                        httpApiEvent("POST", "/v2/models/m/infer", body).getBytes(StandardCharsets.UTF_8),
                        "req-1",
                        null);
                function.markCold(); // as after a SnapStart restore: the next record's event id has a new prefix
            }
        } finally {
            function.repository().close();
        }
        assertEquals(3, writes.size(), writes.toString());
        for (int i : new int[] {0, 2}) {
            String[] lines = writes.get(i).split("\n", -1);
            assertEquals(3, lines.length, "two lines, each with its newline: " + writes.get(i));
            assertTrue(CaptureRecord.isCaptureLine(lines[0]), lines[0]);
            assertEquals(
                    "request",
                    TestFunction.JSON.readTree(lines[1]).get("message").asText());
            assertEquals("", lines[2]);
        }
        assertEquals(2, writes.get(1).split("\n", -1).length, "the failed request's log line alone: " + writes.get(1));
        String first = TestFunction.JSON
                .readTree(writes.get(0).split("\n")[0])
                .at("/eventMetadata/eventId")
                .asText();
        String third = TestFunction.JSON
                .readTree(writes.get(2).split("\n")[0])
                .at("/eventMetadata/eventId")
                .asText();
        assertNotEquals(first.substring(0, 16), third.substring(0, 16), first + " then " + third);
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
