package dev.skiff.runtime.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.runtime.lambda.SkiffHandler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static dev.skiff.runtime.testing.TestFunction.httpApiEvent;

/**
 * The vector set every Skiff handler must answer byte for byte as the plain one does: the plain
 * {@link SkiffHandler}, and the Quarkus and Micronaut adapters. Served from the example models
 * ({@code $SKIFF_MODEL_REPOSITORY} = examples/models), with the example requests.
 */
public final class HandlerVectors {
    /** What a direct invocation's answer, which carries no status, is when it is the protocol's error body. */
    public static final int DIRECT_ERROR = 0;

    /** One event and the status it must get. */
    public record Vector(String name, String event, int status) {
        public byte[] bytes() {
            return event.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private HandlerVectors() {}

    public static List<Vector> all() {
        String fraud = request("fraud.json");
        return List.of(
                http("server ready", "GET", "/v2/health/ready", null, 200),
                http("server live", "GET", "/v2/health/live", null, 200),
                http("server metadata", "GET", "/v2", null, 200),
                http("model metadata", "GET", "/v2/models/minilm", null, 200),
                http("model ready", "GET", "/v2/models/fraud/versions/1/ready", null, 200),
                http("fraud infer", "POST", "/v2/models/fraud/infer", fraud, 200),
                http("fraud infer, version 1", "POST", "/v2/models/fraud/versions/1/infer", fraud, 200),
                http("fraud infer, TF-Serving instances", "POST", "/v2/models/fraud/infer", request("fraud-instances.json"), 200),
                http("minilm embeddings", "POST", "/v2/models/minilm/infer", request("minilm.json"), 200),
                new Vector("direct invocation", "{\"model_name\":\"fraud\"," + fraud.trim().substring(1), 200),
                http("unknown model", "POST", "/v2/models/nope/infer", fraud, 404),
                http("unknown version", "POST", "/v2/models/fraud/versions/9/infer", fraud, 404),
                http("malformed JSON", "POST", "/v2/models/fraud/infer", "{\"inputs\": [", 400),
                http("wrong datatype", "POST", "/v2/models/fraud/infer",
                        fraud.replace("\"FP32\"", "\"FP64\""), 400),
                http("wrong shape", "POST", "/v2/models/fraud/infer", fraud.replace("[2, 8]", "[2, 7]"), 400),
                http("wrong method", "GET", "/v2/models/fraud/infer", null, 405),
                http("unknown route", "GET", "/v1/models/fraud", null, 404),
                new Vector("direct invocation, malformed", "{\"model_name\": \"fraud\", \"inputs\": [", DIRECT_ERROR));
    }

    /** The first event of the vector set's run: it is the cold start that each handler reports. */
    public static Vector first() {
        return http("first request", "GET", "/v2/models/fraud", null, 200);
    }

    /** The status an answer carries: an HTTP event's, or for a direct invocation 200 or {@link #DIRECT_ERROR}. */
    public static int status(byte[] answer) {
        JsonNode json = json(answer);
        if (json.has("statusCode")) return json.get("statusCode").asInt();
        return json.has("error") ? DIRECT_ERROR : 200;
    }

    /** The answer of the plain handler, {@code SkiffHandler::handleRequest}, as Lambda calls it. */
    public static byte[] plainAnswer(byte[] event, String requestId, String invokedArn) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new SkiffHandler().handleRequest(new ByteArrayInputStream(event), out, context(requestId, invokedArn));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static String text(byte[] answer) {
        return new String(answer, StandardCharsets.UTF_8);
    }

    private static JsonNode json(byte[] answer) {
        try {
            return TestFunction.JSON.readTree(answer);
        } catch (IOException e) {
            throw new UncheckedIOException("the answer is not JSON: " + text(answer), e);
        }
    }

    private static Vector http(String name, String method, String path, String body, int status) {
        return new Vector(name, httpApiEvent(method, path, body), status);
    }

    private static String request(String file) {
        try {
            return Files.readString(TestFunction.examplesRequests().resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Lambda context with what the function reads from one: the request id and the invoked ARN. */
    public static Context context(String requestId, String invokedArn) {
        return new Context() {
            @Override public String getAwsRequestId() { return requestId; }
            @Override public String getInvokedFunctionArn() { return invokedArn; }
            @Override public String getLogGroupName() { return "/aws/lambda/skiff-test"; }
            @Override public String getLogStreamName() { return "test"; }
            @Override public String getFunctionName() { return "skiff-test"; }
            @Override public String getFunctionVersion() { return "$LATEST"; }
            @Override public CognitoIdentity getIdentity() { return null; }
            @Override public ClientContext getClientContext() { return null; }
            @Override public int getRemainingTimeInMillis() { return 30_000; }
            @Override public int getMemoryLimitInMB() { return 1024; }
            @Override public LambdaLogger getLogger() {
                return new LambdaLogger() {
                    @Override public void log(String message) { System.out.print(message); }
                    @Override public void log(byte[] message) { System.out.write(message, 0, message.length); }
                };
            }
        };
    }
}
