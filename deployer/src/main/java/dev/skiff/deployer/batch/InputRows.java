package dev.skiff.deployer.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads a batch input one row at a time, as ItemReader does: CSV with a header row (every value a
 * string; an empty line is a row with no values), or JSONL (one object per line; an empty line or
 * one that is not an object is a row that fails alone).
 */
public abstract sealed class InputRows implements Closeable {
    private long number;

    public static InputRows open(Path file, BatchFormat format) throws IOException {
        if (format == BatchFormat.CSV) return new Csv(file);
        return new Jsonl(Files.newBufferedReader(file, StandardCharsets.UTF_8));
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

    /** A row {@link #advance} read: its number, and why it cannot be scored (null when it can). */
    public record Read(long number, String unreadable) {}

    /**
     * The streaming read: the next row, held until the next call, whose names and values
     * {@link #addTo} puts into a batch event without an {@link InputRow}; null at the end.
     */
    public final Read advance() {
        try {
            return hold(++number);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds the row {@link #advance} holds to the event; false when the event is full. */
    public abstract boolean addTo(BatchPayload event);

    /** Reads a row and holds it; by default as an {@link InputRow}. */
    Read hold(long number) throws IOException {
        held = read(number);
        return held == null ? null : new Read(held.number(), held.unreadable());
    }

    private InputRow held;

    boolean addHeld(BatchPayload event) {
        return event.add(held.names(), held.values(), held.names().length);
    }

    /**
     * CSV through Jackson's streaming CsvParser, each row an array of strings (no map per row): the
     * first row names the columns; a shorter row lacks its last columns (an empty line has one empty
     * value), and a longer row fails alone.
     */
    private static final class JacksonCsv extends InputRows {
        private static final CsvMapper MAPPER = new CsvMapper();
        private final CsvParser parser;
        private final String[] header;
        private final List<String> values = new ArrayList<>();

        /** @param header the columns, when the reader starts after the header; null to read them first */
        JacksonCsv(BufferedReader reader, String[] header) throws IOException {
            this.parser = MAPPER.getFactory().createParser(reader);
            parser.setSchema(CsvSchema.emptySchema()); // no columns: each row comes as an array of strings
            if (header != null) {
                this.header = header;
                return;
            }
            if (parser.nextToken() != JsonToken.START_ARRAY) throw new IOException("the CSV file is empty");
            this.header = readRow("the header").toArray(new String[0]);
        }

        @Override
        InputRow read(long number) throws IOException {
            JsonToken token = parser.nextToken();
            if (token == null) return null;
            List<String> row = readRow("row " + number);
            if (row.size() > header.length) {
                return InputRow.unreadable(number, tooLong(row.size(), header.length));
            }
            String[] names = row.size() == header.length ? header : Arrays.copyOf(header, row.size());
            return new InputRow(number, names, row.toArray(), null);
        }

        private String[] heldValues;
        private int heldWidth;

        /** Reads a row's values into one reused array: each value is the String the CSV decoder made anyway. */
        @Override
        Read hold(long number) throws IOException {
            if (parser.nextToken() == null) return null;
            if (heldValues == null) heldValues = new String[header.length];
            int width = 0;
            try {
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    if (t == null) throw new IOException("row " + number + " ends early");
                    if (width < header.length) heldValues[width] = parser.getText();
                    width++;
                }
            } catch (JsonProcessingException e) {
                throw new IOException("row " + number + " is not CSV: " + e.getOriginalMessage(), e);
            }
            if (width > header.length) {
                heldWidth = 0;
                return new Read(number, tooLong(width, header.length));
            }
            heldWidth = width;
            return new Read(number, null);
        }

        @Override
        public boolean addTo(BatchPayload event) {
            return event.add(header, heldValues, heldWidth);
        }

        private List<String> readRow(String what) throws IOException {
            values.clear();
            try {
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    if (t == null) throw new IOException(what + " ends early");
                    values.add(parser.getText());
                }
            } catch (JsonProcessingException e) {
                throw new IOException(what + " is not CSV: " + e.getOriginalMessage(), e);
            }
            return values;
        }

        @Override
        public void close() throws IOException {
            parser.close();
        }
    }

    /**
     * CSV read as bytes by {@link PlainCsvLines} while its lines are plain (ASCII, no quotes), each
     * row's values copied from the file's bytes into the event; from the first other line on
     * (quoted values, text beyond ASCII), the rest of the file goes through {@link JacksonCsv}, as the
     * whole file did before. Both read a row the same way, which InputRowsTest checks on random files.
     *
     * <p>Why by hand: the 1,000,000-row fraud file read into 1,150-row events (one JVM, the same
     * events byte for byte) took 0.81-0.86 CPU s warm (C2) and 1.3-1.55 s under C1 (as bin/skiff runs)
     * through Jackson's CsvParser and a JsonGenerator, against 0.26-0.5 s (C2) and 0.65-0.9 s (C1) here.
     */
    private static final class Csv extends InputRows {
        private final Path file;
        private final PlainCsvLines lines;
        private final String[] header;
        private InputRows rest; // Jackson, from the first line that is not plain
        private boolean heldPlain;

        Csv(Path file) throws IOException {
            this.file = file;
            this.lines = new PlainCsvLines(Files.newInputStream(file));
            PlainCsvLines.Line first = lines.next();
            if (first == PlainCsvLines.Line.END) {
                lines.close();
                throw new IOException("the CSV file is empty");
            }
            if (first == PlainCsvLines.Line.OTHER) {
                header = null;
                rest = new JacksonCsv(readerFrom(0), null);
                lines.close();
            } else {
                header = new String[lines.width()];
                for (int i = 0; i < header.length; i++) header[i] = text(i);
            }
        }

        @Override
        Read hold(long number) throws IOException {
            heldPlain = false;
            return switch (nextLine()) {
                case END -> null;
                case OTHER -> rest.hold(number);
                case PLAIN -> {
                    if (lines.width() > header.length) yield new Read(number, tooLong(lines.width(), header.length));
                    heldPlain = true;
                    yield new Read(number, null);
                }
            };
        }

        @Override
        InputRow read(long number) throws IOException {
            return switch (nextLine()) {
                case END -> null;
                case OTHER -> rest.read(number);
                case PLAIN -> {
                    if (lines.width() > header.length)
                        yield InputRow.unreadable(number, tooLong(lines.width(), header.length));
                    String[] values = new String[lines.width()];
                    for (int i = 0; i < values.length; i++) values[i] = text(i);
                    yield new InputRow(number, Arrays.copyOf(header, values.length), values, null);
                }
            };
        }

        /** The next line, read plain where it is; OTHER once the rest of the file goes through Jackson. */
        private PlainCsvLines.Line nextLine() throws IOException {
            if (rest != null) return PlainCsvLines.Line.OTHER;
            PlainCsvLines.Line line = lines.next();
            if (line == PlainCsvLines.Line.OTHER) {
                rest = new JacksonCsv(readerFrom(lines.lineOffset()), header);
                lines.close();
            }
            return line;
        }

        @Override
        public boolean addTo(BatchPayload event) {
            if (!heldPlain) return rest.addTo(event);
            return event.add(header, lines);
        }

        private String text(int value) {
            int start = lines.start(value);
            return new String(lines.buffer(), start, lines.end(value) - start, StandardCharsets.US_ASCII);
        }

        /** The file from a line on, read as Files.newBufferedReader reads it (malformed UTF-8 is an error). */
        private BufferedReader readerFrom(long offset) throws IOException {
            FileChannel channel = FileChannel.open(file);
            channel.position(offset);
            return new BufferedReader(
                    new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8.newDecoder()));
        }

        @Override
        public void close() throws IOException {
            lines.close();
            if (rest != null) rest.close();
        }
    }

    private static String tooLong(int width, int columns) {
        return "the row has " + width + " values; the header names " + columns + " columns";
    }

    private static final class Jsonl extends InputRows {
        private final BufferedReader reader;

        Jsonl(BufferedReader reader) {
            this.reader = reader;
        }

        @Override
        public boolean addTo(BatchPayload event) {
            return addHeld(event);
        }

        @Override
        InputRow read(long number) throws IOException {
            String line = reader.readLine();
            if (line == null) return null;
            if (line.isBlank()) return InputRow.of(number, Map.of());
            try {
                Object value = Databind.JSON.readValue(line, Object.class);
                if (value instanceof Map<?, ?> object) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> values = (Map<String, Object>) object;
                    return InputRow.of(number, values);
                }
                return InputRow.unreadable(number, "the line is JSON but not an object");
            } catch (JsonProcessingException e) {
                return InputRow.unreadable(number, "the line is not JSON: " + e.getOriginalMessage());
            }
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
