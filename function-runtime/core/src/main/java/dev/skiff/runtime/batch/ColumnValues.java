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

    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18
    };

    /**
     * Plain decimal text ({@code 12}, {@code -0.25}) in ASCII bytes as the double Double.parseDouble
     * gives, or NaN for any other text, which {@link #real} then reads. At most 18 digits whose value
     * is below 2^53, over a power of ten up to 10^18: both are exact doubles, so the one division is
     * correctly rounded, as parseDouble is.
     */
    static double plainDecimal(byte[] text, int from, int to) {
        int i = from;
        boolean negative = i < to && text[i] == '-';
        if (negative) i++;
        long digits = 0;
        int count = 0, fraction = 0;
        boolean point = false;
        for (; i < to; i++) {
            byte b = text[i];
            if (b >= '0' && b <= '9') {
                if (++count > 18) return Double.NaN;
                digits = digits * 10 + (b - '0');
                if (point) fraction++;
            } else if (b == '.' && !point && count > 0) {
                point = true;
            } else {
                return Double.NaN;
            }
        }
        if (count == 0 || (point && fraction == 0) || digits > 1L << 53) return Double.NaN; // "", "-", "5."
        double value = digits / POWERS_OF_TEN[fraction];
        return negative ? -value : value;
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
