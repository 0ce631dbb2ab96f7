package dev.skiff.deployer.batch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of a batch input: its 1-based number among the data rows (the header is not a row), its
 * columns as names and values side by side (a CSV file's rows share the header's names), or why it
 * could not be read (a JSONL line that is not a JSON object).
 */
public record InputRow(long number, String[] names, Object[] values, String unreadable) {
    private static final String[] NONE = {};

    static InputRow unreadable(long number, String why) {
        return new InputRow(number, NONE, NONE, why);
    }

    static InputRow of(long number, Map<String, Object> columns) {
        return new InputRow(
                number, columns.keySet().toArray(NONE), columns.values().toArray(), null);
    }

    /** The columns by name, as an item of the batch event. */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>(names.length * 2);
        for (int i = 0; i < names.length; i++) map.put(names[i], values[i]);
        return map;
    }
}
