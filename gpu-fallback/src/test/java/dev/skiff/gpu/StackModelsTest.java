package dev.skiff.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * A pool task of a deployed stack ({@code SKIFF_STACK_MODELS}, here its flag): the API's
 * {@code $default} route may send any unknown model here, so its 404 lists the stack's models, as
 * the Lambda function's does, not only the ones this pool serves.
 */
class StackModelsTest {
    @TempDir
    Path repository;

    @Test
    void anUnknownModelsNotFoundNamesTheStacksModels() throws Exception {
        Repositories.model(repository, "minilm", 1, OnnxModelBuilder.identity(OnnxModelBuilder.FLOAT, "n", 2), null);
        try (TestServer pool = TestServer.start(repository, "--stack-models", "fraud, minilm")) {
            TestServer.Reply reply = pool.post("/v2/models/nope/infer", DrainTest.BODY);

            assertEquals(404, reply.status(), reply::text);
            assertEquals(
                    "model 'nope' is not served here; models: [fraud, minilm]",
                    reply.json().get("error").asText());
            assertEquals(
                    200, pool.post("/v2/models/minilm/infer", DrainTest.BODY).status(), "its own still serve");
        }
    }
}
