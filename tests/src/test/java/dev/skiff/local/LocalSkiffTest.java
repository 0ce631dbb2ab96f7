package dev.skiff.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.testing.LocalSkiff;
import dev.skiff.runtime.testing.TestFunction;
import dev.skiff.runtime.testing.vectors.LambdaEvents;
import dev.skiff.runtime.testing.vectors.ProtocolVector;
import dev.skiff.runtime.testing.vectors.ProtocolVectorSource;
import dev.skiff.runtime.testing.vectors.ProtocolVectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * sam/template.yaml under an embedded local Skiff, as {@code skiff local start-api} serves it: its
 * HTTP API answers the protocol vectors its routes lead to as the plain function does, and its
 * Lambda API invokes the template's functions by alias.
 */
class LocalSkiffTest {
    static final Path ROOT =
            TestFunction.examples().toAbsolutePath().getParent().getParent();
    static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static LocalSkiff skiff;
    static TestFunction fraud;
    static TestFunction minilm;

    @BeforeAll
    static void start() {
        Path lambdaPackage = ROOT.resolve("function-runtime/lambda/target/lambda/lib");
        assertTrue(
                Files.isDirectory(lambdaPackage), lambdaPackage + " is missing: package function-runtime/lambda first");
        skiff = LocalSkiff.template(ROOT.resolve("sam/template.yaml"))
                .withPort(0)
                .withLambdaPort(0)
                .start();
        // the template's functions each serve one model (SKIFF_MODELS): so do the references
        fraud = new TestFunction(TestFunction.examples(), "fraud");
        minilm = new TestFunction(TestFunction.examples(), "minilm");
    }

    @AfterAll
    static void stop() {
        if (skiff != null) skiff.close();
        if (fraud != null) fraud.close();
        if (minilm != null) minilm.close();
    }

    @Test
    void servesTheTemplatesFunctionsOnFreePorts() {
        // the models' functions, and fraud's scheduled drift check (fraud captures)
        assertEquals(List.of("FraudFunction", "FraudDriftFunction", "MinilmFunction"), skiff.functionNames());
        assertTrue(
                skiff.apiUrl().getPort() > 0 && skiff.lambdaUrl().getPort() > 0,
                skiff.apiUrl() + " " + skiff.lambdaUrl());
        assertTrue(skiff.apiUrl().getPort() != skiff.lambdaUrl().getPort());
        assertEquals(
                "arn:aws:lambda:us-east-1:123456789012:function:FraudFunction", skiff.functionArn("FraudFunction"));
    }

    /** The routes of the template (no stage, no catch-all): where API Gateway has none, it answers itself. */
    @ParameterizedTest(name = "{0}")
    @ProtocolVectorSource(
            tags = {"health", "metadata", "infer"},
            excludeTags = {"stage", "direct"})
    void apiAnswersAsThePlainFunction(ProtocolVector vector) throws Exception {
        HttpResponse<byte[]> response =
                HTTP.send(vector.httpRequest(skiff.apiUrl()), HttpResponse.BodyHandlers.ofByteArray());
        TestFunction reference = vector.path().contains("/minilm") ? minilm : fraud;
        byte[] plain = reference.function.handle(LambdaEvents.event(vector), "req-1", TestFunction.ARN);
        byte[] plainBody =
                TestFunction.JSON.readTree(plain).get("body").asText().getBytes(StandardCharsets.UTF_8);

        assertEquals(
                vector.status(),
                response.statusCode(),
                () -> new String(response.body(), StandardCharsets.UTF_8) + "\n" + skiff.logs());
        assertEquals("lambda", response.headers().firstValue("x-skiff-target").orElse(null));
        assertArrayEquals(
                plainBody,
                response.body(),
                () -> "plain: " + new String(plainBody, StandardCharsets.UTF_8) + "\nlocal: "
                        + new String(response.body(), StandardCharsets.UTF_8));
    }

    @Test
    void lambdaApiInvokesAFunctionThroughItsAlias() {
        ProtocolVector direct = ProtocolVectors.builtIn().named("direct invocation");
        String alias = ProtocolVectors.builtIn().throughAlias();
        byte[] answer = skiff.invoke("FraudFunction:" + alias, LambdaEvents.event(direct));
        LambdaEvents.assertAnswers(direct, answer);
        byte[] plain = fraud.function.handle(LambdaEvents.event(direct), "req-1", TestFunction.ARN);
        assertEquals(new String(plain, StandardCharsets.UTF_8), new String(answer, StandardCharsets.UTF_8));
    }

    @Test
    void invokingAFunctionTheTemplateLacksSaysWhichItHas() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> skiff.invoke("Nope", "{}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("HTTP 404") && e.getMessage().contains("FraudFunction"), e.getMessage());
    }

    @Test
    void startLambdaAloneServesNoHttpApi() {
        try (LocalSkiff lambdaOnly = LocalSkiff.template(ROOT.resolve("sam/template.yaml"))
                .withoutApi()
                .withIdleTimeout(Duration.ofSeconds(30))
                .withLogConsumer(line -> {})
                .start()) {
            assertTrue(lambdaOnly.lambdaUrl().getPort() > 0);
            IllegalStateException e = assertThrows(IllegalStateException.class, lambdaOnly::apiUrl);
            assertTrue(e.getMessage().contains("no HTTP API"), e.getMessage());
        }
    }
}
