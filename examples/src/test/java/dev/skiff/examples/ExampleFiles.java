package dev.skiff.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;

/** Where the tests find the built model repository and the example requests. */
public final class ExampleFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExampleFiles() {}

    /** Set by the build (root pom, surefire); the module-relative default serves IDE runs. */
    public static Path models() {
        return Path.of(System.getProperty("skiff.examples.models", "models"));
    }

    /** Surefire runs in the module directory. */
    public static Path requests() {
        return Path.of("requests");
    }

    public static JsonNode readJson(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }
}
