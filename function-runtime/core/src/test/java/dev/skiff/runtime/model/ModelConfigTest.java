package dev.skiff.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.contract.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** config.json as docs/model-repository.md documents it: every field, the defaults, and errors that say what to fix. */
class ModelConfigTest {

    static ModelConfig parse(String json) throws IOException {
        return ModelConfig.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    static String error(String json) {
        return assertThrows(IllegalArgumentException.class, () -> parse(json)).getMessage();
    }

    @Test
    void anEmptyConfigHasTheDocumentedDefaults() throws IOException {
        ModelConfig config = parse("{}");
        assertEquals(ModelConfig.defaults(), config);
        assertEquals(ModelConfig.Pipeline.NONE, config.pipeline());
        assertEquals(List.of(), config.labels());
        assertEquals(1, config.topK());
        assertEquals(256, config.maxSequenceLength());
        assertEquals(64, config.maxBatchSize());
        assertEquals(true, config.batchInvariant());
        assertEquals(0, config.maxQueueDelayMs());
        assertEquals(256, config.queueCapacity());
        assertTrue(config.adaptiveBatchSize());
        assertEquals(1, config.instances());
        assertNull(config.target(), "auto: the plan decides");
        assertEquals("auto", ModelConfig.targetWord(config.target()));
        assertEquals(ModelConfig.Gpu.OPTIONAL, config.gpu());
        assertNull(config.memoryMb());
        assertNull(config.latencyObjectiveMs());
    }

    @Test
    void everyFieldIsRead() throws IOException {
        ModelConfig config = parse("""
                {"pipeline": "classifier", "labels": ["no", "yes"], "topK": 2, "maxSequenceLength": 128,
                 "maxBatchSize": 8, "batchInvariant": false, "batching": {"maxQueueDelayMs": 0, "queueCapacity": 9,
                 "adaptiveBatchSize": false},
                 "instances": 2, "intraOpThreads": 3, "target": "gpu", "gpu": "required", "memoryMb": 1024,
                 "latencyObjectiveMs": 40, "description": "for people", "features": [{"name": "amount"}]}
                """);
        ModelConfig expected = ModelConfig.builder()
                .pipeline(ModelConfig.Pipeline.CLASSIFIER)
                .labels(List.of("no", "yes"))
                .topK(2)
                .maxSequenceLength(128)
                .maxBatchSize(8)
                .batchInvariant(false)
                .maxQueueDelayMs(0)
                .queueCapacity(9)
                .adaptiveBatchSize(false)
                .instances(2)
                .intraOpThreads(3)
                .target(Target.GPU_POOL)
                .gpu(ModelConfig.Gpu.REQUIRED)
                .memoryMb(1024)
                .latencyObjectiveMs(40)
                .build();
        assertEquals(expected, config);
    }

    @ParameterizedTest
    @CsvSource({"auto, ", "lambda, LAMBDA", "gpu, GPU_POOL", "GPU, GPU_POOL", "Lambda, LAMBDA"})
    void theTargetWordsAreThePreferenceForAContractTarget(String word, Target target) throws IOException {
        assertEquals(target, parse("{\"target\": \"" + word + "\"}").target());
    }

    @Test
    void everyTargetHasAWordThatReadsBackAsIt() throws IOException {
        for (Target target : Target.values()) {
            assertEquals(
                    target,
                    parse("{\"target\": \"" + ModelConfig.targetWord(target) + "\"}")
                            .target());
        }
    }

    @Test
    void anUnknownFieldIsNamedWithEveryFieldThatIsAllowed() {
        assertEquals(
                "unknown field \"maxBatchsize\"; expected pipeline, labels, topK, maxSequenceLength, "
                        + "maxBatchSize, batchInvariant, batching, instances, intraOpThreads, target, gpu, memoryMb, "
                        + "latencyObjectiveMs, description, features, warmup, pooling, normalize, batch, capture",
                error("{\"maxBatchsize\": 4}"));
        assertEquals(
                "unknown field \"batching.maxDelayMs\"; expected maxQueueDelayMs, queueCapacity, adaptiveBatchSize",
                error("{\"batching\": {\"maxDelayMs\": 4}}"));
    }

    @Test
    void aBadValueSaysWhatTheFieldTakes() {
        assertEquals(
                "\"target\" must be one of \"auto\", \"lambda\", \"gpu\", not gpu-pool",
                error("{\"target\": \"gpu-pool\"}"));
        assertEquals("\"target\" must be one of \"auto\", \"lambda\", \"gpu\", not 1", error("{\"target\": 1}"));
        assertEquals(
                "\"pipeline\" must be one of \"none\", \"classifier\", \"text-embedding\", not embedding",
                error("{\"pipeline\": \"embedding\"}"));
        assertEquals(
                "\"gpu\" must be one of \"none\", \"optional\", \"required\", not yes", error("{\"gpu\": \"yes\"}"));
        assertEquals("\"topK\" must be a positive integer, not 0", error("{\"topK\": 0}"));
        assertEquals("\"maxBatchSize\" must be a non-negative integer, not 2.5", error("{\"maxBatchSize\": 2.5}"));
        assertEquals("\"memoryMb\" must be a non-negative integer, not 512", error("{\"memoryMb\": \"512\"}"));
        assertEquals(
                "\"batching.maxQueueDelayMs\" must be a non-negative integer, not -1",
                error("{\"batching\": {\"maxQueueDelayMs\": -1}}"));
        assertEquals(
                "\"batching.adaptiveBatchSize\" must be true or false",
                error("{\"batching\": {\"adaptiveBatchSize\": 1}}"));
        assertEquals("\"batching\" must be an object", error("{\"batching\": 5}"));
        assertEquals("\"batchInvariant\" must be true or false", error("{\"batchInvariant\": \"no\"}"));
        assertEquals("\"labels\" must be an array of strings", error("{\"labels\": [1]}"));
        assertEquals(
                "pipeline \"classifier\" needs \"labels\", one per probability column",
                error("{\"pipeline\": \"classifier\"}"));
        assertEquals("must hold a JSON object", error("[]"));
    }

    @Test
    void warmUpPoolingAndNormalizeAreRead() throws IOException {
        ModelConfig defaults = parse("{}");
        assertNull(defaults.warmUp(), "placeholder values unless a request is given");
        assertEquals(ModelConfig.Pooling.MEAN, defaults.pooling());
        assertEquals(true, defaults.normalize());

        ModelConfig inline = parse("""
                {"warmup": {"inputs": [{"name": "x", "datatype": "INT64", "shape": [1], "data": [3]}]},
                 "pooling": "cls", "normalize": false}""");
        assertEquals(
                WarmUpRequest.inline(
                        "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"INT64\",\"shape\":[1]," + "\"data\":[3]}]}"),
                inline.warmUp());
        assertEquals(ModelConfig.Pooling.CLS, inline.pooling());
        assertEquals(false, inline.normalize());
        assertEquals(
                WarmUpRequest.inFile("warmup.json"),
                parse("{\"warmup\": \"warmup.json\"}").warmUp());
        assertEquals(ModelConfig.Pooling.MAX, parse("{\"pooling\": \"MAX\"}").pooling());

        assertEquals(
                "\"warmup\" names a file beside model.onnx or config.json, not a path: ../secret.json",
                error("{\"warmup\": \"../secret.json\"}"));
        assertEquals(
                "\"warmup\" must be a request object ({\"inputs\": [...]}) or the name of a file that holds one, not [",
                error("{\"warmup\": []}"));
        assertEquals(
                "\"pooling\" must be one of \"mean\", \"cls\", \"max\", not first", error("{\"pooling\": \"first\"}"));
        assertEquals("\"normalize\" must be true or false", error("{\"normalize\": 1}"));
    }

    @Test
    void theBuilderStartsFromTheDefaultsAndCopiesItsLists() {
        List<String> labels = new java.util.ArrayList<>(List.of("a"));
        ModelConfig config = ModelConfig.builder()
                .pipeline(ModelConfig.Pipeline.CLASSIFIER)
                .labels(labels)
                .build();
        labels.add("b");
        assertEquals(List.of("a"), config.labels());
        assertEquals(ModelConfig.defaults().maxBatchSize(), config.maxBatchSize());
        ModelConfig.Builder unlabelled = ModelConfig.builder().pipeline(ModelConfig.Pipeline.CLASSIFIER);
        assertThrows(IllegalArgumentException.class, unlabelled::build);
    }
}
