package dev.skiff.examples;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server rejects unknown config fields; catch a typo here rather than at deploy time. */
class ModelConfigTest {

    // the fields of docs/model-repository.md
    private static final Set<String> FIELDS = Set.of("pipeline", "labels", "topK", "maxSequenceLength", "maxBatchSize",
            "batching", "instances", "target", "gpu", "memoryMb", "latencyObjectiveMs");
    private static final Set<String> BATCHING_FIELDS = Set.of("maxQueueDelayMs", "queueCapacity");

    @ParameterizedTest
    @ValueSource(strings = {"fraud", "minilm"})
    void configUsesOnlyDocumentedFields(String model) throws IOException {
        JsonNode config = ExampleFiles.readJson(ExampleFiles.models().resolve(model).resolve("config.json"));
        config.fieldNames().forEachRemaining(field ->
                assertTrue(FIELDS.contains(field), model + "/config.json: unknown field " + field));
        if (config.has("batching")) {
            config.get("batching").fieldNames().forEachRemaining(field ->
                    assertTrue(BATCHING_FIELDS.contains(field), model + "/config.json: unknown field batching." + field));
        }
    }
}
