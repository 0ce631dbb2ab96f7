package dev.skiff.emulator.lambda;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The X-Ray header every invocation carries: the shape the official runtime clients parse. */
class TraceIdTest {
    @Test
    void rootHasTheEpochSecondsAndRandomParts() {
        String trace = Invoker.traceId();
        assertTrue(trace.matches("Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0"), trace);
        long seconds = Long.parseLong(trace.substring(7, 15), 16);
        assertTrue(Math.abs(seconds - System.currentTimeMillis() / 1000) < 60, trace);
        assertNotEquals(trace, Invoker.traceId());
    }
}
