package dev.skiff.gpu.batching;

import dev.skiff.runtime.model.ModelConfig;
import dev.skiff.runtime.model.ModelVersion;
import dev.skiff.runtime.protocol.TensorSpec;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How one model version's requests are batched (docs/model-repository.md).
 *
 * @param mergesRequests whether different requests may share one model run
 * @param maxBatchRows   rows per run (the config's maxBatchSize)
 * @param adaptiveBatchSize whether runs merge only up to the size where rows still get cheaper
 *     ({@link LearnedRowLimit}); false: always up to maxBatchRows
 * @param maxQueueDelayNanos the most a forming batch may be held back (0: never, the default)
 * @param queueCapacity  queued requests beyond which the version answers 503
 */
public record BatchPolicy(
        boolean mergesRequests,
        long maxBatchRows,
        boolean adaptiveBatchSize,
        long maxQueueDelayNanos,
        int queueCapacity) {

    /**
     * Requests are merged only when batching is on, the config says rows do not depend on each
     * other (batchInvariant), and every input and output has a batch dimension to concatenate on.
     */
    public static BatchPolicy of(ModelVersion version, boolean batchingEnabled) {
        ModelConfig config = version.config();
        boolean merges = batchingEnabled
                && config.batchInvariant()
                && config.maxBatchSize() > 1
                && allBatched(version.inputs())
                && allBatched(version.outputs());
        return new BatchPolicy(
                merges,
                config.maxBatchSize(),
                config.adaptiveBatchSize(),
                TimeUnit.MILLISECONDS.toNanos(config.maxQueueDelayMs()),
                config.queueCapacity());
    }

    /** A fresh scheduler for one version's queue: work-conserving batching when requests merge, else one by one. */
    Scheduler scheduler() {
        if (!mergesRequests) return new OneRequestPerRun();
        RowLimit limit = adaptiveBatchSize ? new LearnedRowLimit(maxBatchRows) : RowLimit.fixed(maxBatchRows);
        return new WorkConservingBatching(limit, maxQueueDelayNanos);
    }

    /** Why a version's requests run one by one, for the load log; null when they are merged. */
    public static String whyUnmerged(ModelVersion version, boolean batchingEnabled) {
        ModelConfig config = version.config();
        if (!batchingEnabled) return "batching is off for this server";
        if (!config.batchInvariant()) return "batchInvariant is false: a row's answer would depend on its batch-mates";
        if (config.maxBatchSize() <= 1) return "maxBatchSize is 1";
        if (!allBatched(version.inputs())) return "an input has no batch dimension: " + version.inputs();
        if (!allBatched(version.outputs())) return "an output has no batch dimension: " + version.outputs();
        return null;
    }

    private static boolean allBatched(List<TensorSpec> specs) {
        for (TensorSpec spec : specs) if (!spec.hasBatchDimension()) return false;
        return !specs.isEmpty();
    }
}
