package dev.skiff.runtime.capture;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.skiff.runtime.contract.Limits;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.observability.EmbeddedMetrics;
import dev.skiff.runtime.observability.RequestLog;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.Json;
import dev.skiff.runtime.protocol.ResponseWriter;
import dev.skiff.runtime.protocol.Tensor;

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
 *
 * <p>The record's fixed text is written as prepared bytes, with the bodies, names and ids between
 * them; a Jackson generator runs only for tensors that must be written again (a filtered or
 * non-JSON request). Under Lambda's C1-only JIT a generator per record cost about as much as the
 * rest of the record (tests/BENCHMARKS.md §1b).
 */
public final class CaptureRecord {
    /** The marker field and its value: the subscription filter is {@code { $.skiffCapture = "1" }}. */
    public static final String MARKER_FIELD = "skiffCapture";

    public static final String MARKER_VERSION = "1";

    /** Where a capture line starts: the emulator and the readers pick capture lines by it. */
    public static final String LINE_PREFIX = "{\"" + MARKER_FIELD + "\":\"" + MARKER_VERSION + "\"";

    private static final byte[] MODEL = ascii(LINE_PREFIX + ",\"model\":\"");
    private static final byte[] MODEL_VERSION = ascii("\",\"modelVersion\":\"");
    private static final byte[][] TARGET_TO_CAPTURE_DATA = targets();
    private static final byte[] INPUT_PART = part("endpointInput", "INPUT");
    private static final byte[] OUTPUT_PART = part("endpointOutput", "OUTPUT");
    private static final byte[] EVENT_ID = ascii("},\"eventMetadata\":{\"eventId\":\"");
    private static final byte[] INFERENCE_ID = ascii("\",\"inferenceId\":\"");
    private static final byte[] INFERENCE_TIME = ascii("\",\"inferenceTime\":\"");
    private static final byte[] END = ascii("\"},\"eventVersion\":\"0\"}");

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
        RecordBuffer line =
                write(capture, target, request, requestJson, response, responseJson, eventId, inferenceTime);
        byte[] bytes = line.toByteArray();
        line.release();
        return bytes;
    }

    /** {@link #line}'s bytes in this thread's record buffer, which the next record on the thread reuses. */
    static RecordBuffer write(
            ModelConfig.Capture capture,
            Target target,
            InferRequest request,
            byte[] requestJson,
            InferResponse response,
            byte[] responseJson,
            String eventId,
            Instant inferenceTime) {
        RecordBuffer line = RecordBuffer.ofThisThread();
        line.append(MODEL);
        line.appendString(response.modelName());
        line.append(MODEL_VERSION);
        line.appendString(response.modelVersion());
        line.append(TARGET_TO_CAPTURE_DATA[target.ordinal()]);
        boolean inputs = capture.data().inputs();
        if (inputs) {
            line.append(INPUT_PART);
            if (copiesBody(capture, request, requestJson)) {
                line.appendOnOneLine(requestJson);
            } else {
                List<Tensor> captured = new ArrayList<>(request.inputs().size());
                for (Tensor input : request.inputs()) {
                    if (capture.captures(input.name())) captured.add(input);
                }
                tensors(line, "inputs", captured);
            }
            line.append('}');
        }
        if (capture.data().outputs()) {
            if (inputs) line.append(',');
            line.append(OUTPUT_PART);
            if (responseJson != null) line.append(responseJson); // written by a generator: one line already
            else tensors(line, "outputs", response.outputs());
            line.append('}');
        }
        line.append(EVENT_ID);
        line.appendString(eventId);
        if (request.id() != null) {
            line.append(INFERENCE_ID);
            line.appendString(request.id());
        }
        line.append(INFERENCE_TIME);
        timestamp(inferenceTime, line);
        line.append(END);
        return line;
    }

    /** Whether the record's input part is the request body as sent, not its tensors written again. */
    static boolean copiesBody(ModelConfig.Capture capture, InferRequest request, byte[] requestJson) {
        return requestJson != null
                && capture.data().inputs()
                && capture.inputs().isEmpty()
                && !request.tfServing();
    }

    /**
     * The line written instead of a record longer than one log event: a warning with a
     * {@code CaptureTooLarge} metric in the Embedded Metric Format, so an alarm can count what
     * capture missed. It is not a capture line: readers and the subscription filter pass it by.
     */
    static byte[] tooLarge(
            ModelConfig.Capture capture,
            Target target,
            InferRequest request,
            InferResponse response,
            int bytes,
            Instant time) {
        RecordBuffer line = new RecordBuffer(512);
        try (JsonGenerator g = Json.FACTORY.createGenerator(line)) {
            g.writeStartObject();
            EmbeddedMetrics.writeMetadata(
                    g,
                    time.toEpochMilli(),
                    RequestLog.NAMESPACE,
                    List.of(List.of("Model", "Target")),
                    List.of(new EmbeddedMetrics.Metric("CaptureTooLarge", "Count")));
            g.writeStringField("level", "WARN");
            g.writeStringField(
                    "message",
                    "capture record not written: longer than one CloudWatch Logs event may be; "
                            + (capture.data().inputs()
                                    ? "capture fewer inputs (capture.inputs) or only the outputs"
                                    : "capture the inputs only"));
            g.writeStringField("Model", response.modelName());
            g.writeStringField("Version", response.modelVersion());
            g.writeStringField("Target", target.wireName());
            if (request.id() != null) g.writeStringField("inferenceId", request.id());
            g.writeNumberField("recordBytes", bytes);
            g.writeNumberField("limitBytes", Limits.LOG_EVENT_BYTES);
            g.writeNumberField("CaptureTooLarge", 1);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return line.toByteArray();
    }

    /** A part's data written from tensors: {@code {"inputs":[...]}} or {@code {"outputs":[...]}}. */
    private static void tensors(RecordBuffer line, String field, List<Tensor> tensors) {
        try (JsonGenerator g = Json.FACTORY.createGenerator(line)) {
            g.writeStartObject();
            ResponseWriter.writeTensors(g, field, tensors);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
    }

    /** The second last formatted: a record's time is ISO-8601 to the millisecond, its second formatted once. */
    private static volatile Second lastSecond = new Second(Long.MIN_VALUE, new byte[0]);

    private record Second(long epochSecond, byte[] text) {}

    /** {@code Instant.toString()} to the millisecond, without a formatter run per record. */
    static String timestamp(Instant time) {
        RecordBuffer text = new RecordBuffer(32);
        timestamp(time, text);
        return text.toString(StandardCharsets.US_ASCII);
    }

    private static void timestamp(Instant time, RecordBuffer line) {
        Second second = lastSecond;
        if (second.epochSecond() != time.getEpochSecond()) {
            second = new Second(
                    time.getEpochSecond(),
                    ascii(LocalDateTime.ofEpochSecond(time.getEpochSecond(), 0, ZoneOffset.UTC)
                            .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)));
            lastSecond = second;
        }
        line.append(second.text());
        int millis = time.getNano() / 1_000_000;
        if (millis != 0) { // as Instant.toString(): no fraction on a whole second
            line.append('.');
            line.append((char) ('0' + millis / 100));
            line.append((char) ('0' + millis / 10 % 10));
            line.append((char) ('0' + millis % 10));
        }
        line.append('Z');
    }

    /** A part's fields up to and with its {@code data} field's name. */
    private static byte[] part(String field, String mode) {
        return ascii("\"" + field + "\":{\"observedContentType\":\"application/json\",\"mode\":\"" + mode
                + "\",\"encoding\":\"JSON\",\"data\":");
    }

    /** Per target, by ordinal: the end of the version's string, the target field and the captureData object's start. */
    private static byte[][] targets() {
        Target[] targets = Target.values();
        byte[][] text = new byte[targets.length][];
        for (Target t : targets) {
            text[t.ordinal()] = ascii("\",\"target\":\"" + t.wireName() + "\",\"captureData\":{");
        }
        return text;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether a log line is a capture record. */
    public static boolean isCaptureLine(String line) {
        return line.startsWith(LINE_PREFIX);
    }
}
