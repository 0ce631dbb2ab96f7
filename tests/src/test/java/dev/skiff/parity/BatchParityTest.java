package dev.skiff.parity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.gpu.TestServer;
import dev.skiff.runtime.testing.TestFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The same Distributed Map batch (ItemBatcher's event) given to the Lambda function and posted to
 * the pool's {@code /v2/models/{m}/batch}: the same answer, byte for byte, bad rows included.
 */
class BatchParityTest {
    static final String GOOD = "{\"transaction_id\": \"t1\", \"amount_usd\": \"12.5\", \"hour_of_day\": \"3\", "
            + "\"distance_from_home_km\": \"1.2\", \"merchant_risk\": \"0.1\", \"transactions_last_24h\": \"2\", "
            + "\"card_present\": \"1\", \"foreign\": \"0\", \"account_age_days\": \"400\"}";

    @TempDir
    static Path temp;

    static TestServer pool;
    static TestFunction lambda;

    @BeforeAll
    static void start() throws Exception {
        Path aliases = Files.writeString(
                temp.resolve("aliases.json"),
                "{\"fraud\": {\"live\": {\"version\": \"1\"}}, \"minilm\": {\"live\": {\"version\": 1}}}");
        pool = TestServer.start(TestFunction.examples(), "--aliases", aliases.toString());
        lambda = new TestFunction(TestFunction.examples(), "fraud", "minilm");
    }

    @AfterAll
    static void stop() {
        if (pool != null) pool.close();
        if (lambda != null) lambda.close();
    }

    /** CSV rows (strings), JSONL rows (numbers), a string where a number belongs, a missing column, an empty row. */
    @Test
    void fraudRowsGoodAndBadAnswerAlike() throws Exception {
        String jsonl = GOOD.replace("\"t1\"", "\"t2\"").replaceAll("\"([0-9.]+)\"", "$1");
        String twelve = GOOD.replace("\"t1\"", "\"t3\"").replace("\"12.5\"", "\"twelve\"");
        String missing = GOOD.replace("\"t1\"", "\"t4\"").replace("\"hour_of_day\": \"3\", ", "");
        String event = "{\"Items\": [" + GOOD + ", " + jsonl + ", " + twelve + ", " + missing + ", {}, [1]], "
                + "\"BatchInput\": {\"model_name\": \"fraud\", \"model_version\": \"live\"}}";
        byte[] answer = sameOnBoth("/v2/models/fraud/batch", event, 200);
        JsonNode items = TestFunction.JSON.readTree(answer);
        assertEquals(6, items.size(), new String(answer, StandardCharsets.UTF_8));
        assertTrue(items.get(0).has("label") && items.get(1).has("probability"), items::toString);
        assertEquals(
                "column 'amount_usd': 'twelve' is not a number (FP32)",
                items.get(2).get("error").asText());
        assertEquals(
                "column 'hour_of_day' is missing", items.get(3).get("error").asText());
        assertTrue(items.get(4).has("error") && items.get(5).has("error"), items::toString);
    }

    /** minilm is not batch-invariant: one row a model run, on both. */
    @Test
    void textRowsAnswerAlike() throws Exception {
        String event = "{\"Items\": [{\"id\": 1, \"text\": \"a cat\"}, {\"id\": 2, \"text\": 7}, "
                + "{\"id\": 3, \"text\": \"a much longer sentence about dogs\"}], \"BatchInput\": {\"model_name\": \"minilm\"}}";
        byte[] answer = sameOnBoth("/v2/models/minilm/batch", event, 200);
        JsonNode items = TestFunction.JSON.readTree(answer);
        assertTrue(!items.get(0).has("error") && !items.get(2).has("error"), items::toString);
        assertEquals(
                "column 'text' holds a number (7), not text",
                items.get(1).get("error").asText());
    }

    @Test
    void anUnknownVersionIsTheSame404() {
        String event =
                "{\"Items\": [" + GOOD + "], \"BatchInput\": {\"model_name\": \"fraud\", \"model_version\": \"9\"}}";
        sameOnBoth("/v2/models/fraud/batch", event, 404);
    }

    @Test
    void thePathNamesTheModelAndABatchInputMustAgree() {
        String noInput = "{\"Items\": [" + GOOD + "]}";
        TestServer.Reply reply = pool.post("/v2/models/fraud/versions/1/batch", noInput);
        assertEquals(200, reply.status(), reply::text);
        assertEquals("1", reply.header("x-skiff-model-version"));

        String other = "{\"Items\": [], \"BatchInput\": {\"model_name\": \"minilm\"}}";
        reply = pool.post("/v2/models/fraud/batch", other);
        assertEquals(400, reply.status(), reply::text);
        assertEquals(
                "the batch's BatchInput names model 'minilm', but the path names 'fraud'",
                reply.json().get("error").asText());

        reply = pool.post(
                "/v2/models/fraud/versions/1/batch", "{\"Items\": [], \"BatchInput\": {\"model_version\": \"live\"}}");
        assertEquals(400, reply.status(), reply::text);
    }

    /** The state machine sends model_version "live"; a pool whose store sets no live alias serves its default. */
    @Test
    void livePicksThePoolsDefaultWhereNoLiveAliasIsSet() throws Exception {
        String event =
                "{\"Items\": [" + GOOD + "], \"BatchInput\": {\"model_name\": \"fraud\", \"model_version\": \"live\"}}";
        try (TestServer noAliases = TestServer.start(TestFunction.examples(), "--only", "fraud")) {
            TestServer.Reply reply = noAliases.post("/v2/models/fraud/versions/live/batch", event);
            assertEquals(200, reply.status(), reply::text);
            assertEquals("1", reply.header("x-skiff-model-version"));
            byte[] fromLambda =
                    lambda.function.handle(event.getBytes(StandardCharsets.UTF_8), "req-1", TestFunction.ARN);
            assertArrayEquals(fromLambda, reply.body(), reply::text);
        }
    }

    @Test
    void badBodiesAndMethodsAreProtocolErrors() {
        TestServer.Reply reply = pool.post("/v2/models/fraud/batch", "[1, 2]");
        assertEquals(400, reply.status(), reply::text);
        assertTrue(reply.json().get("error").asText().startsWith("a batch must be a JSON object"), reply::text);
        reply = pool.post("/v2/models/fraud/batch", "{\"Items\": [");
        assertEquals(400, reply.status(), reply::text);
        assertTrue(reply.json().get("error").asText().startsWith("the batch is not valid JSON"), reply::text);
        reply = pool.post("/v2/models/fraud/batch", "{\"BatchInput\": {}}");
        assertEquals(400, reply.status(), reply::text);
        assertEquals(
                "the batch has no \"Items\" array", reply.json().get("error").asText());
        reply = pool.send("GET", "/v2/models/fraud/batch", null);
        assertEquals(405, reply.status(), reply::text);
        assertEquals("POST", reply.header("allow"));
        reply = pool.post("/v2/models/nope/batch", "{\"Items\": []}");
        assertEquals(404, reply.status(), reply::text);
    }

    /** The function's bare answer (a batch is a direct invocation) and the pool's body: the same bytes. */
    private static byte[] sameOnBoth(String path, String event, int poolStatus) {
        byte[] fromLambda = lambda.function.handle(event.getBytes(StandardCharsets.UTF_8), "req-1", TestFunction.ARN);
        TestServer.Reply reply = pool.post(path, event);
        assertEquals(poolStatus, reply.status(), reply::text);
        assertEquals("gpu-pool", reply.header("x-skiff-target"));
        assertArrayEquals(
                fromLambda,
                reply.body(),
                () -> "lambda: " + new String(fromLambda, StandardCharsets.UTF_8) + "\npool:   " + reply.text());
        return fromLambda;
    }
}
