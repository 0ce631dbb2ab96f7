package dev.skiff.runtime.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.skiff.runtime.protocol.DataType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The reader of ItemBatcher's CSV events reads them as Jackson does, and leaves every other event
 * (answering null) to Jackson's path in {@link BatchEvent}.
 */
class CsvItemsReaderTest {
    static final List<String> COLUMNS = List.of("id", "a", "b", "c", "nowhere");

    @Test
    void csvRowsReadAsJacksonReadsThem() {
        for (String event : List.of(
                "{\"Items\":[{\"id\":\"t1\",\"a\":\"1.5\",\"b\":\"\"},{\"id\":\"t2\",\"a\":\"-2\",\"b\":\"x y\"}],"
                        + "\"BatchInput\":{\"model_name\":\"fraud\",\"model_version\":\"live\"}}",
                // as a person or another writer spaces it, BatchInput first, other BatchInput fields
                " {\n \"BatchInput\" : { \"other\": \"x\", \"model_version\" : \"3\" },\t\"Items\" : [ { \"a\" : \"1\" } ,"
                        + " { } ] }\r\n",
                // rows shorter than the header, reordered, a column first seen later, a repeated name
                "{\"Items\":[{\"id\":\"t1\",\"a\":\"1\"},{\"a\":\"2\",\"id\":\"t2\"},{\"id\":\"t3\"},"
                        + "{\"id\":\"t4\",\"a\":\"4\",\"c\":\"new\"},{\"a\":\"5\",\"a\":\"6\",\"c\":\"7\"}]}",
                // items spaced unlike the first, whose keys the others are matched against
                "{\"Items\":[{\"a\":\"1\",\"b\":\"2\"},{ \"a\" : \"3\" ,\"b\":\"4\"},{\"a\":\"5\",\"b\" :\"6\"},"
                        + "{\"a\":\"7\",\"b\":\"8\"}]}",
                "{\"Items\":[]}",
                "{\"Items\":[{}],\"BatchInput\":{}}")) {
            byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
            BatchEvent read = CsvItemsReader.read(bytes);
            assertNotNull(read, event);
            assertSameEvent(BatchEvent.parse(bytes), read, event);
        }
    }

    @Test
    void numbersParseFromTheBytesAsFromTheirText() {
        byte[] event = "{\"Items\":[{\"a\":\"12.25\",\"b\":\" 3\",\"c\":\"1e2\"},{\"a\":\"-0\",\"b\":\"twelve\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        BatchItems items = CsvItemsReader.read(event).items();
        assertEquals(12.25, items.column("a").real(0, "a", DataType.FP64));
        assertEquals(-0.0, items.column("a").real(1, "a", DataType.FP64));
        assertEquals(3.0, items.column("b").real(0, "b", DataType.FP64));
        assertEquals(100.0, items.column("c").real(0, "c", DataType.FP64));
        assertEquals(
                "column 'b': 'twelve' is not a number (FP32)",
                org.junit.jupiter.api.Assertions.assertThrows(
                                RuntimeException.class, () -> items.column("b").real(1, "b", DataType.FP32))
                        .getMessage());
        assertEquals(
                "column 'c' is missing",
                org.junit.jupiter.api.Assertions.assertThrows(
                                RuntimeException.class, () -> items.column("c").real(1, "c", DataType.FP32))
                        .getMessage());
    }

    @Test
    void everyOtherEventIsLeftToJackson() {
        for (String event : List.of(
                "{\"Items\":[{\"a\":1}]}", // a number
                "{\"Items\":[{\"a\":null}]}",
                "{\"Items\":[{\"a\":true}]}",
                "{\"Items\":[{\"a\":[\"1\"]}]}",
                "{\"Items\":[{\"a\":\"x\\\"y\"}]}", // an escape
                "{\"Items\":[{\"a\\u0062\":\"1\"}]}",
                "{\"Items\":[{\"a\":\"é\"}]}", // non-ASCII
                "{\"Items\":[{\"a\":\"tab\there\"}]}", // a raw control character, which JSON refuses
                "{\"Items\":[\"row\"]}",
                "{\"Items\":[[\"1\"]]}",
                "{\"Items\":{}}",
                "{\"Items\":[],\"Items\":[{\"a\":\"1\"}]}",
                "{\"Items\":[],\"Other\":\"x\"}",
                "{\"BatchInput\":{\"model_name\":\"m\"}}",
                "{\"Items\":[],\"BatchInput\":\"m\"}",
                "{\"Items\":[],\"BatchInput\":{\"model_name\":7}}",
                "{}",
                "[]",
                "",
                "{\"Items\":[{\"a\":\"1\"}",
                "{\"Items\":[{\"a\":\"1",
                "{\"Items\":[{\"a\":\"1\",}]}",
                "{\"Items\":[{\"a\":\"1\"}]} x",
                "\uFEFF{\"Items\":[]}")) {
            assertNull(CsvItemsReader.read(event.getBytes(StandardCharsets.UTF_8)), event);
        }
        // the same event in UTF-16, which Jackson detects
        assertNull(CsvItemsReader.read("{\"Items\":[]}".getBytes(StandardCharsets.UTF_16LE)));
        // a name or value past Jackson's limits gets Jackson's error
        assertNull(CsvItemsReader.read(
                ("{\"Items\":[{\"" + "n".repeat(50_001) + "\":\"1\"}]}").getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertSameEvent(BatchEvent expected, BatchEvent actual, String event) {
        assertEquals(expected.model(), actual.model(), event);
        assertEquals(expected.version(), actual.version(), event);
        assertEquals(expected.items().size(), actual.items().size(), event);
        for (String column : COLUMNS) {
            List<Object> want = new ArrayList<>(), got = new ArrayList<>();
            for (int i = 0; i < expected.items().size(); i++) {
                want.add(expected.items().column(column).value(i));
                got.add(actual.items().column(column).value(i));
            }
            assertEquals(want, got, column + " in " + event);
        }
    }
}
