package dev.skiff.runtime.model;

import static dev.skiff.runtime.testing.OnnxModelBuilder.FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Loading models: versions, configs, and the errors that say what to fix. */
class ModelRepositoryTest {
    @TempDir
    Path repo;

    @Test
    void everyVersionLoadsAndTheHighestIsTheDefault() throws Exception {
        Repositories.model(repo, "m", 1, OnnxModelBuilder.identity(FLOAT, "batch", 2), null);
        Repositories.model(repo, "m", 10, OnnxModelBuilder.identity(FLOAT, "batch", 3), null);
        Repositories.model(repo, "other", 1, OnnxModelBuilder.identity(FLOAT, 1), null);
        try (ModelRepository models = ModelRepository.load(repo, Set.of("m"))) {
            Model m = models.model("m");
            assertEquals(List.of("1", "10"), m.versionNames());
            assertEquals("10", m.latest().version());
            assertEquals("[x FP32[-1, 3]]", m.latest().inputs().toString(), "shapes come from the session");
            assertEquals(null, models.model("other"), "SKIFF_MODELS filters");
        }
    }

    @Test
    void unknownConfigFieldIsNamed() throws Exception {
        Repositories.model(repo, "m", 1, OnnxModelBuilder.identity(FLOAT, 1), "{\"maxBatchsize\": 4}");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelRepository.load(repo, Set.of()));
        assertTrue(e.getMessage().contains("unknown field \"maxBatchsize\""), e.getMessage());
    }

    @Test
    void badConfigValuesAreNamed() throws Exception {
        Repositories.model(repo, "m", 1, OnnxModelBuilder.identity(FLOAT, 1), "{\"target\": \"tpu\"}");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelRepository.load(repo, Set.of()));
        assertTrue(
                e.getMessage().contains("\"target\" must be one of \"auto\", \"lambda\", \"gpu\", not tpu"),
                e.getMessage());
    }

    @Test
    void classifierWithoutLabelsIsRefused() throws Exception {
        Repositories.model(
                repo, "m", 1, OnnxModelBuilder.identity(FLOAT, "batch", 2), "{\"pipeline\": \"classifier\"}");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelRepository.load(repo, Set.of()));
        assertTrue(e.getMessage().contains("needs \"labels\""), e.getMessage());
    }

    @Test
    void classifierLabelCountMustMatchTheModel() throws Exception {
        Repositories.model(
                repo,
                "m",
                1,
                OnnxModelBuilder.identity(FLOAT, "batch", 3),
                "{\"pipeline\": \"classifier\", \"labels\": [\"a\", \"b\"]}");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelRepository.load(repo, Set.of()));
        assertTrue(e.getMessage().contains("has 3 classes but 2 labels are configured"), e.getMessage());
    }

    @Test
    void brokenModelFileSaysWhichFile() throws Exception {
        Path version = Files.createDirectories(repo.resolve("m/1"));
        Files.write(version.resolve("model.onnx"), "not a model".getBytes(StandardCharsets.UTF_8));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelRepository.load(repo, Set.of()));
        assertTrue(
                e.getMessage().startsWith("ONNX Runtime cannot load " + version.resolve("model.onnx")), e.getMessage());
    }

    @Test
    void missingModelsAreExplained() throws Exception {
        assertTrue(assertThrows(ModelLoadException.class, () -> ModelRepository.load(repo.resolve("nope"), Set.of()))
                .getMessage()
                .contains("is not a directory"));
        assertTrue(assertThrows(ModelLoadException.class, () -> ModelRepository.load(repo, Set.of()))
                .getMessage()
                .startsWith("no models in"));
        Files.createDirectories(repo.resolve("m/notaversion"));
        assertTrue(assertThrows(ModelLoadException.class, () -> ModelRepository.load(repo, Set.of()))
                .getMessage()
                .contains("has no version directories"));
        assertTrue(assertThrows(ModelLoadException.class, () -> ModelRepository.load(repo, Set.of("x")))
                .getMessage()
                .contains("model 'x' (named in SKIFF_MODELS)"));
    }

    @Test
    void theLayoutIsReadOnceForTheFunctionAndThePool() throws Exception {
        for (String dir : new String[] {"m/1", "m/10", "m/0", "m/notaversion", "other/docs"}) {
            Files.createDirectories(repo.resolve(dir));
        }
        Files.writeString(repo.resolve("README.md"), "not a model");
        assertEquals(
                List.of(repo.resolve("m"), repo.resolve("other")), ModelRepository.modelDirectories(repo, Set.of()));
        assertEquals(List.of(repo.resolve("other")), ModelRepository.modelDirectories(repo, Set.of("other")));
        assertEquals(
                List.of(repo.resolve("m/1"), repo.resolve("m/10")),
                ModelRepository.versionDirectories(repo.resolve("m")));
        assertEquals(List.of(), ModelRepository.versionDirectories(repo.resolve("other")));
        assertEquals(
                "model 'other' has no version directories (" + repo.resolve("other") + "/<number>/model.onnx)",
                assertThrows(
                                ModelLoadException.class,
                                () -> ModelRepository.requireVersionDirectories("other", repo.resolve("other")))
                        .getMessage());
    }

    @Test
    void aLiveRepositoryTakesAndGivesUpVersionsWhileItServes() throws Exception {
        Repositories.model(repo, "m", 1, OnnxModelBuilder.identity(FLOAT, "batch", 2), null);
        Repositories.model(repo, "m", 2, OnnxModelBuilder.identity(FLOAT, "batch", 2), null);
        ModelConfig config = ModelConfig.read(repo.resolve("m"));
        try (ModelRepository live = ModelRepository.live(repo)) {
            assertEquals(List.of(), live.modelNames());
            ModelVersion one = ModelVersion.load("m", "1", repo.resolve("m/1"), config);
            ModelVersion two = ModelVersion.load("m", "2", repo.resolve("m/2"), config);
            assertNull(live.putVersion("m", config, one));
            assertNull(live.putVersion("m", config, two));
            assertEquals(List.of("m"), live.modelNames());
            assertSame(two, live.model("m").latest());

            ModelVersion reloaded = ModelVersion.load("m", "1", repo.resolve("m/1"), config);
            assertSame(one, live.putVersion("m", config, reloaded), "the replaced version is handed back to close");
            one.close();
            assertSame(reloaded, live.model("m").version(1));

            assertSame(reloaded, live.removeVersion("m", 1));
            reloaded.close();
            assertNull(live.removeVersion("m", 1));
            assertEquals(List.of("2"), live.model("m").versionNames());
            assertSame(two, live.removeVersion("m", 2));
            assertNull(live.model("m"), "a model goes with its last version");
            two.close();
            assertNull(live.removeVersion("nothing", 1));
        }
    }

    @Test
    void theOptimizedFormIsPreferredWhenPackaged() throws Exception {
        Repositories.model(repo, "m", 1, OnnxModelBuilder.identity(FLOAT, "batch", 2), null);
        Path version = repo.resolve("m/1");
        OrtRuntime.writeOptimizedModel(
                version.resolve(OnnxModel.MODEL_FILE), version.resolve(OnnxModel.OPTIMIZED_MODEL_FILE));
        try (ModelRepository models = ModelRepository.load(repo, Set.of())) {
            assertEquals(
                    version.resolve(OnnxModel.OPTIMIZED_MODEL_FILE),
                    models.model("m").latest().onnx().file());
        }
    }

    @Test
    void lambdaMemoryBuysVcpus() {
        assertEquals(1, OrtRuntime.lambdaVcpus(128));
        assertEquals(1, OrtRuntime.lambdaVcpus(1769));
        assertEquals(2, OrtRuntime.lambdaVcpus(3008));
        assertEquals(6, OrtRuntime.lambdaVcpus(10240));
    }
}
