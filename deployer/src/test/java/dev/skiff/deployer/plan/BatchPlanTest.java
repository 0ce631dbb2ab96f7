package dev.skiff.deployer.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.skiff.runtime.model.BatchColumns;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/** Items per batch from the plan: whole model runs in a third of the timeout, no more than 256 KiB could hold. */
class BatchPlanTest {
    static final BatchColumns FRAUD = new BatchColumns(
            Map.of(
                    "features",
                    List.of(
                            "amount_usd",
                            "hour_of_day",
                            "distance_from_home_km",
                            "merchant_risk",
                            "transactions_last_24h",
                            "card_present",
                            "foreign",
                            "account_age_days")),
            List.of("transaction_id"));

    @Test
    void theSmallestItemBoundsTheItemsWhenTheModelIsFast() {
        // {"amount_usd":"1",...,"transaction_id":"1"}: 125 characters of names, 7 more a column, and the braces
        assertEquals(2 + 125 + 9 * 7, BatchPlan.itemBytes(FRAUD));
        int fits = 262_144 / 190; // 1,379
        BatchPlan fast = BatchPlan.of(FRAUD, 256, 4.0, 10);
        assertEquals(1280, fast.maxItemsPerBatch(), "five whole runs of 256 within the " + fits + " that fit");
        assertEquals(262_144, fast.maxInputBytesPerBatch());
        assertEquals(BatchPlan.DEFAULT_MAX_CONCURRENCY, fast.maxConcurrency());
        assertEquals(1280, BatchPlan.of(FRAUD, 256, null, 10).maxItemsPerBatch(), "unprofiled: bytes alone");
    }

    @Test
    void aSlowModelGetsTheRunsThatFitAThirdOfItsTimeout() {
        assertEquals(768, BatchPlan.of(FRAUD, 256, 3_000.0, 30).maxItemsPerBatch(), "10 s of 3 s runs: 3 runs");
        assertEquals(256, BatchPlan.of(FRAUD, 256, 8_000.0, 30).maxItemsPerBatch(), "one run at least");
        assertEquals(1, BatchPlan.of(FRAUD, 1, 60_000.0, 30).maxItemsPerBatch(), "one row a run, one row a batch");
    }

    @Test
    void aPoolModelGetsWholeRunsIn256KiBAndFewBatchesAtOnce() {
        BatchPlan pool = BatchPlan.onPool(FRAUD, 256);
        assertEquals(1280, pool.maxItemsPerBatch(), "five whole runs of 256 within the 1,379 that fit");
        assertEquals(BatchPlan.POOL_MAX_CONCURRENCY, pool.maxConcurrency());
        assertEquals(1379, BatchPlan.onPool(FRAUD, 2048).maxItemsPerBatch(), "less than one run: what fits");
    }

    @Test
    void limitsOutsideWhatStepFunctionsTakesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BatchPlan(0, 262_144, 10));
        assertThrows(IllegalArgumentException.class, () -> new BatchPlan(10, 262_145, 10));
        assertThrows(IllegalArgumentException.class, () -> new BatchPlan(10, 262_144, 10_001));
    }
}
