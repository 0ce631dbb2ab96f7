package dev.skiff.runtime.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * config.json's {@code "batch"}: which named columns of a batch item (a CSV row, a JSONL object)
 * fill each model input, in the input's column order, and which columns come back unchanged
 * beside the outputs so a result can be joined to its row. The datatype is the model's own.
 *
 * <pre>{"batch": {"inputs": {"features": ["amount_usd", "hour_of_day"]}, "passThrough": ["id"]}}</pre>
 *
 * @param inputs      model input name to the columns that fill it: one column for an input of shape
 *                    [N], k columns for [N, k]
 * @param passThrough the columns copied to each result
 */
public record BatchColumns(Map<String, List<String>> inputs, List<String> passThrough) {

    public BatchColumns {
        if (inputs.isEmpty()) throw new IllegalArgumentException("\"batch.inputs\" must name at least one input");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> input : inputs.entrySet()) {
            if (input.getValue().isEmpty()) {
                throw new IllegalArgumentException(
                        "\"batch.inputs." + input.getKey() + "\" must list at least one column");
            }
            copy.put(input.getKey(), List.copyOf(input.getValue()));
        }
        inputs = java.util.Collections.unmodifiableMap(copy);
        passThrough = List.copyOf(passThrough);
        Set<String> seen = new LinkedHashSet<>();
        for (String key : passThrough) {
            if (!seen.add(key)) throw new IllegalArgumentException("\"batch.passThrough\" lists '" + key + "' twice");
        }
    }

    /** Every column a valid item must have, inputs first in order, then pass-through keys. */
    public List<String> requiredColumns() {
        List<String> columns = new ArrayList<>();
        for (List<String> input : inputs.values()) columns.addAll(input);
        return columns;
    }

    static BatchColumns parse(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("\"batch\" must be an object with \"inputs\" and \"passThrough\"");
        }
        Map<String, List<String>> inputs = new LinkedHashMap<>();
        List<String> passThrough = List.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "inputs" -> {
                    if (p.currentToken() != JsonToken.START_OBJECT) {
                        throw new IllegalArgumentException(
                                "\"batch.inputs\" must be an object: input name to its columns");
                    }
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String input = p.currentName();
                        p.nextToken();
                        inputs.put(input, strings(p, "batch.inputs." + input));
                    }
                }
                case "passThrough" -> passThrough = strings(p, "batch.passThrough");
                default ->
                    throw new IllegalArgumentException(
                            "unknown field \"batch." + name + "\"; expected inputs, passThrough");
            }
        }
        return new BatchColumns(inputs, passThrough);
    }

    private static List<String> strings(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY)
            throw new IllegalArgumentException("\"" + field + "\" must be an array of column names");
        List<String> values = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_STRING)
                throw new IllegalArgumentException("\"" + field + "\" must be an array of column names");
            values.add(p.getText());
        }
        return values;
    }
}
