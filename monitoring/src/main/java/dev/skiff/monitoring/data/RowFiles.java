package dev.skiff.monitoring.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training rows from a file: CSV with a header row, or JSONL with one flat object a line. Each row
 * is a map from column name to its value (CSV: strings; JSONL: numbers, booleans, strings).
 */
public final class RowFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RowFiles() {}

    public static boolean isRowFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".csv") || name.endsWith(".jsonl") || name.endsWith(".ndjson");
    }

    public static List<Map<String, Object>> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no file " + file);
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) return csv(file);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) return jsonl(file);
        throw new IllegalArgumentException(
                file + ": which format? name it .csv (with a header row) or .jsonl (one JSON object a line)");
    }

    private static List<Map<String, Object>> csv(Path file) throws IOException {
        CsvSchema header = CsvSchema.emptySchema().withHeader();
        List<Map<String, Object>> rows = new ArrayList<>();
        try (MappingIterator<Map<String, String>> it =
                new CsvMapper().readerForMapOf(String.class).with(header).readValues(file.toFile())) {
            while (it.hasNextValue()) {
                Map<String, String> row = it.nextValue();
                if (row.size() == 1 && row.values().iterator().next().isEmpty()) continue; // an empty line
                rows.add(new LinkedHashMap<>(row));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not CSV with a header row: " + e.getOriginalMessage(), e);
        }
        if (rows.isEmpty()) throw new IllegalArgumentException(file + " holds no rows under its header");
        return rows;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> jsonl(Path file) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String line; (line = in.readLine()) != null; ) {
                number++;
                if (line.isBlank()) continue;
                Object row;
                try {
                    row = JSON.readValue(line, Object.class);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(
                            file + " line " + number + " is not JSON: " + e.getOriginalMessage(), e);
                }
                if (!(row instanceof Map)) {
                    throw new IllegalArgumentException(file + " line " + number + " is not a JSON object");
                }
                rows.add((Map<String, Object>) row);
            }
        }
        if (rows.isEmpty()) throw new IllegalArgumentException(file + " holds no rows");
        return rows;
    }

    /** The rows as a dataset of input features: numbers where a value reads as one, else strings. */
    public static Dataset dataset(List<Map<String, Object>> rows) {
        Dataset dataset = new Dataset();
        for (Map<String, Object> row : rows) {
            putInputs(dataset, row, null);
            dataset.endRow();
        }
        return dataset;
    }

    /** Puts one row's columns (those in {@code only}; null: all) into the dataset's current row as inputs. */
    static void putInputs(Dataset dataset, Map<String, Object> row, java.util.Set<String> only) {
        for (Map.Entry<String, Object> column : row.entrySet()) {
            if (only == null || only.contains(column.getKey()))
                dataset.put(column.getKey(), Dataset.Role.INPUT, value(column.getValue()));
        }
    }

    private static Object value(Object raw) {
        if (raw == null) return null;
        if (raw instanceof Number number) return number.doubleValue();
        if (raw instanceof Boolean flag) return flag.toString();
        if (raw instanceof String text) {
            String trimmed = text.strip();
            if (trimmed.isEmpty()) return null;
            try {
                double parsed = Double.parseDouble(trimmed);
                if (Double.isFinite(parsed)) return parsed;
            } catch (NumberFormatException e) {
                // a word, not a number: a category or text
            }
            return text;
        }
        return raw.toString(); // a nested value: kept as its text
    }
}
