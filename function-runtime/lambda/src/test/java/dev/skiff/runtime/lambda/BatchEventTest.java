package dev.skiff.runtime.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.runtime.testing.TestFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Distributed Map batches ({"Items": [...], "BatchInput": {...}}) through the handler, on the
 * example fraud model: answers per item in order, equal to ordinary infer answers; bad rows fail alone.
 */
class BatchEventTest {
    static TestFunction fn;

    // the two transactions of examples/requests/fraud.json, as CSV rows (strings) with extra and reordered columns
    static final String ROW_1 = """
            {"transaction_id": "t1", "note": "x", "hour_of_day": "13", "amount_usd": "23.5",
             "distance_from_home_km": "4.2", "merchant_risk": "0.12", "transactions_last_24h": "2",
             "card_present": "1", "foreign": "0", "account_age_days": "1825"}""";
    static final String ROW_2 = """
            {"transaction_id": "t2", "amount_usd": 1249.99, "hour_of_day": 3, "distance_from_home_km": 4380.0,
             "merchant_risk": 0.78, "transactions_last_24h": 9, "card_present": 0, "foreign": 1,
             "account_age_days": 12}""";

    @BeforeAll
    static void load() {
        fn = new TestFunction(TestFunction.examples());
    }

    @AfterAll
    static void close() {
        fn.close();
    }

    static JsonNode batch(String items) {
        return fn.invoke("{\"Items\": [" + items + "], \"BatchInput\": {\"model_name\": \"fraud\"}}");
    }

    @Test
    void eachItemIsAnsweredInOrderAsAnOrdinaryInferWould() throws Exception {
        JsonNode answer = batch(ROW_1 + "," + ROW_2);
        assertEquals(2, answer.size(), answer.toString());
        String request =
                java.nio.file.Files.readString(TestFunction.examplesRequests().resolve("fraud.json"));
        JsonNode infer = fn.invoke(request.replaceFirst("\\{", "{\"model_name\": \"fraud\","));
        for (int row = 0; row < 2; row++) {
            JsonNode item = answer.get(row);
            assertEquals("t" + (row + 1), item.get("transaction_id").asText());
            assertEquals(
                    outputRow(infer, "label", row).asText(), item.get("label").asText());
            assertEquals(
                    outputRow(infer, "probability", row).floatValue(),
                    item.get("probability").floatValue());
            assertFalse(item.has("note"), "only the configured keys pass through");
        }
    }

    static JsonNode outputRow(JsonNode infer, String name, int row) {
        for (JsonNode output : infer.get("outputs")) {
            if (output.get("name").asText().equals(name))
                return output.get("data").get(row);
        }
        throw new AssertionError("no output " + name + " in " + infer);
    }

    @Test
    void aBadRowFailsAloneWithAMessageThatNamesTheColumn() {
        String notANumber = ROW_1.replace("\"23.5\"", "\"twelve\"").replace("t1", "bad-1");
        String missing = ROW_2.replace("\"amount_usd\": 1249.99,", "").replace("t2", "bad-2");
        String empty = ROW_1.replace("\"13\"", "\"\"").replace("t1", "bad-3");
        JsonNode answer = batch(String.join(",", ROW_1, notANumber, missing, "{}", empty, ROW_2));
        assertEquals(6, answer.size());
        assertTrue(answer.get(0).has("label"));
        assertEquals(
                "column 'amount_usd': 'twelve' is not a number (FP32)",
                answer.get(1).get("error").asText());
        assertEquals("bad-1", answer.get(1).get("transaction_id").asText());
        assertEquals(
                "column 'amount_usd' is missing", answer.get(2).get("error").asText());
        assertEquals(
                "column 'amount_usd' is missing", answer.get(3).get("error").asText());
        assertTrue(answer.get(3).get("transaction_id").isNull());
        assertEquals("column 'hour_of_day' is empty", answer.get(4).get("error").asText());
        assertEquals(answer.get(0).get("label"), batch(ROW_1).get(0).get("label"));
        assertTrue(answer.get(5).has("probability"));
    }

    @Test
    void moreItemsThanMaxBatchSizeRunInSeveralModelRuns() {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 600; i++) items.append(i == 0 ? "" : ",").append(i % 2 == 0 ? ROW_1 : ROW_2);
        JsonNode answer = batch(items.toString());
        assertEquals(600, answer.size());
        for (int i = 0; i < 600; i++)
            assertEquals(
                    i % 2 == 0 ? "t1" : "t2",
                    answer.get(i).get("transaction_id").asText());
    }

    @Test
    void aModelWithoutBatchColumnsOrAnUnknownModelFailsTheWholeBatchWithTheProtocolsErrorBody() {
        JsonNode unknown = fn.invoke("{\"Items\": [{}], \"BatchInput\": {\"model_name\": \"nope\"}}");
        assertTrue(unknown.get("error").asText().startsWith("model 'nope' is not served here"), unknown.toString());
        JsonNode noItems = fn.invoke("{\"Items\": {}, \"BatchInput\": {\"model_name\": \"fraud\"}}");
        assertEquals("\"Items\" must be an array", noItems.get("error").asText());
        JsonNode broken = fn.invoke("{\"Items\": [{\"amount_usd\": \"1\"}], \"BatchInput\": {\"model_name\": ");
        assertTrue(broken.get("error").asText().startsWith("the batch is not valid JSON"), broken.toString());
    }
}
