package dev.skiff.deployer.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

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
