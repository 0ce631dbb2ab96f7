package dev.skiff.gpu.batching;

/**
 * Merges only as far as merging pays: learns, per model version, the run time per row at each batch
 * size (sizes bucketed by powers of two: 1, 2, 3-4, 5-8, ...; a moving average per bucket) and
 * climbs to the next size only while its rows cost clearly less than the current size's. A model
 * whose batched run is not sublinear in rows (fp32 minilm's padded texts on a CPU) settles at one
 * request per run, exactly batching off; a dense model on a GPU or CPU climbs to maxBatchSize.
 *
 * <p>It starts at 1 row and measures each size before it trusts it, so it needs no warm-up guess.
 * Once settled, every {@link #PROBE_EVERY}th run takes one size more or one less (alternately), so
 * the neighbours' costs stay fresh and the limit follows a changing load or machine. An average
 * not fed for longer than two probe cycles (the cold first runs, above all) starts afresh, and a
 * probe repeats until its size is measured again and while its runs say moving pays, so a stale
 * or cold average never holds the limit where it does not pay.
 */
final class LearnedRowLimit implements RowLimit {
    /** Weight of the newest run in a bucket's moving average. */
    static final double WEIGHT = 0.2;
    /** Runs a bucket needs before its cost is compared. */
    static final int SAMPLES = 3;
    /** Growing needs rows at least this much cheaper (run-time noise must not grow batches that cost). */
    static final double SAVING = 0.1;
    /** Settled runs between two probes of a neighbouring size. */
    static final int PROBE_EVERY = 32;

    private final long maxRows;
    private final int topBucket;
    private final double[] nanosPerRow;
    private final int[] samples;
    /** The run count at each bucket's latest sample: an average older than a probe cycle starts afresh. */
    private final long[] sampledAt;

    private long runs;
    /** The limit is 2^bucket rows (at most maxRows). */
    private int bucket;

    private int runsSinceProbe;
    private boolean probeUp = true;

    LearnedRowLimit(long maxRows) {
        this.maxRows = maxRows;
        this.topBucket = bucketOf(maxRows);
        this.nanosPerRow = new double[topBucket + 1];
        this.samples = new int[topBucket + 1];
        this.sampledAt = new long[topBucket + 1];
    }

    /** 0 for 1 row, k for rows in (2^(k-1), 2^k]. */
    static int bucketOf(long rows) {
        return rows <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(rows - 1);
    }

    private long sizeOf(int bucket) {
        return Math.min(1L << bucket, maxRows);
    }

    @Override
    public long rows() {
        if (samples[bucket] < SAMPLES) return sizeOf(bucket); // measure where we stand first
        if (bucket < topBucket && samples[bucket + 1] < SAMPLES) return sizeOf(bucket + 1); // then the next size
        if (runsSinceProbe >= PROBE_EVERY) return sizeOf(probeUp() ? bucket + 1 : bucket - 1);
        return sizeOf(bucket);
    }

    @Override
    public void ran(long rows, long nanos) {
        if (rows <= 0) return;
        int b = Math.min(bucketOf(rows), topBucket);
        double perRow = (double) nanos / rows;
        runs++;
        // a stale average (a cold start, another load) must not decide: it restarts from fresh runs
        if (runs - sampledAt[b] > 2L * PROBE_EVERY + SAMPLES) samples[b] = 0;
        sampledAt[b] = runs;
        double weight = Math.max(WEIGHT, 1.0 / (samples[b] + 1)); // a plain mean until 1/WEIGHT runs
        nanosPerRow[b] = (1 - weight) * nanosPerRow[b] + weight * perRow;
        samples[b]++;
        if (runsSinceProbe < PROBE_EVERY) {
            runsSinceProbe++;
        } else if (b == bucket || (measured(b) && !movingPays(b, perRow))) { // the probe is done
            runsSinceProbe = 0;
            probeUp = !probeUp;
        } // else probe again at once: until the probed size is measured afresh, and while moving there pays
        settle();
    }

    /** Whether one run of bucket {@code b} says the limit should move there. */
    private boolean movingPays(int b, double perRow) {
        if (b > bucket) return perRow < (1 - SAVING) * nanosPerRow[bucket];
        if (b < bucket) return perRow <= nanosPerRow[bucket];
        return false;
    }

    /** Whether the next probe takes one size more: alternately, where both neighbours exist. */
    private boolean probeUp() {
        if (bucket == 0) return true;
        if (bucket == topBucket) return false;
        return probeUp;
    }

    /** One step up while the next size is clearly cheaper per row, one down while this one is not cheaper. */
    private void settle() {
        if (!measured(bucket)) return;
        if (bucket < topBucket
                && measured(bucket + 1)
                && nanosPerRow[bucket + 1] < (1 - SAVING) * nanosPerRow[bucket]) {
            bucket++;
        } else if (bucket > 0 && measured(bucket - 1) && nanosPerRow[bucket] >= nanosPerRow[bucket - 1]) {
            bucket--;
        }
    }

    private boolean measured(int b) {
        return samples[b] >= SAMPLES;
    }

    @Override
    public String toString() {
        return "up to the learned batch size (now " + sizeOf(bucket) + ") of " + maxRows + " rows";
    }
}
