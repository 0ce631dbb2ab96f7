package dev.skiff.runtime.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.runtime.contract.Limits;
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
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

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
        for (int percent : new int[] {1, 10, 30, 50, 99}) {
            lines.clear();
            SplittableRandom seeded = new SplittableRandom(percent);
            Capturer capturer = new Capturer(
                    Target.GPU_POOL,
                    (line, length) -> lines.add(new String(line, 0, length, StandardCharsets.UTF_8)),
                    () -> seeded.nextInt(100));
            int requests = 20_000;
            for (int i = 0; i < requests; i++) {
                capturer.served(
                        new ModelConfig.Capture(percent, ModelConfig.CaptureData.BOTH, List.of()), REQUEST, RESPONSE);
            }
            // binomial(20,000, p): within 4 standard deviations of its mean (at 1 %: 200 ± 56)
            double p = percent / 100.0, mean = requests * p, sd = Math.sqrt(requests * p * (1 - p));
            assertTrue(
                    Math.abs(lines.size() - mean) < 4 * sd,
                    lines.size() + " of " + requests + " sampled at " + percent + " %; expected " + mean + " ± "
                            + 4 * sd);
        }
        assertTrue(lines.get(0).contains("\"target\":\"gpu-pool\""), lines.get(0));

        for (int percent : new int[] {0, 100}) {
            lines.clear();
            Capturer capturer = new Capturer(
                    Target.GPU_POOL,
                    (line, length) -> lines.add(new String(line, 0, length, StandardCharsets.UTF_8)),
                    () -> 99);
            for (int i = 0; i < 1_000; i++) {
                capturer.served(
                        new ModelConfig.Capture(percent, ModelConfig.CaptureData.BOTH, List.of()), REQUEST, RESPONSE);
            }
            assertEquals(percent * 10, lines.size(), "at " + percent + " %, every request or none");
        }
    }

    static final int LARGE = 40_000;

    /** One row of 40,000 floats: about 40,000 * 9 bytes of JSON, over a log event's 256 KiB. */
    static InferRequest largeRequest() {
        float[] values = new float[LARGE];
        Arrays.fill(values, 0.123456f);
        return new InferRequest(
                "req-large",
                Map.of(),
                List.of(Tensor.ofFloats("features", new long[] {1, LARGE}, values)),
                List.of(),
                false);
    }

    @Test
    void aRecordLongerThanALogEventIsReplacedByANoticeWithAMetric() throws IOException {
        List<String> lines = new ArrayList<>();
        Capturer capturer = new Capturer(Target.LAMBDA, line -> lines.add(new String(line, StandardCharsets.UTF_8)));
        ModelConfig.Capture everything = new ModelConfig.Capture(100, ModelConfig.CaptureData.BOTH, List.of());
        InferRequest large = largeRequest();

        capturer.served(everything, large, RESPONSE);
        capturer.served(everything, REQUEST, RESPONSE);

        assertEquals(2, lines.size());
        String notice = lines.get(0);
        assertFalse(CaptureRecord.isCaptureLine(notice), "readers and the subscription filter pass it by");
        JsonNode json = JSON.readTree(notice);
        assertEquals("WARN", json.get("level").asText());
        assertEquals("fraud", json.get("Model").asText());
        assertEquals("req-large", json.get("inferenceId").asText());
        assertTrue(json.get("recordBytes").asInt() > Limits.LOG_EVENT_BYTES, notice);
        assertEquals(Limits.LOG_EVENT_BYTES, json.get("limitBytes").asInt());
        assertEquals(1, json.get("CaptureTooLarge").asInt());
        assertEquals(
                "CaptureTooLarge",
                json.at("/_aws/CloudWatchMetrics/0/Metrics/0/Name").asText());
        assertTrue(CaptureRecord.isCaptureLine(lines.get(1)), "the next record is written as usual");
    }

    @Test
    void aPrettyPrintedBodyTooLongToCopyIsCapturedFromItsTensors() throws IOException {
        List<String> lines = new ArrayList<>();
        Capturer capturer = new Capturer(Target.LAMBDA, line -> lines.add(new String(line, StandardCharsets.UTF_8)));
        String indent = "\n" + " ".repeat(300 * 1024); // 300 KiB of whitespace around a small request
        byte[] body = ("{" + indent + "\"id\": \"req-1\", \"inputs\": [{\"name\": \"features\", \"shape\": [1, 3],"
                        + " \"datatype\": \"FP32\", \"data\": [1.5, 2, 3]}, {\"name\": \"note\", \"shape\": [1],"
                        + " \"datatype\": \"BYTES\", \"data\": [\"private\"]}]" + indent + "}")
                .getBytes(StandardCharsets.UTF_8);

        capturer.served(
                new ModelConfig.Capture(100, ModelConfig.CaptureData.BOTH, List.of()), REQUEST, body, RESPONSE, null);

        assertEquals(1, lines.size());
        assertTrue(CaptureRecord.isCaptureLine(lines.get(0)), "a record, not the too-large notice");
        assertTrue(lines.get(0).length() < 2_000, lines.get(0).length() + " characters");
        JsonNode inputs = JSON.readTree(lines.get(0)).at("/captureData/endpointInput/data/inputs");
        assertEquals("[1.5,2.0,3.0]", inputs.at("/0/data").toString());
        assertEquals("private", inputs.at("/1/data/0").asText());
    }

    @Test
    void aCopiedBodyWhoseTensorsAreTooLongTooGivesTheNoticeWithTheRewrittenLength() throws IOException {
        List<String> lines = new ArrayList<>();
        Capturer capturer = new Capturer(Target.LAMBDA, line -> lines.add(new String(line, StandardCharsets.UTF_8)));
        InferRequest large = largeRequest();
        String data = "0.123456, ".repeat(LARGE - 1);
        byte[] body = ("{\"id\": \"req-large\", \"inputs\": [{\"name\": \"features\", \"shape\": [1, "
                        + LARGE + "], \"datatype\": \"FP32\", \"data\": [" + data + "0]}]"
                        + " ".repeat(200_000) + "}")
                .getBytes(StandardCharsets.UTF_8);

        capturer.served(
                new ModelConfig.Capture(100, ModelConfig.CaptureData.INPUTS, List.of()), large, body, RESPONSE, null);

        assertEquals(1, lines.size());
        JsonNode notice = JSON.readTree(lines.get(0));
        int recordBytes = notice.get("recordBytes").asInt();
        assertTrue(
                recordBytes > Limits.LOG_EVENT_BYTES && recordBytes < body.length,
                "the rewritten record's length, not the copied body's: " + recordBytes + " of " + body.length);
        assertTrue(
                notice.get("message").asText().endsWith("capture fewer inputs (capture.inputs) or only the outputs"));
    }

    @Test
    void theProductionDrawSamplesTooAndEachRecordHasItsOwnEventId() throws IOException {
        List<String> lines = new ArrayList<>();
        Capturer capturer = new Capturer(Target.LAMBDA, line -> lines.add(new String(line, StandardCharsets.UTF_8)));
        for (int i = 0; i < 2_000; i++) {
            capturer.served(new ModelConfig.Capture(50, ModelConfig.CaptureData.BOTH, List.of()), REQUEST, RESPONSE);
        }
        assertTrue(lines.size() > 500 && lines.size() < 1_500, lines.size() + " of 2,000 at 50 %");
        Set<String> ids = new HashSet<>();
        for (String line : lines)
            ids.add(JSON.readTree(line).at("/eventMetadata/eventId").asText());
        assertEquals(lines.size(), ids.size(), "each record has its own event id");
    }

    /** Bodies the parser accepts, written into a record as received: the line must stay one valid JSON object. */
    @Test
    void oddRequestBodiesKeepTheLineOneValidJsonObject() throws IOException {
        ModelConfig.Capture all = new ModelConfig.Capture(100, ModelConfig.CaptureData.BOTH, List.of());
        for (String body : List.of(
                "{\"inputs\":[]}",
                "\r\n\t{ \"id\" : \"a\\\"b\\\\c\",\r\n\"inputs\":\r[]\n}\r\n",
                "{\"id\":\"line\\nbreak\\r\\u2028\",\"inputs\":[{\"name\":\"t\",\"datatype\":\"BYTES\",\"shape\":[1],"
                        + "\"data\":[\"caf\u00e9 \u65e5\u672c \ud83d\ude00 \\u0000\"]}]}",
                "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1,2],\"data\":[[1e-3,\n-2.5E+2]]}]}")) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String line = new String(
                    CaptureRecord.line(all, Target.LAMBDA, REQUEST, bytes, RESPONSE, ANSWER, "e1", Instant.EPOCH),
                    StandardCharsets.UTF_8);
            assertFalse(line.contains("\n") || line.contains("\r"), "one line: " + line);
            JsonNode record = JSON.readTree(line);
            assertEquals(JSON.readTree(bytes), record.at("/captureData/endpointInput/data"), body);
            assertEquals(JSON.readTree(ANSWER), record.at("/captureData/endpointOutput/data"), body);
        }
    }

    @Test
    void namesAndIdsThatNeedEscapingAreEscaped() throws IOException {
        String odd = "q\"b\\s\u0001 caf\u00e9 \ud83d\ude00";
        InferRequest request = new InferRequest(odd, Map.of(), REQUEST.inputs(), List.of(), false);
        InferResponse response = new InferResponse(odd, odd, odd, RESPONSE.outputs(), false);
        for (int i = 0; i < 2; i++) { // the second record reuses the thread's buffer
            String line = new String(
                    CaptureRecord.line(
                            new ModelConfig.Capture(100, ModelConfig.CaptureData.BOTH, List.of()),
                            Target.GPU_POOL,
                            request,
                            BODY,
                            response,
                            null,
                            odd,
                            Instant.EPOCH),
                    StandardCharsets.UTF_8);
            JsonNode record = JSON.readTree(line);
            assertEquals(odd, record.get("model").asText());
            assertEquals(odd, record.get("modelVersion").asText());
            assertEquals(odd, record.at("/eventMetadata/eventId").asText());
            assertEquals(odd, record.at("/eventMetadata/inferenceId").asText());
            assertEquals(
                    "1970-01-01T00:00:00Z",
                    record.at("/eventMetadata/inferenceTime").asText());
            assertEquals(
                    "legit",
                    record.at("/captureData/endpointOutput/data/outputs/0/data/0")
                            .asText());
        }
    }

    @Test
    void aRecordAfterALargeOneHoldsOnlyItsOwnBytes() throws IOException {
        ModelConfig.Capture all = new ModelConfig.Capture(100, ModelConfig.CaptureData.BOTH, List.of());
        byte[] large = ("{\"id\":\"" + "x".repeat(100_000) + "\",\"inputs\":[]}").getBytes(StandardCharsets.UTF_8);
        byte[] first = CaptureRecord.line(all, Target.LAMBDA, REQUEST, large, RESPONSE, ANSWER, "e1", Instant.EPOCH);
        assertTrue(first.length > 100_000);
        byte[] second = CaptureRecord.line(all, Target.LAMBDA, REQUEST, BODY, RESPONSE, ANSWER, "e2", Instant.EPOCH);
        JsonNode record = JSON.readTree(second);
        assertEquals(JSON.readTree(BODY), record.at("/captureData/endpointInput/data"));
        assertEquals("e2", record.at("/eventMetadata/eventId").asText());
        assertTrue(second.length < 2_000, second.length + " bytes");
    }

    /** The pool answers on a virtual thread per request: its records are whole too. */
    @Test
    void recordsOnVirtualThreadsAreWhole() throws Exception {
        ModelConfig.Capture all = new ModelConfig.Capture(100, ModelConfig.CaptureData.BOTH, List.of());
        List<byte[]> lines = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofVirtual()
                    .start(() -> lines.add(CaptureRecord.line(
                            all, Target.GPU_POOL, REQUEST, BODY, RESPONSE, ANSWER, "e1", Instant.EPOCH))));
        }
        for (Thread t : threads) t.join();
        assertEquals(8, lines.size());
        for (byte[] line : lines) {
            assertEquals(JSON.readTree(BODY), JSON.readTree(line).at("/captureData/endpointInput/data"));
        }
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
