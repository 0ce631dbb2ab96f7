package dev.skiff.runtime.batch;

import dev.skiff.runtime.protocol.DataType;
import dev.skiff.runtime.protocol.ProtocolException;

import java.util.Map;

/**
 * One named column of a batch item as an input value. CSV items hold strings ("12.5"), JSONL
 * items numbers, booleans or strings; each error names the column and what it held.
 */
final class ColumnValues {
    private ColumnValues() {}

    static double real(Map<String, Object> item, String column, DataType type) {
        Object value = present(item, column);
        if (value instanceof Number number) return number.doubleValue();
        if (value instanceof String text) {
            try {
                double parsed = Double.parseDouble(text.strip());
                if (!Double.isNaN(parsed) && !Double.isInfinite(parsed)) return parsed;
            } catch (NumberFormatException e) {
                // the error below says what was expected
            }
            throw ProtocolException.badRequest(
                    "column '" + column + "': '" + text + "' is not a number (" + type + ")");
        }
        throw ProtocolException.badRequest("column '" + column + "' holds " + describe(value) + ", not a number");
    }

    static long integer(Map<String, Object> item, String column, DataType type) {
        Object value = present(item, column);
        if (type == DataType.BOOL) {
            if (value instanceof Boolean flag) return flag ? 1 : 0;
            if (value instanceof String text) {
                switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
                    case "true", "1" -> {
                        return 1;
                    }
                    case "false", "0" -> {
                        return 0;
                    }
                    default ->
                        throw ProtocolException.badRequest(
                                "column '" + column + "': '" + text + "' is not true, false, 1 or 0 (BOOL)");
                }
            }
        }
        if (value instanceof Long || value instanceof Integer)
            return inRange(((Number) value).longValue(), column, type);
        if (value instanceof String text) {
            try {
                return inRange(Long.parseLong(text.strip()), column, type);
            } catch (NumberFormatException e) {
                throw ProtocolException.badRequest(
                        "column '" + column + "': '" + text + "' is not an integer (" + type + ")");
            }
        }
        throw ProtocolException.badRequest("column '" + column + "' holds " + describe(value) + ", not an integer");
    }

    static String text(Map<String, Object> item, String column) {
        Object value = present(item, column);
        if (value instanceof String text) return text;
        throw ProtocolException.badRequest("column '" + column + "' holds " + describe(value) + ", not text");
    }

    private static long inRange(long value, String column, DataType type) {
        if (type == DataType.INT32 && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)) {
            throw ProtocolException.badRequest("column '" + column + "': " + value + " does not fit INT32");
        }
        return value;
    }

    private static Object present(Map<String, Object> item, String column) {
        Object value = item.get(column);
        if (value == null) {
            throw ProtocolException.badRequest(
                    item.containsKey(column)
                            ? "column '" + column + "' is null"
                            : "column '" + column + "' is missing");
        }
        if (value instanceof String text && text.isBlank()) {
            throw ProtocolException.badRequest("column '" + column + "' is empty");
        }
        return value;
    }

    private static String describe(Object value) {
        if (value instanceof Boolean) return "a boolean (" + value + ")";
        if (value instanceof Number) return "a number (" + value + ")";
        return String.valueOf(value);
    }
}
