package dev.skiff.deployer.report;

import static java.lang.String.format;

/** Human-readable sizes and durations for reports. */
public final class Sizes {
    private Sizes() {}

    public static String bytes(long bytes) {
        if (bytes < 1024) return bytes + " B";
        if (bytes < 1024 * 1024) return format("%.1f KB", bytes / 1024.0);
        if (bytes < 10L * 1024 * 1024 * 1024) return format("%.1f MB", bytes / (1024.0 * 1024));
        return format("%.2f GB", bytes / (1024.0 * 1024 * 1024));
    }

    public static String millis(double ms) {
        if (ms >= 10_000) return format("%.1f s", ms / 1000);
        if (ms >= 100) return format("%,.0f ms", ms);
        if (ms >= 1) return format("%.1f ms", ms);
        return format("%.3f ms", ms);
    }

    public static String count(long n) {
        if (n >= 1_000_000) return format("%.1fM", n / 1e6);
        if (n >= 10_000) return format("%.0fk", n / 1e3);
        return Long.toString(n);
    }
}
