package dev.skiff.monitoring.data;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** A window's length as people write it on a command line or in a schedule: 30m, 24h, 7d. */
public final class Since {
    private Since() {}

    public static Duration parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (value.length() >= 2) {
            char unit = value.charAt(value.length() - 1);
            try {
                long amount = Long.parseLong(value.substring(0, value.length() - 1));
                if (amount > 0) {
                    switch (unit) {
                        case 'm' -> {
                            return Duration.ofMinutes(amount);
                        }
                        case 'h' -> {
                            return Duration.ofHours(amount);
                        }
                        case 'd' -> {
                            return Duration.ofDays(amount);
                        }
                        default -> {}
                    }
                }
            } catch (NumberFormatException e) {
                // said below
            }
        }
        throw new IllegalArgumentException(
                "a window is a positive number of minutes, hours or days (30m, 24h, 7d), not '" + text + "'");
    }

    /** The start of a window of {@code length} that ends now. */
    public static Instant start(String length, Instant now) {
        return now.minus(parse(length));
    }
}
