package dev.skiff.monitoring.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows of named features, as a column store: plain features hold a number, a string or nothing
 * (missing) per row; embedding features hold a vector per row. Built row by row from training
 * files or capture records; a feature seen first in a later row is missing in the earlier ones.
 */
public final class Dataset {
    /** Whether a feature is something the model was fed or something it answered. */
    public enum Role {
        INPUT,
        OUTPUT
    }

    /** One plain feature: per row a {@link Double}, a {@link String} or null (missing). */
    public record Column(String name, Role role, List<Object> values) {}

    /** One embedding feature: per row a vector or null (missing). */
    public record EmbeddingColumn(String name, Role role, List<float[]> vectors) {}

    private final Map<String, Column> columns = new LinkedHashMap<>();
    private final Map<String, EmbeddingColumn> embeddings = new LinkedHashMap<>();
    private int rows;

    public int rows() {
        return rows;
    }

    public Collection<Column> columns() {
        return columns.values();
    }

    public Column column(String name) {
        return columns.get(name);
    }

    public Collection<EmbeddingColumn> embeddings() {
        return embeddings.values();
    }

    public EmbeddingColumn embedding(String name) {
        return embeddings.get(name);
    }

    /** Sets a plain feature of the current row (the one {@link #endRow()} closes). */
    public void put(String name, Role role, Object value) {
        Column column = columns.computeIfAbsent(name, n -> new Column(n, role, nulls()));
        if (column.values().size() > rows) throw new IllegalStateException("feature '" + name + "' set twice in a row");
        column.values().add(value);
    }

    /** Sets an embedding feature of the current row. */
    public void putEmbedding(String name, Role role, float[] vector) {
        EmbeddingColumn column = embeddings.computeIfAbsent(name, n -> new EmbeddingColumn(n, role, nulls()));
        if (column.vectors().size() > rows)
            throw new IllegalStateException("feature '" + name + "' set twice in a row");
        column.vectors().add(vector);
    }

    /** Closes the current row: features it did not set are missing in it. */
    public void endRow() {
        rows++;
        for (Column column : columns.values()) {
            while (column.values().size() < rows) column.values().add(null);
        }
        for (EmbeddingColumn column : embeddings.values()) {
            while (column.vectors().size() < rows) column.vectors().add(null);
        }
    }

    private <T> List<T> nulls() {
        List<T> values = new ArrayList<>(Math.max(16, rows));
        for (int i = 0; i < rows; i++) values.add(null);
        return values;
    }
}
