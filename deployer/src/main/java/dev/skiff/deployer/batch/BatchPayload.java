package dev.skiff.deployer.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The event one batch invokes the function with: the shape a Distributed Map child sends with
 * ItemBatcher, {@code {"Items": [...], "BatchInput": {"model_name": ..., "model_version": ...}}},
 * so a batch that passes locally passes on AWS.
 */
public final class BatchPayload {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private BatchPayload() {}

    public static byte[] encode(List<InputRow> rows, String model, String version) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + rows.size() * 160);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setCodec(JSON);
            g.writeStartObject();
            g.writeArrayFieldStart("Items");
            for (InputRow row : rows) {
                g.writeStartObject();
                String[] names = row.names();
                Object[] values = row.values();
                for (int i = 0; i < names.length; i++) {
                    g.writeFieldName(names[i]);
                    if (values[i] instanceof String text) g.writeString(text); // every CSV value
                    else g.writeObject(values[i]);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            batchInput(g, model, version);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The BatchInput object the state machine's ItemBatcher adds to every child's event. */
    public static Map<String, String> batchInput(String model, String version) {
        return version == null ? Map.of("model_name", model) : Map.of("model_name", model, "model_version", version);
    }

    private static void batchInput(JsonGenerator g, String model, String version) throws IOException {
        g.writeObjectFieldStart("BatchInput");
        for (Map.Entry<String, String> field : new java.util.TreeMap<>(batchInput(model, version)).entrySet()) {
            g.writeStringField(field.getKey(), field.getValue());
        }
        g.writeEndObject();
    }
}
