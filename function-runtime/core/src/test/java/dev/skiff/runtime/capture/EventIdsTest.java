package dev.skiff.runtime.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

class EventIdsTest {
    @Test
    void idsAre32HexDigitsAndUnique() {
        EventIds ids = new EventIds();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = ids.next();
            assertTrue(id.matches("[0-9a-f]{32}"), id);
            assertTrue(seen.add(id), "repeated " + id);
        }
    }

    /** A SnapStart restore: the counter goes on from the snapshot's, so only a new prefix keeps ids apart. */
    @Test
    void aNewEnvironmentDrawsANewPrefix() {
        EventIds ids = new EventIds();
        String before = ids.next();
        ids.newEnvironment();
        String after = ids.next();
        assertNotEquals(before.substring(0, 16), after.substring(0, 16));
        assertEquals(1, Long.parseUnsignedLong(after.substring(16), 16), "the counter goes on");
    }

    @Test
    void twoEnvironmentsHaveTheirOwnPrefixes() {
        assertNotEquals(
                new EventIds().next().substring(0, 16), new EventIds().next().substring(0, 16));
    }
}
