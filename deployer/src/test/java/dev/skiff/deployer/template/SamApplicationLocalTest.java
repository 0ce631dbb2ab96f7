package dev.skiff.deployer.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.emulator.Emulator;
import dev.skiff.emulator.environment.LogSink;
import dev.skiff.emulator.gpupool.GpuServerCommand;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * skiff local start-api on sam/template.yaml with minilm on the GPU pool: fraud answers from its
 * function (live and canary aliases), minilm from the gpu-fallback server the emulator starts on
 * the CPU, through the same HTTP API.
 */
class SamApplicationLocalTest {
    private static final Path ROOT = SamApplicationTemplateTest.REPOSITORY;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void lambdaAndGpuPoolRoutesAnswerThroughOneApi() throws Exception {
        assumeTrue(
                Files.isDirectory(ROOT.resolve("function-runtime/lambda/target/lambda/models/fraud")),
                "function-runtime/lambda/target/lambda is not built (./mvnw package builds it)");
        Path serverLib = ROOT.resolve("gpu-fallback/target/lib");
        assumeTrue(
                Files.isRegularFile(serverLib.resolve("gpu-fallback.jar")),
                "gpu-fallback/target/lib is not built (./mvnw -pl gpu-fallback -am package builds it)");

        Emulator.Options options = Emulator.Options.defaults(SamApplicationTemplateTest.SAM_TEMPLATE)
                .withParameterOverrides(Map.of("MinilmTarget", "gpu-pool"))
                .withPorts(0, -1)
                .withLog(LogSink.console())
                .withGpuServer(GpuServerCommand.fromLib(serverLib));
        try (Emulator emulator = Emulator.start(options)) {
            String base = "http://127.0.0.1:" + emulator.apiPort();
            String fraud = Files.readString(ROOT.resolve("examples/requests/fraud.json"));
            for (String path : new String[] {"/v2/models/fraud/infer", "/v2/models/fraud/versions/canary/infer"}) {
                HttpResponse<String> response = post(base + path, fraud);
                assertEquals(200, response.statusCode(), path + ": " + response.body());
                assertEquals(
                        "fraud",
                        JSON.readTree(response.body()).get("model_name").asText());
                assertEquals(
                        "lambda",
                        response.headers().firstValue("x-skiff-target").orElse(""),
                        path);
            }

            HttpResponse<String> minilm = post(
                    base + "/v2/models/minilm/infer", Files.readString(ROOT.resolve("examples/requests/minilm.json")));
            assertEquals(200, minilm.statusCode(), minilm.body());
            assertEquals(
                    "gpu-pool", minilm.headers().firstValue("x-skiff-target").orElse(""));
            JsonNode embedding = JSON.readTree(minilm.body()).get("outputs").get(0);
            assertEquals("embedding", embedding.get("name").asText());
            assertEquals(2, embedding.get("shape").get(0).asInt());
        }
    }

    /** The pool loads its models in the background; until it is ready it answers 503, as a starting task would. */
    private static HttpResponse<String> post(String uri, String body) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(uri))
                            .timeout(Duration.ofSeconds(60))
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 503 || System.nanoTime() > deadline) return response;
            Thread.sleep(250);
        }
    }
}
