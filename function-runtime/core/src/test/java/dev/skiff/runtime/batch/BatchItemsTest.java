package dev.skiff.runtime.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.skiff.runtime.protocol.ProtocolException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A decoded batch read by column: items with other, fewer or more columns, nulls and repeated names. */
class BatchItemsTest {
    static BatchItems decode(String items) {
        byte[] event = ("{\"Items\": [" + items + "], \"BatchInput\": {\"model_name\": \"m\"}}")
                .getBytes(StandardCharsets.UTF_8);
        return BatchEvent.decode(event).items();
    }

    @Test
    void eachColumnReadsEveryItemsValueOrMissing() {
        BatchItems items = decode(
                "{\"a\": \"1\", \"b\": 2}, {\"b\": null}, {}, [1, 2], {\"c\": true, \"a\": \"x\", \"a\": \"y\"}, \"s\"");
        assertEquals(6, items.size());
        BatchItems.Column a = items.column("a"), b = items.column("b"), c = items.column("c");
        assertEquals("1", a.value(0));
        assertEquals(2L, b.value(0));
        assertSame(BatchItems.MISSING, a.value(1));
        assertNull(b.value(1), "JSON null is null, not missing");
        assertSame(BatchItems.MISSING, a.value(2));
        assertSame(BatchItems.MISSING, a.value(3), "an item that is not an object has no columns");
        assertEquals("y", a.value(4), "a repeated name keeps its last value, as a JSON object does");
        assertEquals(Boolean.TRUE, c.value(4));
        assertSame(BatchItems.MISSING, c.value(0), "a column first seen in a later item is missing in earlier ones");
        assertSame(BatchItems.MISSING, b.value(5));
        assertSame(BatchItems.MISSING, items.column("nowhere").value(0));
    }

    @Test
    void mapsReadTheSameWay() {
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("b", null);
        BatchItems items = BatchItems.of(List.of(Map.of("a", "1"), withNull));
        assertEquals("1", items.column("a").value(0));
        assertSame(BatchItems.MISSING, items.column("a").value(1));
        assertNull(items.column("b").value(1));
    }

    @Test
    void anItemsArrayThatIsNotAnArrayOrNotJsonIsRefused() {
        assertEquals("\"Items\" must be an array", assertThrowsMessage("{\"Items\": {}}"));
        assertEquals(true, assertThrowsMessage("{\"Items\": [{\"a\": 1}").startsWith("the batch is not valid JSON"));
        assertEquals(true, assertThrowsMessage("[]").startsWith("a batch must be a JSON object"));
    }

    private static String assertThrowsMessage(String event) {
        return org.junit.jupiter.api.Assertions.assertThrows(
                        ProtocolException.class, () -> BatchEvent.decode(event.getBytes(StandardCharsets.UTF_8)))
                .getMessage();
    }
}
