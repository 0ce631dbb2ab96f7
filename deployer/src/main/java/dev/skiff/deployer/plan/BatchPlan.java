package dev.skiff.deployer.plan;

import dev.skiff.runtime.contract.Target;
import dev.skiff.runtime.model.BatchColumns;
import dev.skiff.runtime.model.ModelConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * How a batch-enabled model's Distributed Map batches its items (ItemBatcher) and how many child
 * executions run at once.
 *
 * @param maxItemsPerBatch      items one invocation gets at most: what the function scores in a third
 *                              of its timeout, in whole model runs, and no more than the byte limit could
 *                              hold; ItemBatcher stops a batch at whichever limit comes first
 * @param maxInputBytesPerBatch Step Functions' limit on a child execution's input
 * @param maxConcurrency        child executions at once
 */
public record BatchPlan(int maxItemsPerBatch, int maxInputBytesPerBatch, int maxConcurrency) {
    /** A child workflow's input, and so one batch, may be at most 256 KiB. */
    public static final int MAX_INPUT_BYTES_PER_BATCH = 262_144;
    /** Leaves most of a new account's 1,000 concurrent Lambda executions to real-time traffic. */
    public static final int DEFAULT_MAX_CONCURRENCY = 100;
    /** Items per batch when nothing was measured: what 256 KiB holds of a CSV row of some ten numbers. */
    public static final int DEFAULT_MAX_ITEMS_PER_BATCH = 1000;
    /** Batches in flight at once on the GPU pool: a few per task keep its GPUs busy, more only queue. */
    public static final int POOL_MAX_CONCURRENCY = 8;
    /** The shortest value: items with longer values, or columns the model does not read, meet the byte limit first. */
    static final int VALUE_CHARS = 1;

    public BatchPlan {
        if (maxItemsPerBatch < 1) throw new IllegalArgumentException("at least one item per batch");
        if (maxInputBytesPerBatch < 1 || maxInputBytesPerBatch > MAX_INPUT_BYTES_PER_BATCH) {
            throw new IllegalArgumentException("a batch is 1 to " + MAX_INPUT_BYTES_PER_BATCH + " bytes");
        }
        if (maxConcurrency < 1 || maxConcurrency > 10_000) {
            throw new IllegalArgumentException("a Distributed Map runs 1 to 10,000 child executions at once");
        }
    }

    /** The defaults, for a model whose batch figures were not planned (sam/template.yaml's examples). */
    public static BatchPlan defaults() {
        return new BatchPlan(DEFAULT_MAX_ITEMS_PER_BATCH, MAX_INPUT_BYTES_PER_BATCH, DEFAULT_MAX_CONCURRENCY);
    }

    /** The plan's batching for a model whose config has a "batch" section; null otherwise. */
    static BatchPlan of(ModelPlan plan) {
        ModelConfig config = plan.model().config();
        if (config.batch() == null) return null;
        if (plan.target() == Target.GPU_POOL) return onPool(config.batch(), config.maxBatchSize());
        Double p99MaxBatchMs = plan.chosen() == null ? null : plan.chosen().p99MaxBatchMs();
        return of(config.batch(), config.maxBatchSize(), p99MaxBatchMs, plan.timeoutSeconds());
    }

    /**
     * A model on the GPU pool: no function timeout bounds its batch, so 256 KiB of whole model runs,
     * and few batches at once, which the pool's tasks queue and batch among themselves.
     */
    static BatchPlan onPool(BatchColumns columns, int maxBatchSize) {
        BatchPlan byBytes = of(columns, maxBatchSize, null, 0);
        return new BatchPlan(byBytes.maxItemsPerBatch(), MAX_INPUT_BYTES_PER_BATCH, POOL_MAX_CONCURRENCY);
    }

    /**
     * @param p99MaxBatchMs the p99 of one model run of maxBatchSize rows at the chosen memory, or null when
     *     not profiled
     */
    static BatchPlan of(BatchColumns columns, int maxBatchSize, Double p99MaxBatchMs, int timeoutSeconds) {
        long byBytes = MAX_INPUT_BYTES_PER_BATCH / itemBytes(columns);
        long byTime = Long.MAX_VALUE;
        if (p99MaxBatchMs != null && p99MaxBatchMs > 0) {
            // the timeout is three times a max-batch p99 for a real-time request; a batch keeps the same headroom
            double runs = timeoutSeconds * 1000.0 / 3 / p99MaxBatchMs;
            byTime = (long) Math.max(1, Math.floor(runs)) * maxBatchSize;
        }
        long items = Math.min(byBytes, byTime);
        if (items >= maxBatchSize) items -= items % maxBatchSize; // whole model runs
        return new BatchPlan(
                (int) Math.max(1, Math.min(items, Integer.MAX_VALUE)),
                MAX_INPUT_BYTES_PER_BATCH,
                DEFAULT_MAX_CONCURRENCY);
    }

    /** The smallest an item can be as ItemReader writes it, {"name":"v",...}, with the columns the model reads. */
    static int itemBytes(BatchColumns columns) {
        List<String> names = new ArrayList<>(columns.requiredColumns());
        names.addAll(columns.passThrough());
        int bytes = 2;
        for (String name : names) bytes += name.length() + VALUE_CHARS + 6; // two pairs of quotes, colon, comma
        return bytes;
    }
}
