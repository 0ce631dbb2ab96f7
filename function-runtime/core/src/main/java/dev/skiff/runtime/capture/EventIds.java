package dev.skiff.runtime.capture;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Capture records' event ids: 32 hex digits, a random 64-bit prefix per environment and then a
 * counter. Unique per record like SageMaker's UUID eventId, for one counter step per record
 * instead of random bits. The prefix comes from SecureRandom, drawn at the first record and again
 * after a SnapStart restore ({@link #newEnvironment}): environments restored from one snapshot
 * share its prefix and counter, and would otherwise write the same ids.
 */
final class EventIds {
    private static final HexFormat HEX = HexFormat.of();

    private final AtomicLong counter = new AtomicLong();
    private volatile String prefix; // null until the first record: a function that never captures never seeds

    /** A new prefix, for an environment that may share this one's past (a SnapStart restore). */
    void newEnvironment() {
        prefix = null;
    }

    String next() {
        String p = prefix;
        if (p == null) prefix = p = HEX.toHexDigits(Seeds.RANDOM.nextLong());
        return p.concat(HEX.toHexDigits(counter.getAndIncrement()));
    }

    /** Built at its first use: SecureRandom's setup is a cold-start cost only capture should pay. */
    private static final class Seeds {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
