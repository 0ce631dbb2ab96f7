package dev.skiff.runtime.lambda;

import static dev.skiff.runtime.testing.vectors.LambdaEvents.httpApiEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.runtime.model.ModelLoadException;
import dev.skiff.runtime.model.ModelRepository;
import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;
import dev.skiff.runtime.testing.TestFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The function's init policy, the same for the plain, Quarkus and Micronaut handlers (all build
 * their function through {@code Init}): the models that load serve, one that does not answers 404
 * with why, and init fails only when no model loads. Warm-up as on the pool.
 */
class BadModelsTest {
    @TempDir
    static Path repository;

    static TestFunction fn;

    @BeforeAll
    static void load() throws IOException {
        Repositories.model(repository, "good", 1, OnnxModelBuilder.identity(OnnxModelBuilder.FLOAT, "n", 2), null);
        Files.createDirectories(repository.resolve("broken/1"));
        Files.writeString(repository.resolve("broken/1/model.onnx"), "not a model");
        Repositories.model(repository, "ranged", 1, OnnxModelBuilder.range(), null);
        Repositories.model(
                repository,
                "warmed",
                1,
                OnnxModelBuilder.range(),
                "{\"warmup\": " + OnnxModelBuilder.RANGE_0_TO_3 + "}");
        Repositories.model(repository, "misconfigured", 1, OnnxModelBuilder.range(), "{\"warmup\": \"warmup.json\"}");
        Files.writeString(
                repository.resolve("misconfigured/warmup.json"),
                OnnxModelBuilder.RANGE_0_TO_3.replace("[1]}]", "[0]}]"));
        fn = new TestFunction(repository);
        fn.function.prime();
    }

    @AfterAll
    static void close() {
        if (fn != null) fn.close();
    }

    @Test
    void theModelsThatLoadServe() {
        assertEquals(200, status(fn.invoke(httpApiEvent("GET", "/v2/health/ready", null))));
        for (String model : List.of("ranged", "warmed")) {
            JsonNode answer =
                    fn.invoke(httpApiEvent("POST", "/v2/models/" + model + "/infer", OnnxModelBuilder.RANGE_0_TO_3));
            assertEquals(200, status(answer), answer::toString);
            assertEquals(
                    "[0,1,2]", TestFunction.body(answer).at("/outputs/0/data").toString());
        }
    }

    @Test
    void aModelThatFailedToLoadOrToWarmUpAnswers404WithWhy() {
        assertEquals(
                "ONNX Runtime cannot load",
                error("/v2/models/broken/infer")
                        .replaceFirst("model 'broken' is not served: it failed to load: ", "")
                        .substring(0, 24));
        assertTrue(error("/v2/models/misconfigured/infer")
                .startsWith("model 'misconfigured' is not served: it failed to load: model 'misconfigured' "
                        + "version 1 failed its warm-up request (the warm-up file warmup.json)"));
        assertEquals("model 'nope' is not served here; models: [good, ranged, warmed]", error("/v2/models/nope/infer"));
    }

    @Test
    void strictReadinessWantsEveryModel() {
        LambdaFunction strict = new LambdaFunction(
                fn.function.repository(), new PrintStream(new ByteArrayOutputStream()), true, List.of());
        byte[] answer =
                strict.handle(httpApiEvent("GET", "/v2/health/ready", null).getBytes(), "r", TestFunction.ARN);
        assertEquals(503, status(json(answer)));
    }

    @Test
    void initFailsOnlyWhenNoModelLoads(@TempDir Path onlyBroken) throws IOException {
        for (String name : List.of("a", "b")) {
            Files.createDirectories(onlyBroken.resolve(name + "/1"));
            Files.writeString(onlyBroken.resolve(name + "/1/model.onnx"), "not a model");
        }
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelRepository.load(onlyBroken, Set.of()));
        assertTrue(e.getMessage().startsWith("no model in " + onlyBroken.toAbsolutePath() + " loads: "), e::getMessage);
        assertEquals(2, e.getSuppressed().length);
    }

    private static String error(String path) {
        JsonNode answer = fn.invoke(httpApiEvent("POST", path, OnnxModelBuilder.RANGE_0_TO_3));
        assertEquals(404, status(answer), answer::toString);
        String message = TestFunction.body(answer).get("error").asText();
        assertFalse(message.contains("\n"), message);
        return message;
    }

    private static int status(JsonNode answer) {
        return answer.get("statusCode").asInt();
    }

    private static JsonNode json(byte[] answer) {
        try {
            return TestFunction.JSON.readTree(answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
