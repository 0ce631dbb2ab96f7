package dev.skiff.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/** --poll-seconds: new versions load, the aliases file is re-read, removed versions unload. */
class RepositoryWatchTest {
    @TempDir
    Path repository;

    @Test
    void followsTheRepositoryAndTheAliasesFile() throws Exception {
        Repositories.model(repository, "watched", 1, OnnxModelBuilder.identity(OnnxModelBuilder.FLOAT, "n", 2), null);
        Path aliases = Files.writeString(
                repository.resolve("aliases.json"), "{\"watched\": {\"live\": {\"version\": \"1\"}}}");
        try (TestServer pool = TestServer.start(repository, "--poll-seconds", "1", "--aliases", aliases.toString())) {
            Repositories.model(repository, "watched", 2, LiveChangesTest.doubling(), null);
            Eventually.await(
                    () -> pool.get("/v2/models/watched").text().contains("\"versions\":[\"1\",\"2\"]"),
                    "version 2 is loaded");
            assertEquals(
                    "1",
                    pool.post("/v2/models/watched/infer", LiveChangesTest.BODY).header("x-skiff-model-version"));

            Files.writeString(aliases, "{\"watched\": {\"live\": {\"version\": \"2\"}}}");
            Files.setLastModifiedTime(
                    aliases, FileTime.from(Instant.now().plusSeconds(5))); // a new time, even on coarse clocks
            Eventually.await(
                    () -> "2"
                            .equals(pool.post("/v2/models/watched/infer", LiveChangesTest.BODY)
                                    .header("x-skiff-model-version")),
                    "the live alias moves to version 2");

            Files.delete(repository.resolve("watched/1/model.onnx"));
            Files.delete(repository.resolve("watched/1"));
            Eventually.await(
                    () -> pool.get("/v2/models/watched").text().contains("\"versions\":[\"2\"]"),
                    "version 1 is unloaded");
        }
    }
}
