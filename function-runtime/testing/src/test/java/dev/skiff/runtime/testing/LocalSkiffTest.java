package dev.skiff.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded local Skiff over packages that hold no handler: its servers, URLs and errors.
 * Serving a real package is tested after it is built, in tests/ (LocalSkiffTest) and the *IT tests.
 */
class LocalSkiffTest {
    @TempDir
    Path dir;

    @Test
    void aFunctionGetsItsOwnTemplateAndBothApis() throws Exception {
        Path code = Files.createDirectories(dir.resolve("code/lib"));
        List<String> lines = new ArrayList<>();
        Path template;
        try (LocalSkiff skiff = LocalSkiff.function("example.Missing::handleRequest", code.getParent())
                .withLogConsumer(lines::add)
                .start()) {
            assertEquals(List.of(LocalSkiff.FUNCTION), skiff.functionNames());
            assertEquals(
                    "arn:aws:lambda:us-east-1:123456789012:function:SkiffFunction",
                    skiff.functionArn(LocalSkiff.FUNCTION));
            assertTrue(skiff.apiUrl().getPort() > 0 && skiff.lambdaUrl().getPort() > 0);
            assertEquals(
                    "1",
                    skiff.emulator()
                            .registry()
                            .find(LocalSkiff.FUNCTION)
                            .function()
                            .alias("live")
                            .functionVersion(),
                    "version 1 is published under live");
            template = skiff.emulator().template().file();
            assertTrue(Files.isRegularFile(template), template + " is the template it wrote");

            // the handler class is not there: the function's error comes back with its log
            IllegalStateException e = assertThrows(
                    IllegalStateException.class, () -> skiff.invoke(LocalSkiff.FUNCTION + ":live", "{}".getBytes()));
            assertTrue(e.getMessage().contains("function SkiffFunction:live failed"), e.getMessage());
            assertTrue(e.getMessage().contains("example.Missing"), e.getMessage());
            assertFalse(skiff.logs().isEmpty());
            assertEquals(String.join("\n", lines), skiff.logs(), "every line also went to the consumer");

            // the HTTP API answers too, with API Gateway's own 404 where the template has no route
            HttpRequest ready = HttpRequest.newBuilder(skiff.apiUrl().resolve("/v2/health/ready"))
                    .build();
            HttpResponse<String> notFound =
                    HttpClient.newHttpClient().send(ready, HttpResponse.BodyHandlers.ofString());
            assertEquals(404, notFound.statusCode(), notFound.body());
        }
        assertFalse(Files.exists(template), "the template it wrote is gone");
    }

    @Test
    void withoutEitherApiItsUrlSaysSo() throws Exception {
        Path template = template("code");
        try (LocalSkiff skiff = LocalSkiff.template(template).withoutApi().start()) {
            assertTrue(skiff.lambdaUrl().getPort() > 0);
            assertTrue(assertThrows(IllegalStateException.class, skiff::apiUrl)
                    .getMessage()
                    .contains("no HTTP API"));
        }
        try (LocalSkiff skiff = LocalSkiff.template(template).withoutLambda().start()) {
            assertTrue(skiff.apiUrl().getPort() > 0);
            String message =
                    assertThrows(IllegalStateException.class, skiff::lambdaUrl).getMessage();
            assertTrue(message.contains("no Lambda API"), message);
            assertThrows(IllegalStateException.class, () -> skiff.invoke("Fn", new byte[0]));
        }
    }

    @Test
    void aPortInUseIsAnError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            IllegalStateException e = assertThrows(
                    IllegalStateException.class,
                    () -> LocalSkiff.template(template("code"))
                            .withPort(taken.getLocalPort())
                            .start());
            assertTrue(e.getMessage().contains("cannot start a local Skiff from"), e.getMessage());
        }
    }

    @Test
    void missingFilesAndBadSettingsAreNamed() throws Exception {
        IllegalArgumentException noTemplate = assertThrows(
                IllegalArgumentException.class,
                () -> LocalSkiff.template(dir.resolve("nope.yaml")).start());
        assertTrue(
                noTemplate.getMessage().contains("no SAM template at " + dir.resolve("nope.yaml")),
                noTemplate.getMessage());

        IllegalArgumentException noPackage = assertThrows(
                IllegalArgumentException.class,
                () -> LocalSkiff.function("a.B::handleRequest", dir.resolve("target/lambda"))
                        .start());
        assertTrue(
                noPackage.getMessage().contains("target/lambda is missing: package the function first"),
                noPackage.getMessage());

        Path empty = Files.writeString(dir.resolve("empty.yaml"), "Transform: AWS::Serverless-2016-10-31\n");
        IllegalArgumentException badTemplate = assertThrows(
                IllegalArgumentException.class, () -> LocalSkiff.template(empty).start());
        assertTrue(
                badTemplate.getMessage().contains("no Resources")
                        && badTemplate.getMessage().contains("empty.yaml"),
                badTemplate.getMessage());

        assertThrows(
                IllegalArgumentException.class, () -> LocalSkiff.template(empty).withPort(70000));
        assertThrows(
                IllegalArgumentException.class, () -> LocalSkiff.template(empty).withLambdaPort(-2));
        assertThrows(IllegalArgumentException.class, () -> LocalSkiff.function(" ", dir));
        assertThrows(
                IllegalArgumentException.class, () -> LocalSkiff.template(empty).withIdleTimeout(Duration.ZERO));
    }

    private Path template(String codeUri) throws Exception {
        Files.createDirectories(dir.resolve(codeUri));
        return Files.writeString(dir.resolve("template.yaml"), """
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: java21
                      Handler: example.Missing::handleRequest
                      CodeUri: %s
                """.formatted(codeUri));
    }
}
