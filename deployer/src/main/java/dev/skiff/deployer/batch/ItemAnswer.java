package dev.skiff.deployer.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One item's answer as the function wrote it: its fields in order, each a string or raw JSON text
 * (a number, boolean, array or object as sent). Read with the streaming parser, so a million rows
 * build no JSON trees; rows of one batch share their field names.
 *
 * @param json whether values[i] is raw JSON text rather than a string; a null value is JSON null
 */
public record ItemAnswer(String[] names, String[] values, boolean[] json) {
    private static final String[] ERROR_ONLY = {ResultFiles.ERROR};
    private static final boolean[] NOT_JSON = {false};

    /** An answer of one error message alone. */
    public static ItemAnswer error(String message) {
        return new ItemAnswer(ERROR_ONLY, new String[] {message}, NOT_JSON);
    }

    /** The value of a field, or null where the answer has none. */
    public String get(String name) {
        int i = indexOf(name);
        return i < 0 ? null : values[i];
    }

    public boolean failed() {
        return indexOf(ResultFiles.ERROR) >= 0;
    }

    private int indexOf(String name) {
        for (int i = 0; i < names.length; i++) if (names[i].equals(name)) return i;
        return -1;
    }

    /**
     * The answers of a JSON array of objects, the parser on its START_ARRAY; an element that is not
     * an object is an answer of no fields.
     */
    public static List<ItemAnswer> readArray(JsonParser p) throws IOException {
        List<ItemAnswer> answers = new ArrayList<>();
        List<String> names = new ArrayList<>(8);
        List<String> values = new ArrayList<>(8);
        boolean[] json = new boolean[8];
        String[] shared = new String[0]; // the last item's names, which the next one most likely repeats
        while (p.nextToken() != JsonToken.END_ARRAY) {
            names.clear();
            values.clear();
            if (p.currentToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    names.add(p.currentName());
                    if (json.length == values.size()) json = Arrays.copyOf(json, json.length * 2);
                    JsonToken value = p.nextToken();
                    json[values.size()] = value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL;
                    values.add(text(p, value));
                }
            } else {
                p.skipChildren();
            }
            if (!sameNames(shared, names)) shared = names.toArray(new String[0]);
            answers.add(new ItemAnswer(shared, values.toArray(new String[0]), Arrays.copyOf(json, values.size())));
        }
        return answers;
    }

    /** An answer from a JSON tree (the state machine's results). */
    public static ItemAnswer of(JsonNode object) {
        int size = object.size();
        String[] names = new String[size];
        String[] values = new String[size];
        boolean[] json = new boolean[size];
        int i = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); i++) {
            Map.Entry<String, JsonNode> field = it.next();
            names[i] = field.getKey();
            JsonNode value = field.getValue();
            json[i] = !value.isTextual() && !value.isNull();
            values[i] = value.isNull() ? null : value.isTextual() ? value.asText() : value.toString();
        }
        return new ItemAnswer(names, values, json);
    }

    private static String text(JsonParser p, JsonToken value) throws IOException {
        return switch (value) {
            case VALUE_NULL -> null;
            case START_ARRAY, START_OBJECT -> {
                StringWriter raw = new StringWriter();
                try (JsonGenerator g = new JsonFactory().createGenerator(raw)) {
                    g.copyCurrentStructure(p);
                }
                yield raw.toString();
            }
            default -> p.getText(); // a string's content, or a number's or boolean's JSON text
        };
    }

    private static boolean sameNames(String[] shared, List<String> names) {
        if (shared.length != names.size()) return false;
        for (int i = 0; i < shared.length; i++) if (!shared[i].equals(names.get(i))) return false;
        return true;
    }
}
