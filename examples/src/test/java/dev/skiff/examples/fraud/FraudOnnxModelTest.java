package dev.skiff.examples.fraud;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The fraud model the build wrote, run in ONNX Runtime as Skiff runs it. */
class FraudOnnxModelTest {

    private static OrtEnvironment environment;
    private static OrtSession session;
    private static List<String> configLabels;
    private static int fraudColumn;

    @BeforeAll
    static void loadModel() throws OrtException, IOException {
        environment = OrtEnvironment.getEnvironment();
        session = environment.createSession(
                ExampleFiles.models().resolve("fraud/1/model.onnx").toString(), new OrtSession.SessionOptions());
        configLabels = new ArrayList<>();
        ExampleFiles.readJson(ExampleFiles.models().resolve("fraud/config.json"))
                .get("labels")
                .forEach(label -> configLabels.add(label.asText()));
        fraudColumn = configLabels.indexOf(FraudModelTrainer.FRAUD);
    }

    @AfterAll
    static void closeModel() throws OrtException {
        session.close();
    }

    @Test
    void takesFeatureRowsAndGivesProbabilityRowsWithSymbolicBatch() throws OrtException {
        NodeInfo input = single(session.getInputInfo());
        NodeInfo output = single(session.getOutputInfo());
        assertEquals(FraudModelTrainer.INPUT_NAME, input.getName());
        assertEquals(FraudModelTrainer.OUTPUT_NAME, output.getName());
        TensorInfo inputTensor = (TensorInfo) input.getInfo();
        TensorInfo outputTensor = (TensorInfo) output.getInfo();
        assertEquals(OnnxJavaType.FLOAT, inputTensor.type);
        assertEquals(OnnxJavaType.FLOAT, outputTensor.type);
        assertArrayEquals(new long[] {-1, Transaction.FEATURE_COUNT}, inputTensor.getShape());
        assertArrayEquals(new long[] {-1, FraudModelTrainer.LABELS.size()}, outputTensor.getShape());
    }

    @Test
    void configLabelsAreTheOutputColumns() throws IOException {
        JsonNode config = ExampleFiles.readJson(ExampleFiles.models().resolve("fraud/config.json"));
        assertEquals("classifier", config.get("pipeline").asText());
        assertEquals(FraudModelTrainer.LABELS, configLabels);
    }

    @Test
    void exampleRequestScoresFraudulentRowAboveLegitimateRow() throws IOException, OrtException {
        JsonNode input = ExampleFiles.readJson(ExampleFiles.requests().resolve("fraud.json"))
                .at("/inputs/0");
        assertEquals(FraudModelTrainer.INPUT_NAME, input.get("name").asText());
        assertEquals("FP32", input.get("datatype").asText());
        assertEquals("[2," + Transaction.FEATURE_COUNT + "]", input.get("shape").toString());

        float[][] rows = rows(input.get("data"), Transaction.FEATURE_COUNT);
        float[][] probabilities = score(rows);
        float legitimate = probabilities[0][fraudColumn];
        float fraudulent = probabilities[1][fraudColumn];
        assertTrue(legitimate < 0.05, "legitimate row scored " + legitimate);
        assertTrue(fraudulent > 0.9, "fraudulent row scored " + fraudulent);
        for (float[] row : probabilities) {
            assertEquals(1.0, row[0] + row[1], 1e-5);
        }
    }

    @Test
    void instancesRequestCarriesTheSameRows() throws IOException {
        JsonNode inferData = ExampleFiles.readJson(ExampleFiles.requests().resolve("fraud.json"))
                .at("/inputs/0/data");
        JsonNode instances = ExampleFiles.readJson(ExampleFiles.requests().resolve("fraud-instances.json"))
                .get("instances");
        List<JsonNode> flattened = new ArrayList<>();
        instances.forEach(row -> row.forEach(flattened::add));
        List<JsonNode> expected = new ArrayList<>();
        inferData.forEach(expected::add);
        assertEquals(expected, flattened);
    }

    /** Fresh transactions, scored by the exported graph: checks the standardization it carries, not just Tribuo's weights. */
    @Test
    void exportedGraphSeparatesUnseenTransactions() throws OrtException {
        List<Transaction> transactions = new TransactionGenerator(FraudModelTrainer.DEFAULT_SEED + 1).generate(20_000);
        float[][] rows = new float[transactions.size()][];
        for (int i = 0; i < rows.length; i++) {
            double[] features = transactions.get(i).features();
            rows[i] = new float[features.length];
            for (int c = 0; c < features.length; c++) {
                rows[i][c] = (float) features[c];
            }
        }
        float[][] probabilities = score(rows);
        double[] fraudScores = Arrays.stream(probabilities)
                .mapToDouble(row -> row[fraudColumn])
                .toArray();
        boolean[] fraud = new boolean[transactions.size()];
        for (int i = 0; i < fraud.length; i++) {
            fraud[i] = transactions.get(i).fraud();
        }
        double auc = areaUnderRocCurve(fraudScores, fraud);
        assertTrue(auc > 0.9, "AUC " + auc);
    }

    private static float[][] score(float[][] rows) throws OrtException {
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, rows);
                OrtSession.Result result = session.run(Map.of(FraudModelTrainer.INPUT_NAME, tensor))) {
            return (float[][]) result.get(0).getValue();
        }
    }

    private static float[][] rows(JsonNode flatData, int columns) {
        float[][] rows = new float[flatData.size() / columns][columns];
        for (int i = 0; i < flatData.size(); i++) {
            rows[i / columns][i % columns] = (float) flatData.get(i).asDouble();
        }
        return rows;
    }

    /** The probability that a random fraud scores above a random legitimate transaction (ties count half). */
    private static double areaUnderRocCurve(double[] scores, boolean[] positive) {
        Integer[] order = new Integer[scores.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double positiveRankSum = 0;
        long positives = 0;
        for (int start = 0; start < order.length; ) {
            int end = start;
            while (end < order.length && scores[order[end]] == scores[order[start]]) {
                end++;
            }
            double averageRank = (start + 1 + end) / 2.0; // ranks start..end-1, one-based
            for (int i = start; i < end; i++) {
                if (positive[order[i]]) {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }
            start = end;
        }
        long negatives = scores.length - positives;
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    private static NodeInfo single(Map<String, NodeInfo> nodes) {
        assertEquals(1, nodes.size(), "nodes " + nodes.keySet());
        return nodes.values().iterator().next();
    }
}
