package dev.skiff.gpu.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.LongUnaryOperator;

/** The learned batch size, fed made-up run times (no clock, no timing). */
class LearnedRowLimitTest {
    static final long MS = 1_000_000;

    /** A GPU-like or dense model: a fixed cost per run plus a little per row, so bigger runs are cheaper per row. */
    static final LongUnaryOperator SUBLINEAR = rows -> 10 * MS + rows * MS;
    /** Padded texts on a CPU: each row costs more in a bigger run (longer padding, more attention). */
    static final LongUnaryOperator SUPERLINEAR = rows -> rows * 10 * MS + rows * rows * MS / 2;

    @Test
    void nothingIsMergedBeforeOneRowIsMeasured() {
        assertEquals(1, new LearnedRowLimit(32).rows());
    }

    @Test
    void aSublinearModelClimbsToMaxBatchSize() {
        LearnedRowLimit limit = new LearnedRowLimit(32);
        List<Long> sizes = run(limit, SUBLINEAR, 200);
        Map<Long, Integer> last = counts(sizes.subList(100, 200));
        assertEquals(32, mostCommon(last));
        assertTrue(last.get(32L) >= 90, "all but the probes run 32 rows: " + last);
        assertTrue(last.keySet().stream().allMatch(s -> s == 16 || s == 32), "probes only one size down: " + last);
    }

    @Test
    void aModelWhoseRowsCostMoreInABatchRunsOneRequestAtATime() {
        LearnedRowLimit limit = new LearnedRowLimit(32);
        List<Long> sizes = run(limit, SUPERLINEAR, 330);
        Map<Long, Integer> last = counts(sizes.subList(10, 330));
        assertEquals(1, mostCommon(last));
        assertTrue(last.get(1L) >= 300, "about one probe in " + (LearnedRowLimit.PROBE_EVERY + 1) + " runs: " + last);
        assertTrue(last.keySet().stream().allMatch(s -> s <= 2), "probes only one size up: " + last);
    }

    @Test
    void itStopsWhereRowsStopGettingCheaper() {
        // per row: 1 row 20 ms, 2 rows 11, 4 rows 7, 8 rows 6.9 (not 10% less), 16 rows 9 ...
        LongUnaryOperator cost = rows -> switch ((int) rows) {
            case 1 -> 20 * MS;
            case 2 -> 22 * MS;
            case 4 -> 28 * MS;
            case 8 -> 55 * MS;
            default -> rows * 9 * MS;
        };
        LearnedRowLimit limit = new LearnedRowLimit(64);
        List<Long> sizes = run(limit, cost, 200);
        assertEquals(4, mostCommon(counts(sizes.subList(100, 200))));
    }

    @Test
    void coldFirstRunsDoNotKeepALimitWhereMergingCosts() {
        // the first runs (one row each, as it starts) are ten times dearer: the JIT and caches are cold;
        // every run is off by up to 40% either way, as on a busy machine (seeded: the same every time)
        LearnedRowLimit limit = new LearnedRowLimit(32);
        long[] run = {0};
        Random noise = new Random(20261206);
        LongUnaryOperator cost = rows ->
                (long) (SUPERLINEAR.applyAsLong(rows) * (run[0]++ < 3 ? 10 : 1) * (0.6 + 0.8 * noise.nextDouble()));
        List<Long> sizes = run(limit, cost, 300);
        Map<Long, Integer> after = counts(sizes.subList(100, 300)); // two probe cycles on
        assertEquals(1, mostCommon(after));
        assertTrue(after.get(1L) >= 150, "the cold first runs no longer decide: " + after);
    }

    @Test
    void itFollowsCostsThatChange() {
        LearnedRowLimit limit = new LearnedRowLimit(32);
        run(limit, SUBLINEAR, 200);
        assertEquals(32, limit.rows());
        List<Long> sizes = run(limit, SUPERLINEAR, 1000); // the probes one size down find cheaper rows
        assertEquals(1, mostCommon(counts(sizes.subList(800, 1000))));
        sizes = run(limit, SUBLINEAR, 1000); // and the probes one size up find them again
        assertEquals(32, mostCommon(counts(sizes.subList(800, 1000))));
    }

    @Test
    void aMaxBatchSizeThatIsNoPowerOfTwoIsReached() {
        LearnedRowLimit limit = new LearnedRowLimit(24);
        List<Long> sizes = run(limit, SUBLINEAR, 200);
        assertEquals(24, mostCommon(counts(sizes.subList(100, 200))));
    }

    @Test
    void theSchedulerTakesOnlyAsManyRowsAsTheLimitAllows() {
        Queued a = SchedulerTest.queued(1, 2, 0), b = SchedulerTest.queued(1, 2, 0), c = SchedulerTest.queued(1, 2, 0);
        Scheduler learning = new BatchPolicy(true, 64, true, 0, 256).scheduler();
        assertEquals(
                List.of(a), learning.next(new ArrayDeque<>(List.of(a, b, c)), 0).batch());
        Scheduler fixed = new BatchPolicy(true, 64, false, 0, 256).scheduler();
        assertEquals(
                List.of(a, b, c),
                fixed.next(new ArrayDeque<>(List.of(a, b, c)), 0).batch());
    }

    @Test
    void bucketsArePowersOfTwo() {
        assertEquals(0, LearnedRowLimit.bucketOf(1));
        assertEquals(1, LearnedRowLimit.bucketOf(2));
        assertEquals(2, LearnedRowLimit.bucketOf(3));
        assertEquals(2, LearnedRowLimit.bucketOf(4));
        assertEquals(3, LearnedRowLimit.bucketOf(5));
        assertEquals(5, LearnedRowLimit.bucketOf(32));
    }

    /** A queue that always holds more rows than the limit: each run takes exactly the limit. */
    private static List<Long> run(LearnedRowLimit limit, LongUnaryOperator cost, int runs) {
        List<Long> sizes = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long rows = limit.rows();
            sizes.add(rows);
            limit.ran(rows, cost.applyAsLong(rows));
        }
        return sizes;
    }

    private static Map<Long, Integer> counts(List<Long> sizes) {
        Map<Long, Integer> counts = new TreeMap<>();
        for (long size : sizes) counts.merge(size, 1, Integer::sum);
        return counts;
    }

    private static long mostCommon(Map<Long, Integer> counts) {
        return counts.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .orElseThrow()
                .getKey();
    }
}
