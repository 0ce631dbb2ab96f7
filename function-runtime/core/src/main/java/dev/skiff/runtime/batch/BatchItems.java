package dev.skiff.runtime.batch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch's items, read by column: {@link BatchScorer} resolves each column it needs once a batch
 * and then reads every item's value from it, so a value costs no lookup by name. Items come from a
 * decoded event ({@link #builder()}: each item an array of values under the batch's column names,
 * no map per item) or from maps a caller already has ({@link #of(List)}).
 */
public abstract sealed class BatchItems {
    /** The value of a column an item does not have. */
    public static final Object MISSING = new Object() {
        @Override
        public String toString() {
            return "missing";
        }
    };

    /** One column of every item: the value, null for JSON null, or {@link #MISSING}. */
    @FunctionalInterface
    public interface Column {
        Object value(int item);
    }

    public abstract int size();

    /** The column of this name, in every item. */
    public abstract Column column(String name);

    /** Items that are maps of column values. */
    public static BatchItems of(List<Map<String, Object>> items) {
        return new Maps(items);
    }

    public static Builder builder() {
        return new Builder();
    }

    private static final class Maps extends BatchItems {
        private final List<Map<String, Object>> items;

        Maps(List<Map<String, Object>> items) {
            this.items = items;
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public Column column(String name) {
            return i -> {
                Map<String, Object> item = items.get(i);
                Object value = item.get(name);
                return value == null && !item.containsKey(name) ? MISSING : value;
            };
        }
    }

    private static final class Rows extends BatchItems {
        private final Map<String, Integer> columns;
        private final List<Object[]> rows;

        Rows(Map<String, Integer> columns, List<Object[]> rows) {
            this.columns = columns;
            this.rows = rows;
        }

        @Override
        public int size() {
            return rows.size();
        }

        @Override
        public Column column(String name) {
            Integer index = columns.get(name);
            if (index == null) return i -> MISSING;
            int c = index;
            return i -> {
                Object[] row = rows.get(i);
                Object value = c < row.length ? row[c] : null;
                return value == null ? MISSING : value == JSON_NULL ? null : value;
            };
        }
    }

    /** JSON null in a row, where a Java null is a column the item lacks. */
    private static final Object JSON_NULL = new Object();

    /** Collects items one value at a time, as a streaming parser reads them. */
    public static final class Builder {
        private final Map<String, Integer> columns = new HashMap<>();
        private final List<Object[]> rows = new ArrayList<>();
        private Object[] row;

        private Builder() {}

        /** Starts the next item. */
        public void startItem() {
            row = new Object[columns.size()];
            rows.add(row);
        }

        /** One column of the current item; a later value of the same column replaces it, as in a JSON object. */
        public void put(String column, Object value) {
            Integer known = columns.get(column);
            int c = known != null ? known : columns.size();
            if (known == null) columns.put(column, c);
            if (c >= row.length) {
                row = Arrays.copyOf(row, columns.size());
                rows.set(rows.size() - 1, row);
            }
            row[c] = value == null ? JSON_NULL : value;
        }

        public BatchItems build() {
            return new Rows(columns, rows);
        }
    }
}
