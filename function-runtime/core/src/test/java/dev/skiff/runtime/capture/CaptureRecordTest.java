package dev.skiff.runtime.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.ResponseWriter;
import dev.skiff.runtime.protocol.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The capture line: SageMaker's shape with the marker first, only the configured inputs, sampling as configured. */
class CaptureRecordTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static final InferRequest REQUEST = new InferRequest(
            "req-1",
            Map.of(),
            List.of(
                    Tensor.ofFloats("features", new long[] {1, 3}, new float[] {1.5f, 2, 3}),
                    Tensor.strings("note", new long[] {1}, new String[] {"private"})),
            List.of(),
            false);
    static final InferResponse RESPONSE = new InferResponse(
            "fraud", "2", "req-1", List.of(Tensor.strings("label", new long[] {1, 1}, new String[] {"legit"})), false);

    static JsonNode record(ModelConfig.Capture capture) throws IOException {
        String line = CaptureRecord.format(
                capture, Target.LAMBDA, REQUEST, RESPONSE, "e1", Instant.parse("2026-01-02T03:04:05Z"));
        assertTrue(CaptureRecord.isCaptureLine(line), line);
        assertFalse(line.contains("\n"), "one line");
        return JSON.readTree(line);
    }

    @Test
    void aRecordHasSageMakersShapeAndTheMarker() throws IOException {
        JsonNode record = record(new ModelConfig.Capture(100, ModelConfig.CaptureData.BOTH, List.of()));
        assertEquals("1", record.get("skiffCapture").asText());
        assertEquals("fraud", record.get("model").asText());
        assertEquals("2", record.get("modelVersion").asText());
        assertEquals("lambda", record.get("target").asText());
        JsonNode input = record.at("/captureData/endpointInput");
        assertEquals("application/json", input.get("observedContentType").asText());
        assertEquals("INPUT", input.get("mode").asText());
        assertEquals("JSON", input.get("encoding").asText());
        assertEquals("features", input.at("/data/inputs/0/name").asText());
        assertEquals("[1.5,2.0,3.0]", input.at("/data/inputs/0/data").toString());
        assertEquals("[1,3]", input.at("/data/inputs/0/shape").toString());
        assertEquals("OUTPUT", record.at("/captureData/endpointOutput/mode").asText());
        assertEquals(
                "legit",
                record.at("/captureData/endpointOutput/data/outputs/0/data/0").asText());
        assertEquals("e1", record.at("/eventMetadata/eventId").asText());
        assertEquals("req-1", record.at("/eventMetadata/inferenceId").asText());
        assertEquals(
                "2026-01-02T03:04:05Z",
                record.at("/eventMetadata/inferenceTime").asText());
    }

    @Test
    void nothingBeyondTheConfiguredInputsIsCaptured() throws IOException {
        JsonNode record = record(new ModelConfig.Capture(100, ModelConfig.CaptureData.INPUTS, List.of("features")));
        JsonNode inputs = record.at("/captureData/endpointInput/data/inputs");
        assertEquals(1, inputs.size());
        assertEquals("features", inputs.get(0).get("name").asText());
        assertTrue(record.at("/captureData/endpointOutput").isMissingNode(), "outputs were not asked for");
        assertFalse(record.toString().contains("private"));
    }

    /** The body as a client sent it, pretty-printed, which is what the request was parsed from. */
    static final byte[] BODY = """
            {"id": "req-1",
             "inputs": [{"name": "features", "shape": [1, 3], "datatype": "FP32", "data": [1.5, 2, 3]},
                        {"name": "note", "shape": [1], "datatype": "BYTES", "data": ["a\\nb"]}]}\r
            """.getBytes(StandardCharsets.UTF_8);

    /** The answer as the function wrote it. */
    static final byte[] ANSWER = ResponseWriter.infer(RESPONSE);

    static JsonNode recordFromBody(ModelConfig.Capture capture) throws IOException {
        String line = new String(
                CaptureRecord.line(
                        capture,
                        Target.LAMBDA,
                        REQUEST,
                        BODY,
                        RESPONSE,
                        ANSWER,
                        "e1",
                        Instant.parse("2026-01-02T03:04:05Z")),
                StandardCharsets.UTF_8);
        assertTrue(CaptureRecord.isCaptureLine(line), line);
        assertFalse(line.contains("\n") || line.contains("\r"), "one line: " + line);
        return JSON.readTree(line);
    }

    @Test
    void theRequestBodyIsTheInputDataAsReceivedOnOneLine() throws IOException {
        JsonNode record = recordFromBody(new ModelConfig.Capture(100, ModelConfig.CaptureData.BOTH, List.of()));
        JsonNode input = record.at("/captureData/endpointInput");
        assertEquals("INPUT", input.get("mode").asText());
        assertEquals("JSON", input.get("encoding").asText());
        assertEquals("[1.5,2,3]", input.at("/data/inputs/0/data").toString());
        assertEquals("a\nb", input.at("/data/inputs/1/data/0").asText(), "an escaped line break stays escaped");
        assertEquals(
                "legit",
                record.at("/captureData/endpointOutput/data/outputs/0/data/0").asText());
        assertEquals("e1", record.at("/eventMetadata/eventId").asText());
        assertEquals("0", record.get("eventVersion").asText());
    }

    @Test
    void aFilteredCaptureWritesOnlyTheConfiguredInputsEvenWithTheBody() throws IOException {
        JsonNode record =
                recordFromBody(new ModelConfig.Capture(100, ModelConfig.CaptureData.INPUTS, List.of("features")));
        JsonNode inputs = record.at("/captureData/endpointInput/data/inputs");
        assertEquals(1, inputs.size());
        assertEquals("[1.5,2.0,3.0]", inputs.get(0).get("data").toString());
        assertFalse(record.toString().contains("a\\nb"));
    }

    @Test
    void outputsOnlyLeavesTheInputsOut() throws IOException {
        JsonNode record = record(new ModelConfig.Capture(100, ModelConfig.CaptureData.OUTPUTS, List.of()));
        assertTrue(record.at("/captureData/endpointInput").isMissingNode());
        assertEquals(
                "label",
                record.at("/captureData/endpointOutput/data/outputs/0/name").asText());
    }

    @Test
    void theSamplingPercentIsTheShareOfRequestsCaptured() {
        List<String> lines = new ArrayList<>();
        Capturer capturer = new Capturer(Target.GPU_POOL, line -> lines.add(new String(line, StandardCharsets.UTF_8)));
        for (int i = 0; i < 10_000; i++) {
            capturer.served(new ModelConfig.Capture(30, ModelConfig.CaptureData.BOTH, List.of()), REQUEST, RESPONSE);
        }
        // binomial(10,000, 0.3): sd 46, so 2,800..3,200 is over 4 sd either way
        assertTrue(lines.size() > 2_800 && lines.size() < 3_200, lines.size() + " of 10,000 sampled");
        assertTrue(lines.get(0).contains("\"target\":\"gpu-pool\""), lines.get(0));
        assertTrue(!lines.get(0).equals(lines.get(1)), "each record has its own event id");

        lines.clear();
        for (int i = 0; i < 1_000; i++) {
            capturer.served(new ModelConfig.Capture(100, ModelConfig.CaptureData.BOTH, List.of()), REQUEST, RESPONSE);
        }
        assertEquals(1_000, lines.size());
    }

    @Test
    void theInferenceTimeIsInstantsTextToTheMillisecond() {
        for (String time : List.of(
                "2026-01-02T03:04:05Z",
                "2026-01-02T03:04:05.007Z",
                "2026-01-02T03:04:05.070Z",
                "2026-01-02T03:04:05.700Z",
                "2026-01-02T03:04:06.123Z",
                "1999-12-31T23:59:59.999Z")) {
            assertEquals(Instant.parse(time).toString(), CaptureRecord.timestamp(Instant.parse(time)), time);
        }
        assertEquals(
                "2026-01-02T03:04:05.123Z",
                CaptureRecord.timestamp(Instant.parse("2026-01-02T03:04:05.123456789Z")),
                "cut to the millisecond");
    }
}
