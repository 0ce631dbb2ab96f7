package dev.skiff.runtime.capture;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.Json;
import dev.skiff.runtime.protocol.ResponseWriter;
import dev.skiff.runtime.protocol.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * One capture record, one JSON line, in the shape of SageMaker Model Monitor's data capture
 * ({@code captureData.endpointInput/endpointOutput}, {@code eventMetadata}) with Skiff's marker
 * field first, so a CloudWatch Logs subscription filter selects these lines and nothing else.
 * The format is documented in docs/model-repository.md ("Capture records").
 */
public final class CaptureRecord {
    /** The marker field and its value: the subscription filter is {@code { $.skiffCapture = "1" }}. */
    public static final String MARKER_FIELD = "skiffCapture";

    public static final String MARKER_VERSION = "1";

    /** Where a capture line starts: the emulator and the readers pick capture lines by it. */
    public static final String LINE_PREFIX = "{\"" + MARKER_FIELD + "\":\"" + MARKER_VERSION + "\"";

    private CaptureRecord() {}

    /**
     * The record's line for a served request: only the inputs the config names, the outputs only
     * when it asks for them.
     *
     * @param eventId unique per record; the request id is kept beside it as {@code inferenceId}
     */
    public static String format(
            ModelConfig.Capture capture,
            Target target,
            InferRequest request,
            InferResponse response,
            String eventId,
            Instant inferenceTime) {
        return new String(
                line(capture, target, request, null, response, null, eventId, inferenceTime), StandardCharsets.UTF_8);
    }

    /**
     * The record's line as UTF-8 bytes, without its newline: what the request path writes.
     *
     * @param requestJson the request body as received when it is the protocol's JSON form, else null.
     *     When every input is captured its bytes are the input part's {@code data} as they are
     *     (line breaks made spaces), which saves writing the input tensors again; the parser
     *     checked it is one JSON object, so the line stays valid JSON.
     * @param responseJson the answer as written when it is the protocol's JSON form (one line, its
     *     {@code outputs} among its fields), else null: then it is the output part's {@code data}
     */
    public static byte[] line(
            ModelConfig.Capture capture,
            Target target,
            InferRequest request,
            byte[] requestJson,
            InferResponse response,
            byte[] responseJson,
            String eventId,
            Instant inferenceTime) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = Json.FACTORY.createGenerator(line)) {
            g.writeStartObject();
            g.writeStringField(MARKER_FIELD, MARKER_VERSION);
            g.writeStringField("model", response.modelName());
            g.writeStringField("modelVersion", response.modelVersion());
            g.writeStringField("target", target.wireName());
            g.writeObjectFieldStart("captureData");
            if (capture.data().inputs()) {
                if (requestJson != null && capture.inputs().isEmpty() && !request.tfServing()) {
                    asReceived(g, "endpointInput", "INPUT", requestJson, line);
                } else {
                    List<Tensor> inputs = new ArrayList<>(request.inputs().size());
                    for (Tensor input : request.inputs()) {
                        if (capture.captures(input.name())) inputs.add(input);
                    }
                    part(g, "endpointInput", "INPUT", "inputs", inputs);
                }
            }
            if (capture.data().outputs()) {
                if (responseJson != null) asReceived(g, "endpointOutput", "OUTPUT", responseJson, line);
                else part(g, "endpointOutput", "OUTPUT", "outputs", response.outputs());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("eventMetadata");
            g.writeStringField("eventId", eventId);
            if (request.id() != null) g.writeStringField("inferenceId", request.id());
            g.writeStringField("inferenceTime", timestamp(inferenceTime));
            g.writeEndObject();
            g.writeStringField("eventVersion", "0");
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return line.toByteArray();
    }

    /** The second last formatted: a record's time is ISO-8601 to the millisecond, its second formatted once. */
    private static volatile Second lastSecond = new Second(Long.MIN_VALUE, "");

    private record Second(long epochSecond, String text) {}

    /** {@code Instant.toString()} to the millisecond, without a formatter run per record. */
    static String timestamp(Instant time) {
        Second second = lastSecond;
        if (second.epochSecond() != time.getEpochSecond()) {
            second = new Second(
                    time.getEpochSecond(),
                    LocalDateTime.ofEpochSecond(time.getEpochSecond(), 0, ZoneOffset.UTC)
                            .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
            lastSecond = second;
        }
        int millis = time.getNano() / 1_000_000;
        if (millis == 0) return second.text() + "Z";
        StringBuilder text = new StringBuilder(second.text().length() + 5)
                .append(second.text())
                .append('.');
        if (millis < 100) text.append('0');
        if (millis < 10) text.append('0');
        return text.append(millis).append('Z').toString();
    }

    /** A part whose data is a JSON body as it was received or written. */
    private static void asReceived(JsonGenerator g, String field, String mode, byte[] json, ByteArrayOutputStream line)
            throws IOException {
        partStart(g, field, mode);
        g.writeRawValue(""); // the generator writes the separator and counts the value...
        g.flush();
        writeOnOneLine(json, line); // ...which goes straight to the line
        g.writeEndObject();
    }

    /** Valid JSON has line breaks only between tokens, where a space means the same. */
    private static void writeOnOneLine(byte[] json, ByteArrayOutputStream out) {
        int from = 0;
        for (int i = 0; i < json.length; i++) {
            if (json[i] == '\n' || json[i] == '\r') {
                out.write(json, from, i - from);
                out.write(' ');
                from = i + 1;
            }
        }
        out.write(json, from, json.length - from);
    }

    /** A part's fields up to its {@code data} field's name. */
    private static void partStart(JsonGenerator g, String field, String mode) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeStringField("observedContentType", "application/json");
        g.writeStringField("mode", mode);
        g.writeStringField("encoding", "JSON");
        g.writeFieldName("data");
    }

    /** SageMaker's part: content type, mode, encoding and data; the data is the protocol's tensors, inline. */
    private static void part(JsonGenerator g, String field, String mode, String tensorsField, List<Tensor> tensors)
            throws IOException {
        partStart(g, field, mode);
        g.writeStartObject();
        ResponseWriter.writeTensors(g, tensorsField, tensors);
        g.writeEndObject();
        g.writeEndObject();
    }

    /** Whether a log line is a capture record. */
    public static boolean isCaptureLine(String line) {
        return line.startsWith(LINE_PREFIX);
    }
}
