package dev.skiff.gpu.batching;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Dynamic batching that never idles a worker for nothing: the oldest request runs at once with
 * every queued request that can share its run (same {@link RowBatch.Shape#key()}), up to its
 * {@link RowLimit}: maxBatchSize rows, or the size past which merging stops paying
 * ({@link LearnedRowLimit}, the default). While that run goes on, new requests queue up and form the next batch, so
 * batches grow with the load by themselves.
 *
 * <p>A configured maxQueueDelay only bounds how long a worker may hold a batch back, and it holds
 * one back only while a fuller batch is still forming: the batch has fewer rows than the previous
 * run took (the load just brought that many; before the first run, maxBatchSize) and than its
 * row limit, and requests keep coming (the oldest arrived within maxQueueDelay of the previous
 * run). So a request after a quiet spell runs at once, and a closed loop of clients never waits
 * out the window once all of them are queued.
 */
final class WorkConservingBatching implements Scheduler {
    private final RowLimit limit;
    private final long maxQueueDelayNanos;
    /** Rows the previous run took: how full a batch the current load forms. */
    private long lastRows;
    /** When the previous run was chosen; a request queued long after it arrived in a quiet spell. */
    private long lastRunNanos;

    private boolean ranBefore;

    WorkConservingBatching(long maxBatchRows, long maxQueueDelayNanos) {
        this(RowLimit.fixed(maxBatchRows), maxQueueDelayNanos);
    }

    WorkConservingBatching(RowLimit limit, long maxQueueDelayNanos) {
        this.limit = limit;
        this.maxQueueDelayNanos = maxQueueDelayNanos;
        this.lastRows = Long.MAX_VALUE; // nothing known of the load yet
    }

    @Override
    public Decision next(Collection<Queued> queue, long nowNanos) {
        Iterator<Queued> queued = queue.iterator();
        Queued first = queued.next();
        List<Queued> batch = new ArrayList<>();
        batch.add(first);
        long rows = first.rows();
        long maxBatchRows = limit.rows();
        if (first.shape != null) {
            while (queued.hasNext() && rows < maxBatchRows) {
                Queued next = queued.next();
                if (next.shape != null
                        && next.shape.key().equals(first.shape.key())
                        && rows + next.rows() <= maxBatchRows) {
                    batch.add(next);
                    rows += next.rows();
                }
            }
        }
        long deadline = first.enqueuedNanos + maxQueueDelayNanos;
        boolean busy = !ranBefore || first.enqueuedNanos - lastRunNanos <= maxQueueDelayNanos;
        boolean fullerBatchForming = busy && first.shape != null && rows < Math.min(lastRows, maxBatchRows);
        if (fullerBatchForming && nowNanos - deadline < 0) return Decision.waitUntil(deadline);
        lastRows = rows;
        lastRunNanos = nowNanos;
        ranBefore = true;
        return Decision.run(batch);
    }

    @Override
    public void ran(long rows, long nanos) {
        limit.ran(rows, nanos);
    }

    @Override
    public String toString() {
        return "work-conserving batching " + limit
                + (maxQueueDelayNanos == 0
                        ? ""
                        : ", holding a forming batch up to " + TimeUnit.NANOSECONDS.toMillis(maxQueueDelayNanos)
                                + " ms");
    }
}
