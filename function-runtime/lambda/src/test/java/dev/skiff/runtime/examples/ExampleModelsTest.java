package dev.skiff.runtime.examples;

import static dev.skiff.runtime.testing.TestFunction.body;
import static dev.skiff.runtime.testing.vectors.LambdaEvents.httpApiEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.skiff.runtime.testing.TestFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** The example models, served through the handler exactly as on Lambda. */
class ExampleModelsTest {
    static TestFunction fn;

    @BeforeAll
    static void load() {
        fn = new TestFunction(TestFunction.examples());
    }

    @AfterAll
    static void close() {
        fn.close();
    }

    @Test
    void primingRunsEveryVersionAndLeavesTheFirstRequestCold() throws Exception {
        try (TestFunction fresh = new TestFunction(TestFunction.examples())) {
            fresh.function.prime();
            assertEquals("", fresh.log(), "priming serves no client: no request log lines");
            String request = Files.readString(TestFunction.examplesRequests().resolve("fraud.json"));
            JsonNode answer = fresh.invoke(httpApiEvent("POST", "/v2/models/fraud/infer", request));
            assertEquals("true", answer.get("headers").get("x-skiff-cold-start").asText());
            answer = fresh.invoke(httpApiEvent("POST", "/v2/models/fraud/infer", request));
            assertEquals(
                    "false", answer.get("headers").get("x-skiff-cold-start").asText());
        }
    }

    @Test
    void fraudClassifierLabelsTheExampleRows() throws Exception {
        String request = Files.readString(TestFunction.examplesRequests().resolve("fraud.json"));
        JsonNode answer = fn.invoke(httpApiEvent("POST", "/v2/models/fraud/infer", request));
        assertEquals(200, answer.get("statusCode").asInt(), answer.toString());
        JsonNode outputs = body(answer).get("outputs");
        assertEquals("probabilities", outputs.get(0).get("name").asText());
        assertEquals("[2,2]", outputs.get(0).get("shape").toString());
        JsonNode label = outputs.get(1);
        assertEquals("label", label.get("name").asText());
        assertEquals("BYTES", label.get("datatype").asText());
        assertEquals("[\"legit\",\"fraud\"]", label.get("data").toString());
        JsonNode probability = outputs.get(2);
        assertTrue(probability.get("data").get(0).asDouble() > 0.5
                && probability.get("data").get(1).asDouble() > 0.5);
    }

    @Test
    void fraudTfServingFormGivesTheSameLabels() throws Exception {
        String request = Files.readString(TestFunction.examplesRequests().resolve("fraud-instances.json"));
        JsonNode predictions = body(fn.invoke(httpApiEvent("POST", "/v2/models/fraud/infer", request)))
                .get("predictions");
        assertEquals(2, predictions.size());
        assertEquals("[\"legit\"]", predictions.get(0).get("label").toString());
        assertEquals("[\"fraud\"]", predictions.get(1).get("label").toString());
    }

    @Test
    void fraudRequestedOutputOnly() throws Exception {
        String request = Files.readString(TestFunction.examplesRequests().resolve("fraud.json"))
                .replaceFirst("\\{", "{\"outputs\":[{\"name\":\"label\"}],");
        JsonNode outputs = body(fn.invoke(httpApiEvent("POST", "/v2/models/fraud/infer", request)))
                .get("outputs");
        assertEquals(1, outputs.size());
        assertEquals("label", outputs.get(0).get("name").asText());
    }

    @Test
    void minilmEmbeddingsAgreeWithLangchain4j() throws Exception {
        List<String> texts = List.of(
                "Skiff serves ONNX models on AWS Lambda.",
                "The quick brown fox jumps over the lazy dog!",
                "Café naïve résumé — déjà vu.",
                "日本語のテキストも埋め込めます。",
                "Numbers like 3.14159 and e-mail addresses (a@b.com) tokenize into pieces.",
                "short",
                "A longer passage: " + "embedding models pool every token of a sentence into one vector. ".repeat(6));
        StringBuilder data = new StringBuilder();
        for (String text : texts)
            data.append(data.isEmpty() ? "" : ",").append(TestFunction.JSON.writeValueAsString(text));
        String request = "{\"inputs\":[{\"name\":\"text\",\"shape\":[" + texts.size()
                + "],\"datatype\":\"BYTES\",\"data\":[" + data + "]}]}";
        JsonNode answer = fn.invoke(httpApiEvent("POST", "/v2/models/minilm/infer", request));
        assertEquals(200, answer.get("statusCode").asInt(), answer.toString());
        JsonNode embedding = body(answer).get("outputs").get(0);
        assertEquals("embedding", embedding.get("name").asText());
        assertEquals("[" + texts.size() + ",384]", embedding.get("shape").toString());

        AllMiniLmL6V2QuantizedEmbeddingModel reference = new AllMiniLmL6V2QuantizedEmbeddingModel();
        List<Double> similarities = new ArrayList<>();
        for (int row = 0; row < texts.size(); row++) {
            float[] expected = reference.embed(texts.get(row)).content().vector();
            double dot = 0, a = 0, b = 0;
            for (int i = 0; i < 384; i++) {
                double ours = embedding.get("data").get(row * 384 + i).asDouble();
                dot += ours * expected[i];
                a += ours * ours;
                b += expected[i] * (double) expected[i];
            }
            similarities.add(dot / Math.sqrt(a * b));
        }
        for (int row = 0; row < texts.size(); row++) {
            assertTrue(
                    similarities.get(row) >= 0.9999,
                    "text " + row + " cosine " + similarities.get(row) + " " + similarities);
        }
    }

    @Test
    void minilmSingleTextAgreesWithLangchain4j() throws Exception {
        String text = "Skiff serves ONNX models on AWS Lambda.";
        String request = "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":["
                + TestFunction.JSON.writeValueAsString(text) + "]}]}";
        JsonNode data = body(fn.invoke(httpApiEvent("POST", "/v2/models/minilm/infer", request)))
                .get("outputs")
                .get(0)
                .get("data");
        float[] expected =
                new AllMiniLmL6V2QuantizedEmbeddingModel().embed(text).content().vector();
        double dot = 0, a = 0, b = 0;
        for (int i = 0; i < 384; i++) {
            dot += data.get(i).asDouble() * expected[i];
            a += data.get(i).asDouble() * data.get(i).asDouble();
            b += expected[i] * (double) expected[i];
        }
        assertTrue(dot / Math.sqrt(a * b) >= 0.9999, "cosine " + dot / Math.sqrt(a * b));
    }

    @Test
    void minilmMetadataShowsTheTextContract() {
        JsonNode metadata = body(fn.invoke(httpApiEvent("GET", "/v2/models/minilm", null)));
        assertEquals(
                "[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[-1]}]",
                metadata.get("inputs").toString());
        assertEquals(
                "[{\"name\":\"embedding\",\"datatype\":\"FP32\",\"shape\":[-1,384]}]",
                metadata.get("outputs").toString());
    }
}
