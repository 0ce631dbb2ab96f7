package dev.skiff.embeddings;

import static dev.skiff.runtime.testing.vectors.LambdaEvents.httpApiEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import dev.skiff.gpu.TestServer;
import dev.skiff.runtime.testing.TestFunction;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Three sentence-transformer models as a user drops them in (model.onnx, tokenizer.json and a
 * config.json that names the pooling), served by the function and by the pool, against
 * langchain4j's in-process embeddings of the same files on the same ONNX Runtime: bge-small-en-v1.5
 * pools the CLS token, e5-small-v2 and all-MiniLM-L6-v2 the mean.
 */
class SentenceTransformersTest {
    static final double MIN_COSINE = 0.9999;

    static final List<String> TEXTS = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "query: how much protein should a female eat",
            "Café naïve résumé, don't-stop!!! $3.50 e-mail@x.com",
            "Serverless ONNX inference on AWS Lambda and a GPU pool");

    @TempDir
    Path repository;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "bge-small-en-v1.5, cls",
        "e5-small-v2, mean",
        "all-minilm-l6-v2, mean",
    })
    void servedAsLangchain4jEmbeds(String model, String pooling) throws Exception {
        Path version = Files.createDirectories(repository.resolve(model).resolve("1"));
        copy(model + ".onnx", version.resolve("model.onnx"));
        copy(model + "-tokenizer.json", version.resolve("tokenizer.json"));
        Files.writeString(
                repository.resolve(model).resolve("config.json"),
                "{\"pipeline\": \"text-embedding\", \"pooling\": \"" + pooling + "\"}");
        EmbeddingModel reference = reference(model, version);
        float[][] expected = new float[TEXTS.size()][];
        for (int i = 0; i < TEXTS.size(); i++)
            expected[i] = reference.embed(TEXTS.get(i)).content().vector();

        String request = request(TEXTS);
        try (TestFunction function = new TestFunction(repository)) {
            JsonNode answer = function.invoke(httpApiEvent("POST", "/v2/models/" + model + "/infer", request));
            assertEquals(200, answer.get("statusCode").asInt(), answer::toString);
            check("lambda", model, expected, TestFunction.body(answer));
        }
        try (TestServer pool = TestServer.start(repository)) {
            TestServer.Reply reply =
                    pool.send("POST", "/v2/models/" + model + "/infer", request.getBytes(StandardCharsets.UTF_8));
            assertEquals(200, reply.status(), reply::text);
            check("gpu-pool", model, expected, reply.json());
        }
    }

    /** langchain4j's own model class where it publishes one for this Maven version, its generic one for e5. */
    private static EmbeddingModel reference(String model, Path version) {
        Function<String, EmbeddingModel> byName = name -> switch (name) {
            case "bge-small-en-v1.5" -> new BgeSmallEnV15EmbeddingModel();
            case "all-minilm-l6-v2" -> new AllMiniLmL6V2EmbeddingModel();
            default ->
                new OnnxEmbeddingModel(
                        version.resolve("model.onnx"), version.resolve("tokenizer.json"), PoolingMode.MEAN);
        };
        return byName.apply(model);
    }

    private static void check(String target, String model, float[][] expected, JsonNode body) {
        JsonNode output = body.at("/outputs/0");
        assertEquals(TEXTS.size(), output.at("/shape/0").asInt());
        int dimension = output.at("/shape/1").asInt();
        assertEquals(expected[0].length, dimension);
        double worst = 1;
        for (int row = 0; row < TEXTS.size(); row++) {
            double dot = 0, served = 0, reference = 0;
            for (int d = 0; d < dimension; d++) {
                double value = output.get("data").get(row * dimension + d).asDouble();
                dot += value * expected[row][d];
                served += value * value;
                reference += (double) expected[row][d] * expected[row][d];
            }
            double cosine = dot / Math.sqrt(served * reference);
            worst = Math.min(worst, cosine);
            assertTrue(cosine >= MIN_COSINE, target + " " + model + " '" + TEXTS.get(row) + "': cosine " + cosine);
        }
        System.out.printf(Locale.ROOT, "%s on %s: lowest cosine with langchain4j %.7f%n", model, target, worst);
    }

    private static String request(List<String> texts) {
        StringBuilder data = new StringBuilder();
        for (String text : texts) {
            if (!data.isEmpty()) data.append(',');
            JsonNode quoted = TestFunction.JSON.valueToTree(text);
            data.append(quoted.toString());
        }
        return "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[" + texts.size() + "],\"data\":["
                + data + "]}]}";
    }

    private static void copy(String resource, Path to) {
        try (InputStream in = SentenceTransformersTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException(resource + " is not on the classpath");
            Files.copy(in, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
