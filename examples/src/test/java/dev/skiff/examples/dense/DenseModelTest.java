package dev.skiff.examples.dense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.examples.ExampleFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/** The generated dense MLP: reproducible, shaped as its config says, and each row's answer independent of its batch. */
class DenseModelTest {
    private static final Path MODEL_DIRECTORY = Path.of("pool-models/dense");
    private static final int IN = DenseModelGenerator.LAYERS[0];
    private static final int OUT = DenseModelGenerator.LAYERS[DenseModelGenerator.LAYERS.length - 1];

    private static OrtEnvironment environment;
    private static OrtSession session;

    @BeforeAll
    static void loadModel() throws OrtException {
        environment = OrtEnvironment.getEnvironment();
        session = environment.createSession(
                MODEL_DIRECTORY.resolve("1/model.onnx").toString(), new OrtSession.SessionOptions());
    }

    @AfterAll
    static void closeModel() throws OrtException {
        session.close();
    }

    @Test
    void theSameSeedWritesTheSameBytesAndAnotherSeedOtherWeights() throws IOException {
        int[] small = {4, 8, 8, 2};
        assertArrayEquals(
                DenseModelGenerator.build(small, 7).toByteArray(),
                DenseModelGenerator.build(small, 7).toByteArray());
        assertFalse(Arrays.equals(
                DenseModelGenerator.build(small, 7).toByteArray(),
                DenseModelGenerator.build(small, 8).toByteArray()));
        assertArrayEquals(
                DenseModelGenerator.build(DenseModelGenerator.LAYERS, DenseModelGenerator.DEFAULT_SEED)
                        .toByteArray(),
                Files.readAllBytes(MODEL_DIRECTORY.resolve("1/model.onnx")),
                "the built file is the default seed's model");
    }

    @Test
    void takesRowsOfFeaturesAndAnswersRowsOfScores() throws OrtException {
        assertEquals(Set.of(DenseModelGenerator.INPUT_NAME), session.getInputNames());
        assertEquals(Set.of(DenseModelGenerator.OUTPUT_NAME), session.getOutputNames());
        TensorInfo input =
                (TensorInfo) session.getInputInfo().values().iterator().next().getInfo();
        TensorInfo output =
                (TensorInfo) session.getOutputInfo().values().iterator().next().getInfo();
        assertArrayEquals(new long[] {-1, IN}, input.getShape());
        assertArrayEquals(new long[] {-1, OUT}, output.getShape());
    }

    @Test
    void aRowScoresTheSameAloneAsInABatch() throws OrtException {
        int rows = 8;
        float[] batch = new float[rows * IN];
        for (int i = 0; i < batch.length; i++) batch[i] = ((i * 7919) % 1000) / 500f - 1f;
        float[] together = run(batch, rows);
        boolean varies = false;
        for (int r = 0; r < rows; r++) {
            float[] alone = run(Arrays.copyOfRange(batch, r * IN, (r + 1) * IN), 1);
            for (int j = 0; j < OUT; j++) {
                float expected = alone[j];
                assertTrue(Float.isFinite(expected));
                assertEquals(expected, together[r * OUT + j], 1e-4f * Math.max(1f, Math.abs(expected)), "row " + r);
                varies |= expected != alone[0];
            }
        }
        assertTrue(varies, "every score is the same: the layers pass nothing through");
    }

    @Test
    void theConfigServesItOnThePoolWithRowsMerged() throws IOException {
        JsonNode config = ExampleFiles.readJson(MODEL_DIRECTORY.resolve("config.json"));
        assertEquals("gpu", config.get("target").asText());
        assertTrue(config.path("batchInvariant").asBoolean(true), "rows are independent");
        assertTrue(config.get("maxBatchSize").asInt() >= 32);
    }

    private static float[] run(float[] values, int rows) throws OrtException {
        try (OnnxTensor x = OnnxTensor.createTensor(environment, FloatBuffer.wrap(values), new long[] {rows, IN});
                OrtSession.Result result = session.run(Map.of(DenseModelGenerator.INPUT_NAME, x))) {
            float[][] scores = (float[][]) result.get(0).getValue();
            float[] flat = new float[rows * OUT];
            for (int r = 0; r < rows; r++) System.arraycopy(scores[r], 0, flat, r * OUT, OUT);
            return flat;
        }
    }
}
