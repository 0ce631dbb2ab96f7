package dev.skiff.monitoring.baseline;

import dev.skiff.monitoring.data.Dataset;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A column's values as the baseline and the drift check both read them: numbers, category keys, text lengths. */
public final class FeatureValues {
    private FeatureValues() {}

    /** The type a baseline gives a column, by the rules in {@link FeatureType}. */
    public static FeatureType inferType(Dataset.Column column) {
        boolean words = false;
        boolean numbers = false;
        boolean whole = true;
        Set<Object> distinct = new HashSet<>();
        long count = 0;
        for (Object value : column.values()) {
            if (value == null) continue;
            count++;
            if (distinct.size() <= column.values().size() / 2 + 1) distinct.add(value);
            if (value instanceof Double number) {
                numbers = true;
                whole &= number == Math.rint(number);
            } else {
                words = true;
            }
        }
        if (words && !numbers && count >= 20 && distinct.size() > count / 2) return FeatureType.TEXT;
        if (words) return FeatureType.CATEGORICAL;
        if (numbers && whole && distinct.size() <= FeatureType.MAX_CODES) return FeatureType.CATEGORICAL;
        return FeatureType.NUMERICAL;
    }

    /**
     * The values a numerical test reads: numbers for a numerical feature (a word in it is
     * counted as missing), lengths for text.
     */
    public static double[] numbers(Dataset.Column column, FeatureType type) {
        List<Object> values = column.values();
        double[] out = new double[values.size()];
        int n = 0;
        for (Object value : values) {
            if (type == FeatureType.TEXT && value != null)
                out[n++] = value.toString().codePointCount(0, value.toString().length());
            else if (value instanceof Double number && !number.isNaN()) out[n++] = number;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** The category keys of a categorical feature: words as they are, whole numbers without ".0". */
    public static List<String> categories(Dataset.Column column) {
        List<String> keys = new ArrayList<>(column.values().size());
        for (Object value : column.values()) if (value != null) keys.add(categoryKey(value));
        return keys;
    }

    public static String categoryKey(Object value) {
        if (value instanceof Double number && number == Math.rint(number) && Math.abs(number) < 1e15) {
            return Long.toString(number.longValue());
        }
        return value.toString();
    }

    public static long missing(Dataset.Column column) {
        long missing = 0;
        for (Object value : column.values()) if (value == null) missing++;
        return missing;
    }
}
