package dev.skiff.gpu.batching;

import java.util.Collection;
import java.util.List;

/**
 * Chooses what an idle worker runs next from its version's queue. Called under the queue's lock,
 * so an implementation may keep state without locks of its own.
 */
interface Scheduler {

    /**
     * The next run's requests, or a time to wait until (new arrivals wake the worker earlier).
     *
     * @param queue the queued requests, oldest first; never empty
     */
    Decision next(Collection<Queued> queue, long nowNanos);

    /** A run it chose took {@code rows} rows and {@code nanos}; also called under the queue's lock. */
    default void ran(long rows, long nanos) {}

    /** Either a batch to run now, or how long to let it form. */
    record Decision(List<Queued> batch, long waitUntilNanos) {
        static Decision run(List<Queued> batch) {
            return new Decision(List.copyOf(batch), 0);
        }

        static Decision waitUntil(long nanos) {
            return new Decision(List.of(), nanos);
        }

        boolean runsNow() {
            return !batch.isEmpty();
        }
    }
}
