package dev.skiff.emulator.invokeapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.emulator.Emulator;
import dev.skiff.emulator.support.CollectingLog;
import dev.skiff.emulator.support.Templates;
import dev.skiff.emulator.support.TestFunctionPackage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasRoutingConfiguration;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvalidRequestContentException;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LogType;
import software.amazon.awssdk.services.lambda.model.PublishVersionResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;
import software.amazon.awssdk.services.lambda.model.UpdateAliasResponse;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Lambda API through the AWS SDK for Java v2, unchanged but for the endpoint, against real
 * environment processes: the official runtime client for java21, a curl bootstrap for provided.al2023.
 */
class LambdaApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path directory;

    static Emulator emulator;
    static LambdaClient lambda;
    static CollectingLog log = new CollectingLog();

    @BeforeAll
    static void start() throws Exception {
        TestFunctionPackage.javaPackage(directory.resolve("java"), "one");
        TestFunctionPackage.bootstrapPackage(directory.resolve("custom"));
        Path template = Templates.write(directory, """
                AWSTemplateFormatVersion: '2010-09-09'
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: java21
                    Handler: %s
                    CodeUri: java
                    MemorySize: 256
                Resources:
                  Echo:
                    Type: AWS::Serverless::Function
                    Properties:
                      AutoPublishAlias: live
                      Environment:
                        Variables:
                          GREETING: hello
                          JAVA_TOOL_OPTIONS: -Dskiff.test=yes
                  Tuned:
                    Type: AWS::Serverless::Function
                    Properties:
                      Environment:
                        Variables:
                          JAVA_TOOL_OPTIONS: -XX:+UseParallelGC -XX:TieredStopAtLevel=4
                  Limited:
                    Type: AWS::Serverless::Function
                    Properties:
                      ReservedConcurrentExecutions: 1
                  Slow:
                    Type: AWS::Serverless::Function
                    Properties:
                      Timeout: 3
                  Custom:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: provided.al2023
                      Handler: greeting.handler
                      CodeUri: custom
                  Broken:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: dev.skiff.emulator.testfunctions.FailingInitHandler::handleRequest
                """.formatted(Templates.HANDLER));
        emulator = Emulator.start(
                Emulator.Options.defaults(template).withPorts(-1, 0).withLog(log));
        lambda = LambdaClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + emulator.lambdaPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .overrideConfiguration(
                        o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(30)))
                .build();
    }

    @AfterAll
    static void stop() {
        lambda.close();
        emulator.close();
    }

    /** Lambda documents JAVA_TOOL_OPTIONS as the way to pick another collector or tiered level. */
    @Test
    void javaToolOptionsOverrideLambdasCollectorAndTieredLevel() throws Exception {
        InvokeResponse response = lambda.invoke(r -> r.functionName("Tuned").payload(SdkBytes.fromUtf8String("{}")));

        assertNull(response.functionError(), () -> response.payload().asUtf8String());
        JsonNode body = JSON.readTree(response.payload().asByteArray());
        assertEquals(
                "PS MarkSweep,PS Scavenge",
                String.join(",", sorted(body.get("collectors").asText())));
        assertEquals("4", body.get("tieredStopAtLevel").asText());
    }

    private static java.util.List<String> sorted(String names) {
        return java.util.Arrays.stream(names.split(",")).sorted().toList();
    }

    @Test
    void invokesAnAliasWithTheLogTail() throws Exception {
        InvokeResponse response = lambda.invoke(r -> r.functionName("Echo")
                .qualifier("live")
                .logType(LogType.TAIL)
                .payload(SdkBytes.fromUtf8String("{\"hello\":\"world\"}")));

        assertEquals(200, response.statusCode());
        assertNull(response.functionError());
        assertEquals("1", response.executedVersion());
        JsonNode body = JSON.readTree(response.payload().asByteArray());
        assertEquals("1", body.get("version").asText(), "AWS_LAMBDA_FUNCTION_VERSION");
        assertEquals("Echo", body.get("functionName").asText());
        assertEquals("256", body.get("memorySize").asText());
        assertEquals("hello", body.get("greeting").asText(), "template Environment");
        assertEquals("yes", body.get("toolOption").asText(), "JAVA_TOOL_OPTIONS honoured");
        assertEquals("on-demand", body.get("initializationType").asText());
        assertEquals(":UTC", body.get("tz").asText());
        assertEquals("/aws/lambda/Echo", body.get("logGroup").asText());
        assertEquals(
                "arn:aws:lambda:us-east-1:123456789012:function:Echo:live",
                body.get("invokedArn").asText());
        assertEquals("Copy,MarkSweepCompact", body.get("collectors").asText(), "Lambda's serial collector");
        assertEquals("1", body.get("tieredStopAtLevel").asText(), "Lambda's C1-only default");
        double heapShare = body.get("maxHeapBytes").asDouble() / (256 * 1024 * 1024);
        assertTrue(heapShare > 0.7 && heapShare <= 0.85, "heap is 85% of MemorySize, less GC reserves: " + heapShare);

        String tail = new String(Base64.getDecoder().decode(response.logResult()), StandardCharsets.UTF_8);
        String requestId = body.get("requestId").asText();
        assertTrue(tail.contains("START RequestId: " + requestId + " Version: 1"), tail);
        assertTrue(tail.contains("handling " + requestId), tail);
        assertTrue(tail.contains("logged through the context logger"), tail);
        assertTrue(tail.contains("END RequestId: " + requestId), tail);
        assertTrue(
                tail.matches(
                        "(?s).*REPORT RequestId: " + requestId
                                + "\tDuration: [0-9.]+ ms\tBilled Duration: \\d+ ms\tMemory Size: 256 MB\tMax Memory Used: \\d+ MB.*"),
                tail);
    }

    @Test
    void publishesAVersionAndSplitsAnAliasByWeight() throws Exception {
        // a code change makes $LATEST differ from version 1, so PublishVersion creates version 2
        Path marker = directory.resolve("java/marker.txt");
        Files.writeString(marker, "one, edited");
        Files.setLastModifiedTime(marker, FileTime.from(Instant.now().plusSeconds(5)));
        PublishVersionResponse published =
                lambda.publishVersion(r -> r.functionName("Echo").description("second"));
        assertEquals("2", published.version());
        assertEquals("second", published.description());
        assertEquals(
                3,
                lambda.listVersionsByFunction(r -> r.functionName("Echo"))
                        .versions()
                        .size(),
                "$LATEST, 1, 2");

        UpdateAliasResponse updated = lambda.updateAlias(r -> r.functionName("Echo")
                .name("live")
                .functionVersion("1")
                .routingConfig(AliasRoutingConfiguration.builder()
                        .additionalVersionWeights(Map.of("2", 0.1))
                        .build()));
        assertEquals("1", updated.functionVersion());
        assertEquals(0.1, updated.routingConfig().additionalVersionWeights().get("2"));
        assertEquals(
                Map.of("2", 0.1),
                lambda.getAlias(r -> r.functionName("Echo").name("live"))
                        .routingConfig()
                        .additionalVersionWeights());

        int second = 0;
        int total = 1000;
        for (int i = 0; i < total; i++) {
            InvokeResponse response = lambda.invoke(r -> r.functionName("Echo").qualifier("live"));
            assertNull(response.functionError());
            if (response.executedVersion().equals("2")) {
                second++;
            } else {
                assertEquals("1", response.executedVersion());
            }
        }
        double share = second / (double) total;
        System.out.printf(
                "alias live 90/10: version 1 served %d, version 2 served %d of %d (%.1f%%)%n",
                total - second, second, total, share * 100);
        assertTrue(Math.abs(share - 0.10) <= 0.05, "version 2 share " + share);

        lambda.updateAlias(r -> r.functionName("Echo")
                .name("live")
                .functionVersion("1")
                .routingConfig(AliasRoutingConfiguration.builder()
                        .additionalVersionWeights(Map.of())
                        .build()));
    }

    @Test
    void aliasesFollowLambdasRules() {
        lambda.createAlias(r -> r.functionName("Echo").name("canary").functionVersion("1"));
        assertTrue(lambda.listAliases(r -> r.functionName("Echo")).aliases().stream()
                .anyMatch(a -> a.name().equals("canary")));
        assertThrows(
                InvalidParameterValueException.class,
                () -> lambda.updateAlias(r -> r.functionName("Echo")
                        .name("canary")
                        .functionVersion("1")
                        .routingConfig(AliasRoutingConfiguration.builder()
                                .additionalVersionWeights(Map.of("1", 0.5))
                                .build())));
        assertThrows(
                ResourceNotFoundException.class,
                () -> lambda.updateAlias(r -> r.functionName("Echo")
                        .name("canary")
                        .routingConfig(AliasRoutingConfiguration.builder()
                                .additionalVersionWeights(Map.of("99", 0.5))
                                .build())));
        lambda.deleteAlias(r -> r.functionName("Echo").name("canary"));
        assertThrows(
                ResourceNotFoundException.class,
                () -> lambda.getAlias(r -> r.functionName("Echo").name("canary")));
        ResourceNotFoundException missing = assertThrows(
                ResourceNotFoundException.class, () -> lambda.invoke(r -> r.functionName("NoSuchFunction")));
        assertEquals(404, missing.statusCode());
        assertThrows(
                ResourceNotFoundException.class,
                () -> lambda.invoke(r -> r.functionName("Echo").qualifier("nope")));
    }

    @Test
    void aPayloadThatIsNotJsonIsRefusedAsLambdaDoes() {
        for (String payload : new String[] {"not json", "{\"Items\": [{\"a\": \"1\"}, {\"a\": ", "[1, 2}"}) {
            InvalidRequestContentException refused = assertThrows(
                    InvalidRequestContentException.class,
                    () -> lambda.invoke(r -> r.functionName("Echo").payload(SdkBytes.fromUtf8String(payload))),
                    payload);
            assertEquals(400, refused.statusCode());
            assertTrue(refused.getMessage().startsWith("Could not parse request body into json"), refused.getMessage());
        }
    }

    @Test
    void beyondReservedConcurrencyIsThrottled() throws Exception {
        CompletableFuture<InvokeResponse> busy = CompletableFuture.supplyAsync(() -> lambda.invoke(
                r -> r.functionName("Limited").payload(SdkBytes.fromUtf8String("{\"cmd\":\"act:sleep:1500\"}"))));
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (emulator.registry().find("Limited").function().pool().busyCount() == 0
                && System.nanoTime() < waitUntil) {
            Thread.sleep(10);
        }
        TooManyRequestsException throttled =
                assertThrows(TooManyRequestsException.class, () -> lambda.invoke(r -> r.functionName("Limited")));
        assertEquals(429, throttled.statusCode());
        assertEquals("ReservedFunctionConcurrentInvocationLimitExceeded", throttled.reasonAsString());
        assertNull(busy.get(30, TimeUnit.SECONDS).functionError());
        assertNull(
                lambda.invoke(r -> r.functionName("Limited")).functionError(),
                "capacity is back once the first finished");
    }

    @Test
    void aFunctionPastItsTimeoutIsStoppedAndReplaced() throws Exception {
        InvokeResponse timedOut = lambda.invoke(r -> r.functionName("Slow")
                .logType(LogType.TAIL)
                .payload(SdkBytes.fromUtf8String("{\"cmd\":\"act:sleep:10000\"}")));
        assertEquals("Unhandled", timedOut.functionError());
        JsonNode error = JSON.readTree(timedOut.payload().asByteArray());
        assertEquals("Sandbox.Timedout", error.get("errorType").asText());
        assertTrue(error.get("errorMessage").asText().endsWith("Task timed out after 3.00 seconds"), error.toString());
        String tail = new String(Base64.getDecoder().decode(timedOut.logResult()), StandardCharsets.UTF_8);
        assertTrue(tail.contains("Task timed out after 3.00 seconds") && tail.contains("Status: timeout"), tail);

        // its timeout (3 s, not 1) leaves room for the new environment's first, cold invocation on a loaded machine
        InvokeResponse next = lambda.invoke(r -> r.functionName("Slow"));
        assertNull(next.functionError(), "a fresh environment serves the next request");
    }

    @Test
    void aCrashingFunctionFailsItsRequestAndIsReplaced() throws Exception {
        long pidBefore = JSON.readTree(
                        lambda.invoke(r -> r.functionName("Echo")).payload().asByteArray())
                .get("pid")
                .asLong();
        InvokeResponse crashed =
                lambda.invoke(r -> r.functionName("Echo").payload(SdkBytes.fromUtf8String("{\"cmd\":\"act:exit:3\"}")));
        assertEquals("Unhandled", crashed.functionError());
        JsonNode error = JSON.readTree(crashed.payload().asByteArray());
        assertEquals("Runtime.ExitError", error.get("errorType").asText());
        assertTrue(
                error.get("errorMessage").asText().endsWith("Error: Runtime exited with error: exit status 3"),
                error.toString());

        InvokeResponse thrown =
                lambda.invoke(r -> r.functionName("Echo").payload(SdkBytes.fromUtf8String("{\"cmd\":\"act:throw\"}")));
        assertEquals("Unhandled", thrown.functionError());
        assertEquals(
                "java.lang.IllegalStateException",
                JSON.readTree(thrown.payload().asByteArray()).get("errorType").asText());

        long pidAfter = JSON.readTree(
                        lambda.invoke(r -> r.functionName("Echo")).payload().asByteArray())
                .get("pid")
                .asLong();
        assertNotEquals(pidBefore, pidAfter, "the dead environment was replaced");
    }

    @Test
    void aFunctionThatCannotInitialiseReportsTheInitError() throws Exception {
        InvokeResponse response = lambda.invoke(r -> r.functionName("Broken"));
        assertEquals("Unhandled", response.functionError());
        JsonNode error = JSON.readTree(response.payload().asByteArray());
        assertTrue(error.get("errorMessage").asText().contains("FailingInitHandler"), error.toString());
        assertTrue(log.count("INIT_REPORT Init Duration") >= 1, "INIT_REPORT line");
        assertEquals(
                "Unhandled",
                lambda.invoke(r -> r.functionName("Broken")).functionError(),
                "init is retried, and fails again");
    }

    @Test
    void aProvidedRuntimeRunsItsOwnBootstrap() throws Exception {
        InvokeResponse response =
                lambda.invoke(r -> r.functionName("Custom").payload(SdkBytes.fromUtf8String("{\"n\":1}")));
        assertNull(response.functionError());
        assertEquals("$LATEST", response.executedVersion());
        JsonNode body = JSON.readTree(response.payload().asByteArray());
        assertEquals("hello from bootstrap", body.get("greeting").asText());
        assertEquals("greeting.handler", body.get("handler").asText());
        assertEquals(1, body.get("event").get("n").asInt());

        InvokeResponse failed =
                lambda.invoke(r -> r.functionName("Custom").payload(SdkBytes.fromUtf8String("{\"please\":\"fail\"}")));
        assertEquals("Unhandled", failed.functionError());
        assertEquals(
                "Bootstrap.Failure",
                JSON.readTree(failed.payload().asByteArray()).get("errorType").asText());
    }

    @Test
    void eventAndDryRunInvocationsAnswerAtOnce() {
        assertEquals(
                202,
                lambda.invoke(r -> r.functionName("Echo").invocationType(InvocationType.EVENT))
                        .statusCode());
        assertEquals(
                204,
                lambda.invoke(r -> r.functionName("Echo").invocationType(InvocationType.DRY_RUN))
                        .statusCode());
    }
}
