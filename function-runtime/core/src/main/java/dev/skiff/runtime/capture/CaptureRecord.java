package dev.skiff.runtime.capture;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.InferResponse;
import dev.skiff.runtime.protocol.Json;
import dev.skiff.runtime.protocol.ResponseWriter;
import dev.skiff.runtime.protocol.Tensor;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
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
        StringWriter line = new StringWriter(512);
        try (JsonGenerator g = Json.FACTORY.createGenerator(line)) {
            g.writeStartObject();
            g.writeStringField(MARKER_FIELD, MARKER_VERSION);
            g.writeStringField("model", response.modelName());
            g.writeStringField("modelVersion", response.modelVersion());
            g.writeStringField("target", target.wireName());
            g.writeObjectFieldStart("captureData");
            if (capture.data().inputs()) {
                List<Tensor> inputs = new ArrayList<>(request.inputs().size());
                for (Tensor input : request.inputs()) {
                    if (capture.captures(input.name())) inputs.add(input);
                }
                part(g, "endpointInput", "INPUT", "inputs", inputs);
            }
            if (capture.data().outputs()) part(g, "endpointOutput", "OUTPUT", "outputs", response.outputs());
            g.writeEndObject();
            g.writeObjectFieldStart("eventMetadata");
            g.writeStringField("eventId", eventId);
            if (request.id() != null) g.writeStringField("inferenceId", request.id());
            g.writeStringField("inferenceTime", inferenceTime.toString());
            g.writeEndObject();
            g.writeStringField("eventVersion", "0");
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return line.toString();
    }

    /** SageMaker's part: content type, mode, encoding and data; the data is the protocol's tensors, inline. */
    private static void part(JsonGenerator g, String field, String mode, String tensorsField, List<Tensor> tensors)
            throws IOException {
        g.writeObjectFieldStart(field);
        g.writeStringField("observedContentType", "application/json");
        g.writeStringField("mode", mode);
        g.writeStringField("encoding", "JSON");
        g.writeObjectFieldStart("data");
        ResponseWriter.writeTensors(g, tensorsField, tensors);
        g.writeEndObject();
        g.writeEndObject();
    }

    /** Whether a log line is a capture record. */
    public static boolean isCaptureLine(String line) {
        return line.startsWith(LINE_PREFIX);
    }
}
