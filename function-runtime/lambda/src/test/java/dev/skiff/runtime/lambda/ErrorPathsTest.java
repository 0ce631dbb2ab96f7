package dev.skiff.runtime.lambda;

import static dev.skiff.runtime.testing.OnnxModelBuilder.FLOAT;
import static dev.skiff.runtime.testing.TestFunction.body;
import static dev.skiff.runtime.testing.vectors.LambdaEvents.httpApiEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.runtime.testing.OnnxModelBuilder;
import dev.skiff.runtime.testing.Repositories;
import dev.skiff.runtime.testing.TestFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Every way a request can be wrong gets its status, the protocol's error body and a message that says what. */
class ErrorPathsTest {
    @TempDir
    static Path repo;

    static TestFunction fn;

    @BeforeAll
    static void models() throws Exception {
        Repositories.model(repo, "m", 1, OnnxModelBuilder.identity(FLOAT, "batch", 4), "{\"maxBatchSize\": 8}");
        fn = new TestFunction(repo);
    }

    @AfterAll
    static void close() {
        fn.close();
    }

    private static String input(String name, String shape, String datatype, String data) {
        return "{\"inputs\":[{\"name\":\"" + name + "\",\"shape\":" + shape + ",\"datatype\":\"" + datatype
                + "\",\"data\":" + data + "}]}";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                "malformed JSON            | POST | /v2/models/m/infer            | {\"inputs\": [        | 400 | not valid JSON",
                "empty body                | POST | /v2/models/m/infer            |                       | 400 | body is empty",
                "not an object             | POST | /v2/models/m/infer            | [1,2]                 | 400 | must be a JSON object",
                "unknown field             | POST | /v2/models/m/infer            | {\"input\": []}       | 400 | unknown field \"input\"",
                "two objects               | POST | /v2/models/m/infer            | {\"id\": \"a\"} {}  | 400 | more after its JSON object",
                "no inputs                 | POST | /v2/models/m/infer            | {\"id\": \"a\"}       | 400 | has no \"inputs\"",
                "unknown model             | POST | /v2/models/nope/infer         | {}                    | 404 | model 'nope' is not served here",
                "unknown version           | POST | /v2/models/m/versions/7/infer | {}                    | 404 | no version or alias '7'",
                "unknown alias             | POST | /v2/models/m/versions/beta/infer | {}                 | 404 | no version or alias 'beta'",
                "unsupported route         | GET  | /v1/models/m                  |                       | 404 | no route GET /v1/models/m",
                "wrong method              | GET  | /v2/models/m/infer            |                       | 405 | GET is not allowed",
                "wrong method on metadata  | POST | /v2/models/m                  | {}                    | 405 | use GET",
            })
    void rejected(String what, String method, String path, String body, int status, String message) {
        JsonNode answer = fn.invoke(httpApiEvent(method, path, body));
        assertEquals(status, answer.get("statusCode").asInt(), answer.toString());
        String error = body(answer).get("error").asText();
        assertTrue(error.contains(message), what + ": " + error);
        assertEquals(1, body(answer).size(), "the error body holds only \"error\"");
    }

    /** What fuzzing the event codec found: bytes Jackson's encoding detection takes for UTF-32 were a 500. */
    @Test
    void anEventJacksonCannotDecodeIsRefusedAsNotJson() throws Exception {
        byte[] event = {1, 0, 0, 0, 'r', 's', 'i', 'o', 'n', '"', ':', '"', '1', '"'};
        JsonNode reply = TestFunction.JSON.readTree(fn.function.handle(event, "req-1", TestFunction.ARN));
        String error = reply.get("error").asText();
        assertTrue(error.startsWith("the event is not valid JSON: Invalid UTF-32 character"), error);
    }

    /** Behind the API's $default route one function answers for the stack: its 404 names the stack's models. */
    @Test
    void anUnknownModelsNotFoundNamesTheStacksModelsAtMostTen() throws Exception {
        List<String> stack = new ArrayList<>(List.of("fraud", "m", "minilm"));
        for (int i = 0; i < 12; i++) stack.add("model" + i);
        LambdaFunction function = new LambdaFunction(
                fn.function.repository(), new PrintStream(new ByteArrayOutputStream()), false, stack);
        byte[] answer = function.handle(
                httpApiEvent("POST", "/v2/models/nope/infer", "{}").getBytes(StandardCharsets.UTF_8),
                "req-1",
                TestFunction.ARN);
        JsonNode reply = TestFunction.JSON.readTree(answer);
        assertEquals(404, reply.get("statusCode").asInt(), reply::toString);
        assertEquals(
                "model 'nope' is not served here; models: [fraud, m, minilm, model0, model1, model2, model3, model4, "
                        + "model5, model6, ... 5 more]",
                body(reply).get("error").asText());

        JsonNode own = fn.invoke(httpApiEvent("POST", "/v2/models/nope/infer", "{}"));
        assertEquals(
                "model 'nope' is not served here; models: [m]",
                body(own).get("error").asText(),
                "without the stack's names, the function's own");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                "missing input        | y | [1,4]   | FP32    | [1,2,3,4]           | is not an input of model 'm'; it takes [x FP32[-1, 4]]",
                "wrong datatype       | x | [1,4]   | FP64    | [1,2,3,4]           | datatype FP64 given, the model takes FP32",
                "unknown datatype     | x | [1,4]   | FLOAT   | [1,2,3,4]           | unknown datatype \"FLOAT\"",
                "too few elements     | x | [2,4]   | FP32    | [1,2,3,4]           | shape [2, 4] needs 8 elements, data has 4",
                "too many elements    | x | [1,4]   | FP32    | [1,2,3,4,5]         | more data elements than its shape holds (4)",
                "wrong model shape    | x | [1,3]   | FP32    | [1,2,3]             | disagrees with the model's [-1, 4] at dimension 1: expected 4",
                "wrong rank           | x | [4]     | FP32    | [1,2,3,4]           | has 1 dimensions, the model takes 2",
                "overflowing shape    | x | [4294967296,4294967296,4] | FP32 | [1] | more elements than a tensor can hold",
                "huge shape           | x | [100000000,4] | FP32 | [1]              | more than the request's data could hold",
                "negative shape       | x | [-1,4]  | FP32    | [1,2,3,4]           | non-negative integers",
                "string in numbers    | x | [1,4]   | FP32    | [1,\"two\",3,4]     | element 1 is \"two\", but datatype FP32 needs a number",
                "ragged data          | x | [2,4]   | FP32    | [[1,2,3,4],[5,6,7]] | ragged",
                "batch over max       | x | [9,4]   | FP32    | [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0] | more than model 'm' takes at once (maxBatchSize 8)",
            })
    void badInputs(String what, String name, String shape, String datatype, String data, String message) {
        JsonNode answer = fn.invoke(httpApiEvent("POST", "/v2/models/m/infer", input(name, shape, datatype, data)));
        assertEquals(400, answer.get("statusCode").asInt(), what + ": " + answer);
        String error = body(answer).get("error").asText();
        assertTrue(error.contains(message), what + ": " + error);
    }

    @Test
    void integerRangeIsChecked() throws Exception {
        Path intRepo = repo.resolveSibling(repo.getFileName() + "-int");
        Repositories.model(intRepo, "i8", 1, OnnxModelBuilder.identity(OnnxModelBuilder.INT8, 2), null);
        try (TestFunction ints = new TestFunction(intRepo)) {
            JsonNode answer =
                    ints.invoke(httpApiEvent("POST", "/v2/models/i8/infer", input("x", "[2]", "INT8", "[1,300]")));
            assertEquals(400, answer.get("statusCode").asInt());
            assertTrue(body(answer).get("error").asText().contains("element 1 is 300, outside INT8's range -128..127"));
            answer = ints.invoke(httpApiEvent("POST", "/v2/models/i8/infer", input("x", "[2]", "INT8", "[1,2.5]")));
            assertTrue(body(answer)
                    .get("error")
                    .asText()
                    .contains("element 1 is 2.5, but datatype INT8 needs a whole number"));
        }
    }

    @Test
    void onnxRuntimeFailureIs500WithASafeMessage() throws Exception {
        Path addRepo = repo.resolveSibling(repo.getFileName() + "-add");
        // passes every check Skiff can make, then fails to broadcast [3,2] + [2,3] inside ONNX Runtime
        Repositories.model(
                addRepo,
                "add",
                1,
                new OnnxModelBuilder()
                        .input("a", FLOAT, "n", 2)
                        .input("b", FLOAT, 2, "m")
                        .output("y", FLOAT, "n", 2)
                        .node("Add", java.util.List.of("a", "b"), java.util.List.of("y")),
                null);
        try (TestFunction add = new TestFunction(addRepo)) {
            String request =
                    "{\"inputs\":[{\"name\":\"a\",\"shape\":[3,2],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6]},"
                            + "{\"name\":\"b\",\"shape\":[2,3],\"datatype\":\"FP32\",\"data\":[1,2,3,4,5,6]}]}";
            JsonNode answer = add.invoke(httpApiEvent("POST", "/v2/models/add/infer", request));
            assertEquals(500, answer.get("statusCode").asInt());
            String error = body(answer).get("error").asText();
            assertTrue(error.startsWith("model 'add' version 1 failed to run: "), error);
            assertFalse(
                    error.contains("\tat ") || error.contains("Exception"),
                    "no stack trace or exception class: " + error);
            // the process lives on and serves the next request
            request = request.replace("\"shape\":[2,3]", "\"shape\":[2,2]")
                    .replace("[1,2,3,4,5,6]}]", "[1,2,3,4]}]")
                    .replace("\"shape\":[3,2]", "\"shape\":[2,2]")
                    .replace("[1,2,3,4,5,6]},", "[1,2,3,4]},");
            assertEquals(
                    200,
                    add.invoke(httpApiEvent("POST", "/v2/models/add/infer", request))
                            .get("statusCode")
                            .asInt());
        }
    }

    @Test
    void unknownRequestedOutput() {
        String request = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}],"
                + "\"outputs\":[{\"name\":\"z\"}]}";
        JsonNode answer = fn.invoke(httpApiEvent("POST", "/v2/models/m/infer", request));
        assertEquals(400, answer.get("statusCode").asInt());
        assertTrue(body(answer)
                .get("error")
                .asText()
                .contains("output 'z' is not an output of model 'm'; it gives [y FP32[-1, 4]]"));
    }

    @Test
    void bodyOverLambdaLimitIs413() {
        String big = "{\"id\":\"" + "x".repeat(6 * 1024 * 1024) + "\"}";
        JsonNode answer = fn.invoke(httpApiEvent("POST", "/v2/models/m/infer", big));
        assertEquals(413, answer.get("statusCode").asInt());
        assertTrue(body(answer).get("error").asText().contains("over the limit of 6291456 bytes"));
    }

    @Test
    void garbageEventsAreAnsweredNotThrown() {
        assertEquals(
                "the event must be a JSON object: an API Gateway or ALB event, or an infer request",
                fn.invoke("[]").get("error").asText());
        assertTrue(fn.invoke("{\"hello\": 1}").get("error").asText().startsWith("unrecognised event"));
        assertTrue(fn.invoke("{not json").get("error").asText().startsWith("the event is not valid JSON"));
    }

    @Test
    void errorsAreLoggedWithoutStackTraces() {
        fn.invoke(httpApiEvent("POST", "/v2/models/m/infer", "{\"inputs\": 1}"));
        String log = fn.log();
        assertTrue(log.contains("\"status\":400"), log);
        assertFalse(log.contains("\tat "), "no stack trace in the log for a client error");
    }
}
