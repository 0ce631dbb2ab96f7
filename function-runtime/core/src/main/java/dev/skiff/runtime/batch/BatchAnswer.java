package dev.skiff.runtime.batch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.skiff.runtime.protocol.Json;
import dev.skiff.runtime.protocol.ResponseWriter;
import dev.skiff.runtime.protocol.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A batch's answer: a JSON array with one object per item, in order. Each holds the item's
 * pass-through keys, then either each output's row (a value where the row has one element, an
 * array otherwise) or {@code "error"}:
 *
 * <pre>[{"id": "t1", "label": "legit", "probability": 0.98}, {"id": "t2", "error": "column 'amount' is missing"}]</pre>
 */
public final class BatchAnswer {
    public static final String ERROR = "error";

    private static final SerializedString QUOTED_ERROR = new SerializedString(ERROR);

    private BatchAnswer() {}

    public static byte[] write(List<BatchResult> results) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + results.size() * 96);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartArray();
            Names names = new Names();
            for (BatchResult result : results) write(g, result, names);
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, BatchResult result, Names names) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, Object> key : result.keys().entrySet()) {
            g.writeFieldName(names.quoted(key.getKey()));
            value(g, key.getValue());
        }
        if (result.failed()) {
            g.writeFieldName(QUOTED_ERROR);
            g.writeString(result.error());
        } else {
            for (Tensor output : result.outputs()) {
                int perRow = perRow(output);
                g.writeFieldName(names.quoted(output.name()));
                if (perRow == 1) {
                    ResponseWriter.elements(g, output, result.row(), 1);
                } else {
                    g.writeStartArray();
                    ResponseWriter.elements(g, output, result.row() * perRow, perRow);
                    g.writeEndArray();
                }
            }
        }
        g.writeEndObject();
    }

    /** An answer's field names, JSON-quoted once: every item repeats the same few, as the same Strings. */
    private static final class Names {
        private String[] names = new String[4];
        private SerializedString[] quoted = new SerializedString[4];
        private int count;

        SerializedString quoted(String name) {
            for (int i = 0; i < count; i++) if (names[i] == name) return quoted[i];
            for (int i = 0; i < count; i++) if (names[i].equals(name)) return quoted[i];
            if (count == names.length) {
                names = Arrays.copyOf(names, count * 2);
                quoted = Arrays.copyOf(quoted, count * 2);
            }
            names[count] = name;
            quoted[count] = new SerializedString(name);
            return quoted[count++];
        }
    }

    private static int perRow(Tensor output) {
        long[] shape = output.shape();
        long count = 1;
        for (int i = 1; i < shape.length; i++) count *= shape[i];
        return (int) count;
    }

    private static void value(JsonGenerator g, Object value) throws IOException {
        switch (value) {
            case null -> g.writeNull();
            case String text -> g.writeString(text);
            case Long number -> g.writeNumber(number);
            case Integer number -> g.writeNumber(number);
            case Double number -> g.writeNumber(number);
            case Boolean flag -> g.writeBoolean(flag);
            default -> g.writeNull(); // NESTED: an object or array is no key to pass through
        }
    }
}
