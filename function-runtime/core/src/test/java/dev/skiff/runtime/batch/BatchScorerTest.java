package dev.skiff.runtime.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.skiff.runtime.model.InferenceFailure;
import dev.skiff.runtime.model.ModelRepository;
import dev.skiff.runtime.model.ModelVersion;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** A model run that fails is run again row by row, so only the row at fault fails (the example fraud model). */
class BatchScorerTest {
    static Map<String, Object> row(String id) {
        Map<String, Object> row = new HashMap<>();
        row.put("transaction_id", id);
        for (String column : List.of(
                "amount_usd",
                "hour_of_day",
                "distance_from_home_km",
                "merchant_risk",
                "transactions_last_24h",
                "card_present",
                "foreign",
                "account_age_days")) {
            row.put(column, "1");
        }
        return row;
    }

    @Test
    void aFailedModelRunFailsOnlyTheRowAtFault() {
        try (ModelRepository repository = ModelRepository.load(Path.of("../../examples/models"), Set.of("fraud"))) {
            ModelVersion version = repository.model("fraud").latest();
            AtomicInteger singleRuns = new AtomicInteger();
            List<BatchResult> results = BatchScorer.of(version)
                    .score(List.of(row("a"), row("b"), row("c")), request -> {
                        boolean alone = request.inputs().get(0).shape()[0] == 1;
                        if (!alone || singleRuns.incrementAndGet() == 2) throw new InferenceFailure("row fault", null);
                        return version.infer(request);
                    });
            assertEquals(3, results.size());
            assertFalse(results.get(0).failed());
            assertEquals("row fault", results.get(1).error());
            assertEquals(Map.of("transaction_id", "b"), results.get(1).keys());
            assertFalse(results.get(2).failed());
        }
    }
}
