package dev.skiff.runtime.batch;

import com.fasterxml.jackson.core.io.NumberInput;
import dev.skiff.runtime.protocol.DataType;
import dev.skiff.runtime.protocol.ProtocolException;

/**
 * One named column of a batch item as an input value. CSV items hold strings ("12.5"), JSONL
 * items numbers, booleans or strings; each error names the column and what it held.
 */
final class ColumnValues {
    private ColumnValues() {}

    static double real(Object read, String column, DataType type) {
        Object value = present(read, column);
        if (value instanceof Number number) return number.doubleValue();
        if (value instanceof String text) {
            try {
                // FastDoubleParser (in jackson-core): Double.parseDouble's syntax and rounding, several times
                // faster where functions run C1-only; every CSV value of a batch goes through here
                double parsed = NumberInput.parseDouble(text.strip(), true);
                if (!Double.isNaN(parsed) && !Double.isInfinite(parsed)) return parsed;
            } catch (NumberFormatException e) {
                // the error below says what was expected
            }
            throw ProtocolException.badRequest(
                    "column '" + column + "': '" + text + "' is not a number (" + type + ")");
        }
        throw ProtocolException.badRequest("column '" + column + "' holds " + describe(value) + ", not a number");
    }

    static long integer(Object read, String column, DataType type) {
        Object value = present(read, column);
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

    static String text(Object read, String column) {
        Object value = present(read, column);
        if (value instanceof String text) return text;
        throw ProtocolException.badRequest("column '" + column + "' holds " + describe(value) + ", not text");
    }

    private static long inRange(long value, String column, DataType type) {
        if (type == DataType.INT32 && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)) {
            throw ProtocolException.badRequest("column '" + column + "': " + value + " does not fit INT32");
        }
        return value;
    }

    /** @param value the column's value as {@link BatchItems.Column} reads it */
    private static Object present(Object value, String column) {
        if (value == BatchItems.MISSING) throw ProtocolException.badRequest("column '" + column + "' is missing");
        if (value == null) throw ProtocolException.badRequest("column '" + column + "' is null");
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
