package dev.skiff.deployer.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a batch input one row at a time, as ItemReader does: CSV with a header row (every value a
 * string; an empty line is a row with no values), or JSONL (one object per line; an empty line or
 * one that is not an object is a row that fails alone).
 */
public abstract sealed class InputRows implements Closeable {
    private long number;

    public static InputRows open(Path file, BatchFormat format) throws IOException {
        BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        return format == BatchFormat.CSV ? new Csv(reader) : new Jsonl(reader);
    }

    /** The data rows of a file, for the progress bar: its lines, less CSV's header. */
    public static long count(Path file, BatchFormat format) throws IOException {
        long lines = 0;
        boolean open = false; // a last line without its newline counts too
        try (var in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) if (buffer[i] == '\n') lines++;
                open = buffer[n - 1] != '\n';
            }
        }
        if (open) lines++;
        return format == BatchFormat.CSV ? Math.max(0, lines - 1) : lines;
    }

    /** The next row, or null at the end. */
    public final InputRow next() {
        try {
            return read(++number);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    abstract InputRow read(long number) throws IOException;

    private static final class Csv extends InputRows {
        private final BufferedReader reader;
        private final MappingIterator<Map<String, Object>> rows;

        Csv(BufferedReader reader) throws IOException {
            this.reader = reader;
            CsvMapper mapper = new CsvMapper();
            ObjectReader csv = mapper.readerForMapOf(Object.class)
                    .with(CsvSchema.emptySchema().withHeader());
            this.rows = csv.readValues(reader);
        }

        @Override
        InputRow read(long number) throws IOException {
            try {
                if (!rows.hasNextValue()) return null;
                Map<String, Object> values = rows.nextValue();
                return new InputRow(number, values, null);
            } catch (JsonProcessingException e) {
                throw new IOException("row " + number + " is not CSV: " + e.getOriginalMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            rows.close();
            reader.close();
        }
    }

    private static final class Jsonl extends InputRows {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final BufferedReader reader;

        Jsonl(BufferedReader reader) {
            this.reader = reader;
        }

        @Override
        InputRow read(long number) throws IOException {
            String line = reader.readLine();
            if (line == null) return null;
            if (line.isBlank()) return new InputRow(number, Map.of(), null);
            try {
                Object value = JSON.readValue(line, Object.class);
                if (value instanceof Map<?, ?> object) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> values = new HashMap<>((Map<String, Object>) object);
                    return new InputRow(number, values, null);
                }
                return new InputRow(number, Map.of(), "the line is JSON but not an object");
            } catch (JsonProcessingException e) {
                return new InputRow(number, Map.of(), "the line is not JSON: " + e.getOriginalMessage());
            }
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
