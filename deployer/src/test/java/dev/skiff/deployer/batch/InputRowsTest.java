package dev.skiff.deployer.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Rows as ItemReader makes items: CSV values as strings under the header's names, JSONL objects as written. */
class InputRowsTest {
    @Test
    void csvRowsAreTheHeadersNamesWithStringValues(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("in.csv");
        Files.writeString(file, "id,x,y\nr1,1.5,\"a,b\"\nr2,2\n\nr4,4,5,6\nr5,5,5");
        try (InputRows rows = InputRows.open(file, BatchFormat.CSV)) {
            InputRow first = rows.next();
            assertEquals(1, first.number());
            assertEquals(Map.of("id", "r1", "x", "1.5", "y", "a,b"), first.asMap());
            assertEquals(Map.of("id", "r2", "x", "2"), rows.next().asMap(), "a short row lacks its last columns");
            assertEquals(Map.of("id", ""), rows.next().asMap(), "an empty line is a row of one empty value");
            InputRow tooLong = rows.next();
            assertEquals(4, tooLong.number());
            assertEquals("the row has 4 values; the header names 3 columns", tooLong.unreadable());
            assertEquals(5, rows.next().number());
            assertNull(rows.next());
        }
        assertEquals(5, InputRows.count(file, BatchFormat.CSV));
    }

    @Test
    void streamedRowsMakeTheItemsTheirInputRowsMake(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("in.csv"), jsonl = dir.resolve("in.jsonl");
        Files.writeString(csv, "id,x,y\nr1,1.5,\"a,\"\"b\"\"\"\nr2,2\n\nr4,4,5,6\nr5,twelve,\n");
        Files.writeString(jsonl, "{\"b\": 1, \"a\": \"x\", \"c\": [true]}\n[1]\n\nnot json\n");
        for (Path file : new Path[] {csv, jsonl}) {
            BatchFormat format = BatchFormat.of(file.toString());
            BatchPayload streamed = new BatchPayload("m", null, 1 << 16),
                    fromRows = new BatchPayload("m", null, 1 << 16);
            StringBuilder unreadable = new StringBuilder(), unreadableRows = new StringBuilder();
            try (InputRows rows = InputRows.open(file, format)) {
                for (InputRows.Read read = rows.advance(); read != null; read = rows.advance()) {
                    if (read.unreadable() != null)
                        unreadable.append(read.number()).append(read.unreadable());
                    else assertEquals(true, rows.addTo(streamed));
                }
            }
            try (InputRows rows = InputRows.open(file, format)) {
                for (InputRow row = rows.next(); row != null; row = rows.next()) {
                    if (row.unreadable() != null)
                        unreadableRows.append(row.number()).append(row.unreadable());
                    else fromRows.add(row.names(), row.values(), row.names().length);
                }
            }
            assertEquals(new String(fromRows.finish()), new String(streamed.finish()), file.toString());
            assertEquals(unreadableRows.toString(), unreadable.toString());
        }
    }

    /**
     * The plain-byte CSV reader against Jackson's CsvParser on random files of commas, line ends,
     * quotes, backslashes, control characters and text beyond ASCII: the same rows, the same events
     * byte for byte, the same unreadable rows, and a failure where Jackson fails.
     */
    @Test
    void csvRowsAreReadAsJacksonReadsThem(@TempDir Path dir) throws Exception {
        String[] pieces = {
            "a", "b1", "1.5", ",", ",", "\n", "\r", "\r\n", "\"", "\\", "\t", "\u0001", "\u007f", " ", "é", "€"
        };
        Random random = new Random(13);
        Path file = dir.resolve("in.csv");
        for (int n = 0; n < 3000; n++) {
            StringBuilder text = new StringBuilder(n % 3 == 0 ? "id,x,y\n" : "");
            int length = random.nextInt(30);
            for (int i = 0; i < length; i++) {
                // mostly plain text, so that other lines come after plain ones
                String piece = pieces[random.nextInt(random.nextInt(4) == 0 ? pieces.length : 6)];
                text.append(piece);
            }
            Files.writeString(file, text);
            String expected, actual, expectedRows, actualRows;
            expected = jacksonItems(file);
            actual = items(file, true);
            expectedRows = expected;
            actualRows = items(file, false);
            assertEquals(expected, actual, "streamed, file: " + text);
            assertEquals(expectedRows, actualRows, "rows, file: " + text);
        }
    }

    /** The events and unreadable rows of a file as the old reader made them: Jackson's CsvParser alone. */
    private static String jacksonItems(Path file) throws Exception {
        StringBuilder result = new StringBuilder();
        try (CsvParser parser = new CsvMapper().getFactory().createParser(Files.newBufferedReader(file))) {
            parser.setSchema(CsvSchema.emptySchema());
            if (parser.nextToken() != JsonToken.START_ARRAY) return "failed: the CSV file is empty";
            String[] header = row(parser).toArray(new String[0]);
            BatchPayload event = new BatchPayload("m", null, 1 << 20);
            long number = 0;
            while (parser.nextToken() != null) {
                List<String> values = row(parser);
                number++;
                if (values.size() > header.length) result.append(number).append(" too long\n");
                else event.add(header, values.toArray(), values.size());
            }
            return result.append(new String(event.finish(), StandardCharsets.UTF_8))
                    .toString();
        } catch (IOException e) {
            return "failed";
        }
    }

    private static List<String> row(CsvParser parser) throws IOException {
        List<String> values = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            if (t == null) throw new IOException("ends early");
            values.add(parser.getText());
        }
        return values;
    }

    /** The same through InputRows: streamed into the event, or as InputRows. */
    private static String items(Path file, boolean streamed) {
        StringBuilder result = new StringBuilder();
        BatchPayload event = new BatchPayload("m", null, 1 << 20);
        try (InputRows rows = InputRows.open(file, BatchFormat.CSV)) {
            if (streamed) {
                for (InputRows.Read row = rows.advance(); row != null; row = rows.advance()) {
                    if (row.unreadable() != null) result.append(row.number()).append(" too long\n");
                    else assertEquals(true, rows.addTo(event));
                }
            } else {
                for (InputRow row = rows.next(); row != null; row = rows.next()) {
                    if (row.unreadable() != null) result.append(row.number()).append(" too long\n");
                    else event.add(row.names(), row.values(), row.names().length);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return "failed" + (e.getMessage().contains("empty") ? ": the CSV file is empty" : "");
        }
        return result.append(new String(event.finish(), StandardCharsets.UTF_8)).toString();
    }

    @Test
    void jsonlRowsKeepTheirValuesAndOrder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("in.jsonl");
        Files.writeString(file, "{\"b\": 1, \"a\": \"x\", \"c\": true}\n[1]\n");
        try (InputRows rows = InputRows.open(file, BatchFormat.JSONL)) {
            InputRow first = rows.next();
            assertArrayEquals(new String[] {"b", "a", "c"}, first.names());
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("b", 1);
            expected.put("a", "x");
            expected.put("c", true);
            assertEquals(expected, first.asMap());
            assertEquals("the line is JSON but not an object", rows.next().unreadable());
            assertNull(rows.next());
        }
    }
}
