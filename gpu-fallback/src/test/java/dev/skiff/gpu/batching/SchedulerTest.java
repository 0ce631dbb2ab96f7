package dev.skiff.gpu.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.protocol.InferRequest;
import dev.skiff.runtime.protocol.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;

/** The schedulers' choices, on a made-up clock (nanoseconds as plain numbers). */
class SchedulerTest {
    static final long MS = 1_000_000;

    @Test
    void withoutADelayTheOldestRunsAtOnceWithEveryCompatibleRequestInOrder() {
        Scheduler scheduler = new WorkConservingBatching(64, 0);
        Queued a = queued(1, 2, 0), wide = queued(1, 3, 1), b = queued(2, 2, 2), c = queued(1, 2, 3);
        Scheduler.Decision decision = scheduler.next(queue(a, wide, b, c), 3);
        assertEquals(List.of(a, b, c), decision.batch());
    }

    @Test
    void aBatchStopsAtMaxBatchSizeRows() {
        Scheduler scheduler = new WorkConservingBatching(4, 0);
        Queued a = queued(2, 2, 0), b = queued(3, 2, 0), c = queued(2, 2, 0);
        assertEquals(List.of(a, c), scheduler.next(queue(a, b, c), 0).batch());
    }

    @Test
    void aRequestThatCannotMergeRunsAlone() {
        Scheduler scheduler = new WorkConservingBatching(64, 5 * MS);
        Queued lone = new Queued(request(1, 2), null, 0);
        assertEquals(
                List.of(lone), scheduler.next(queue(lone, queued(1, 2, 0)), 0).batch());
    }

    @Test
    void aConfiguredDelayIsOnlyAnUpperBound() {
        Scheduler scheduler = new WorkConservingBatching(64, 5 * MS);
        Queued a = queued(1, 2, 10 * MS);
        Scheduler.Decision early = scheduler.next(queue(a), 11 * MS);
        assertFalse(early.runsNow(), "nothing is known of the load yet: a fuller batch may form");
        assertEquals(15 * MS, early.waitUntilNanos());
        assertEquals(List.of(a), scheduler.next(queue(a), 15 * MS).batch());
    }

    @Test
    void aBatchAsFullAsThePreviousRunsAtOnce() {
        Scheduler scheduler = new WorkConservingBatching(64, 5 * MS);
        scheduler.next(queue(queued(1, 2, 0), queued(1, 2, 0), queued(1, 2, 0)), 5 * MS); // 3 rows ran
        Queued a = queued(2, 2, 6 * MS), b = queued(1, 2, 6 * MS);
        assertEquals(List.of(a, b), scheduler.next(queue(a, b), 6 * MS).batch());
    }

    @Test
    void aSmallerBatchWaitsOnlyWhileTheLoadKeepsComingAndUpToTheDelay() {
        Scheduler scheduler = new WorkConservingBatching(64, 5 * MS);
        scheduler.next(queue(queued(3, 2, 0)), 5 * MS); // 3 rows ran at 5 ms

        Queued soon = queued(1, 2, 6 * MS); // within the delay of that run: the load is still coming
        Scheduler.Decision held = scheduler.next(queue(soon), 6 * MS);
        assertFalse(held.runsNow());
        assertEquals(11 * MS, held.waitUntilNanos());
        assertEquals(List.of(soon), scheduler.next(queue(soon), 11 * MS).batch()); // the bound: it runs alone

        Queued next = queued(1, 2, 12 * MS); // the previous run took 1 row: nothing fuller is forming
        assertEquals(List.of(next), scheduler.next(queue(next), 12 * MS).batch());
    }

    @Test
    void aRequestAfterAQuietSpellRunsAtOnce() {
        Scheduler scheduler = new WorkConservingBatching(64, 5 * MS);
        scheduler.next(queue(queued(8, 2, 0)), 5 * MS); // 8 rows ran at 5 ms
        Queued late = queued(1, 2, 500 * MS);
        assertEquals(List.of(late), scheduler.next(queue(late), 500 * MS).batch());
    }

    @Test
    void offRunsTheOldestAloneWhateverIsQueued() {
        Scheduler off = new OneRequestPerRun();
        Queued a = queued(1, 2, 0);
        Scheduler.Decision decision = off.next(queue(a, queued(1, 2, 0), queued(1, 2, 0)), 0);
        assertTrue(decision.runsNow());
        assertEquals(1, decision.batch().size());
        assertSame(a, decision.batch().get(0));
    }

    @Test
    void thePolicyPicksTheScheduler() {
        assertTrue(new BatchPolicy(true, 8, true, 0, 16).scheduler() instanceof WorkConservingBatching);
        assertTrue(new BatchPolicy(false, 8, true, 0, 16).scheduler() instanceof OneRequestPerRun);
    }

    private static ArrayDeque<Queued> queue(Queued... queued) {
        return new ArrayDeque<>(List.of(queued));
    }

    /** A request of {@code rows} rows of {@code width} floats, queued at {@code atNanos}. */
    static Queued queued(int rows, int width, long atNanos) {
        InferRequest request = request(rows, width);
        return new Queued(request, RowBatch.shapeOf(request), atNanos);
    }

    static InferRequest request(int rows, int width) {
        Tensor x = Tensor.ofFloats("x", new long[] {rows, width}, new float[rows * width]);
        return new InferRequest(null, Map.of(), List.of(x), List.of(), false);
    }
}
