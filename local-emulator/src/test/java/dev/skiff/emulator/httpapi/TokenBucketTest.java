package dev.skiff.emulator.httpapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

/** The token bucket on a clock the test moves: the burst, then the rate, never more. */
class TokenBucketTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void aFullBucketTakesTheBurstThenRefillsAtTheRate() {
        TokenBucket bucket = new TokenBucket(100, 200, now::get);
        int taken = 0;
        for (int i = 0; i < 300; i++) {
            if (bucket.tryTake()) taken++;
        }
        assertEquals(200, taken, "the burst at once");
        now.addAndGet(10_000_000L); // 10 ms: one token at 100/s
        assertTrue(bucket.tryTake());
        assertFalse(bucket.tryTake());
    }

    @Test
    void aSteadyRunAboveTheRateIsAdmittedAtBurstPlusRateTimesDuration() {
        // the run: 242 requests a second for 4 s against rate 100, burst 200
        TokenBucket bucket = new TokenBucket(100, 200, now::get);
        long interval = 1_000_000_000L / 242;
        int admitted = 0;
        int requests = 968;
        for (int i = 0; i < requests; i++) {
            if (bucket.tryTake()) admitted++;
            now.addAndGet(interval);
        }
        double seconds = requests * interval / 1e9;
        int expected = (int) Math.floor(200 + 100 * seconds);
        assertTrue(Math.abs(admitted - expected) <= 1, admitted + " admitted, expected " + expected);
        assertTrue(requests - admitted >= 360, (requests - admitted) + " throttled");
    }

    @Test
    void theBucketNeverHoldsMoreThanItsBurst() {
        TokenBucket bucket = new TokenBucket(1000, 5, now::get);
        now.addAndGet(60_000_000_000L);
        int taken = 0;
        while (bucket.tryTake()) taken++;
        assertEquals(5, taken);
    }
}
