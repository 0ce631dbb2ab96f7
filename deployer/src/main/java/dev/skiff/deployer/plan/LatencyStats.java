package dev.skiff.deployer.plan;

import java.util.Arrays;

/** Latency of one request shape over a few runs; nearest-rank percentiles, so with 20 runs p99 is the slowest. */
public record LatencyStats(int rows, int runs, double p50Ms, double p99Ms) {

    public static LatencyStats of(int rows, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new LatencyStats(rows, sorted.length, percentile(sorted, 50) / 1e6, percentile(sorted, 99) / 1e6);
    }

    private static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
