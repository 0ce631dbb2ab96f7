package dev.skiff.gpu.batching;

/**
 * Merges only as far as merging pays: learns, per model version, whether a run one size bigger
 * (or smaller) costs less per row than the current size, and moves there one size at a time.
 * Sizes are powers of two: 1, 2, 3-4, 5-8, ... A model whose batched run is not sublinear in rows
 * (fp32 minilm's padded texts on a CPU) settles at one request per run, exactly batching off; a
 * dense model on a GPU or CPU climbs to maxBatchSize.
 *
 * <p>Each comparison is paired: a run of the neighbouring size (a probe) is compared with the run
 * of the current size just before it, and the ratio of their times per row is averaged over a few
 * pairs. Two runs a moment apart see the same machine, so load that comes and goes over seconds
 * (other processes, a GPU shared with others) cancels out, where averages taken at different
 * moments would not. It starts at 1 row; after each move it measures both neighbours afresh
 * ({@link #SAMPLES} pairs each); once settled, one run in {@link #PROBE_EVERY} + 1 probes a
 * neighbour (alternately), so the limit follows a changing load or machine.
 */
final class LearnedRowLimit implements RowLimit {
    /** Weight of the newest pair in a neighbour's average ratio, once it has {@link #SAMPLES}. */
    static final double WEIGHT = 0.2;
    /** Pairs a neighbour needs before its ratio is trusted. */
    static final int SAMPLES = 3;
    /** Growing needs rows at least this much cheaper (noise must not grow batches that cost). */
    static final double SAVING = 0.1;
    /** Runs of the current size between two probes, once both neighbours are measured. */
    static final int PROBE_EVERY = 32;

    private static final int DOWN = 0, UP = 1;

    private final long maxRows;
    private final int topBucket;
    /** The limit is 2^bucket rows (at most maxRows). */
    private int bucket;
    /** Time per row of the latest run of the current size, when the run just before a probe was one. */
    private double currentPerRow = Double.NaN;
    /** Per direction: the average of (neighbour's time per row / current size's), and its pairs. */
    private final double[] ratio = new double[2];

    private final int[] pairs = new int[2];
    private int runsSinceProbe;
    private boolean probeUp = true;

    LearnedRowLimit(long maxRows) {
        this.maxRows = maxRows;
        this.topBucket = bucketOf(maxRows);
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
        if (Double.isNaN(currentPerRow)) return sizeOf(bucket); // a probe pairs with the run before it
        int probe = probe();
        return probe < 0 ? sizeOf(bucket) : sizeOf(probe == UP ? bucket + 1 : bucket - 1);
    }

    /** The direction to probe now, or -1: a neighbour not yet measured first, else one every PROBE_EVERY runs. */
    private int probe() {
        boolean up = bucket < topBucket, down = bucket > 0;
        if (up && pairs[UP] < SAMPLES) return UP;
        if (down && pairs[DOWN] < SAMPLES) return DOWN;
        if (runsSinceProbe < PROBE_EVERY || !(up || down)) return -1;
        return up && (probeUp || !down) ? UP : DOWN;
    }

    @Override
    public void ran(long rows, long nanos) {
        if (rows <= 0) return;
        int b = Math.min(bucketOf(rows), topBucket);
        double perRow = (double) nanos / rows;
        if (b == bucket) {
            currentPerRow = perRow;
            runsSinceProbe++;
            return;
        }
        boolean paired = !Double.isNaN(currentPerRow) && Math.abs(b - bucket) == 1;
        double current = currentPerRow;
        currentPerRow = Double.NaN; // the next probe pairs with a fresh run of the current size
        if (!paired) return; // a short queue ran fewer rows: it says nothing about the neighbours
        int direction = b > bucket ? UP : DOWN;
        double weight = Math.max(WEIGHT, 1.0 / (pairs[direction] + 1)); // a plain mean at first
        ratio[direction] = (1 - weight) * ratio[direction] + weight * (perRow / current);
        pairs[direction]++;
        if (runsSinceProbe >= PROBE_EVERY) {
            runsSinceProbe = 0;
            probeUp = !probeUp;
        }
        settle();
    }

    /** One size up when its rows are clearly cheaper; one down when the smaller size's are no dearer. */
    private void settle() {
        if (bucket < topBucket && pairs[UP] >= SAMPLES && ratio[UP] < 1 - SAVING) {
            moveTo(bucket + 1);
        } else if (bucket > 0 && pairs[DOWN] >= SAMPLES && ratio[DOWN] <= 1) {
            moveTo(bucket - 1);
        }
    }

    /** Ratios were to the old size: both neighbours are measured afresh. */
    private void moveTo(int next) {
        bucket = next;
        currentPerRow = Double.NaN;
        pairs[UP] = pairs[DOWN] = 0;
        ratio[UP] = ratio[DOWN] = 0;
        runsSinceProbe = 0;
    }

    @Override
    public String toString() {
        return "up to the learned batch size (now " + sizeOf(bucket) + ") of " + maxRows + " rows";
    }
}
