package dev.skiff.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.runtime.lambda.LambdaFunction;
import dev.skiff.runtime.model.ModelRepository;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * A LambdaFunction over a model repository, driven with real event JSON (such as
 * {@link dev.skiff.runtime.testing.vectors.LambdaEvents#httpApiEvent}), with its log captured.
 */
public final class TestFunction implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    /** Invoked through the alias live, as the API's routes invoke a function (the vector set's throughAlias). */
    public static final String ARN = "arn:aws:lambda:us-east-1:123456789012:function:skiff-test:live";

    public final LambdaFunction function;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    public TestFunction(Path repository, String... models) {
        this.function = new LambdaFunction(
                ModelRepository.load(repository, Set.of(models)), new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    /** The example models the examples module builds. */
    public static Path examples() {
        Path dir = Path.of(System.getProperty("skiff.examples.models", "../examples/models"));
        if (!Files.isDirectory(dir.resolve("fraud/1"))) {
            throw new IllegalStateException(
                    "example models missing at " + dir.toAbsolutePath() + ": build the examples module");
        }
        return dir;
    }

    public static Path examplesRequests() {
        return examples().getParent().resolve("requests");
    }

    public String log() {
        return log.toString(StandardCharsets.UTF_8);
    }

    /** Invokes with raw event JSON and parses the answer. */
    public JsonNode invoke(String event) {
        byte[] answer = function.handle(event.getBytes(StandardCharsets.UTF_8), "req-1", ARN);
        try {
            return JSON.readTree(answer);
        } catch (IOException e) {
            throw new UncheckedIOException("the answer is not JSON: " + new String(answer, StandardCharsets.UTF_8), e);
        }
    }

    /** The answer's body, parsed, from an HTTP API answer. */
    public static JsonNode body(JsonNode answer) {
        try {
            return JSON.readTree(answer.get("body").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        function.repository().close();
    }
}
