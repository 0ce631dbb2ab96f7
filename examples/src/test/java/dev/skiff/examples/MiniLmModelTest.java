package dev.skiff.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The unpacked all-MiniLM-L6-v2 model and tokenizer go together and match what the text-embedding pipeline expects. */
class MiniLmModelTest {

    private static final Path VERSION_DIRECTORY = ExampleFiles.models().resolve("minilm/1");
    private static final int EMBEDDING_DIMENSION = 384;

    private static OrtEnvironment environment;
    private static OrtSession session;

    @BeforeAll
    static void loadModel() throws OrtException {
        environment = OrtEnvironment.getEnvironment();
        session = environment.createSession(
                VERSION_DIRECTORY.resolve("model.onnx").toString(), new OrtSession.SessionOptions());
    }

    @AfterAll
    static void closeModel() throws OrtException {
        session.close();
    }

    @Test
    void takesBertInputsOfSymbolicBatchAndSequenceLength() throws OrtException {
        assertEquals(Set.of("input_ids", "attention_mask", "token_type_ids"), session.getInputNames());
        for (var input : session.getInputInfo().values()) {
            TensorInfo tensor = (TensorInfo) input.getInfo();
            assertEquals(ai.onnxruntime.OnnxJavaType.INT64, tensor.type, input.getName());
            assertArrayEquals(new long[] {-1, -1}, tensor.getShape(), input.getName());
        }
        TensorInfo hiddenState =
                (TensorInfo) session.getOutputInfo().values().iterator().next().getInfo();
        assertArrayEquals(new long[] {-1, -1, EMBEDDING_DIMENSION}, hiddenState.getShape());
    }

    @Test
    void embedsTextTokenizedWithItsOwnVocabulary() throws IOException, OrtException {
        JsonNode tokenizer = ExampleFiles.readJson(VERSION_DIRECTORY.resolve("tokenizer.json"));
        assertEquals("WordPiece", tokenizer.at("/model/type").asText());
        JsonNode vocabulary = tokenizer.at("/model/vocab");
        long[] tokenIds = {
            vocabulary.get("[CLS]").asLong(),
            vocabulary.get("fraud").asLong(),
            vocabulary.get("[SEP]").asLong()
        };

        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put("input_ids", OnnxTensor.createTensor(environment, new long[][] {tokenIds}));
        inputs.put("attention_mask", OnnxTensor.createTensor(environment, new long[][] {{1, 1, 1}}));
        inputs.put("token_type_ids", OnnxTensor.createTensor(environment, new long[][] {{0, 0, 0}}));
        try (OrtSession.Result result = session.run(inputs)) {
            float[][][] hiddenState = (float[][][]) result.get(0).getValue();
            assertEquals(3, hiddenState[0].length);
            assertEquals(EMBEDDING_DIMENSION, hiddenState[0][0].length);
            for (float value : hiddenState[0][1]) {
                assertTrue(Float.isFinite(value));
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    @Test
    void exampleRequestSendsTwoTexts() throws IOException {
        JsonNode input = ExampleFiles.readJson(ExampleFiles.requests().resolve("minilm.json"))
                .at("/inputs/0");
        assertEquals("text", input.get("name").asText());
        assertEquals("BYTES", input.get("datatype").asText());
        assertEquals("[2]", input.get("shape").toString());
        assertEquals(2, input.get("data").size());
    }

    @Test
    void configIsATextEmbeddingPipeline() throws IOException {
        JsonNode config = ExampleFiles.readJson(ExampleFiles.models().resolve("minilm/config.json"));
        assertEquals("text-embedding", config.get("pipeline").asText());
    }
}
